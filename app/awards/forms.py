"""Forms for special awards and the chapter's decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.awards.models import AwardKind
from app.forms import BaseForm
from app.labels import LABELS


def strip(value):
    return value.strip() if isinstance(value, str) else value


class SpecialAwardForm(BaseForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    position = IntegerField(
        _l("Order"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=1000)],
        description=_l("Special awards are listed from the lowest number."),
    )
    submit = SubmitField(_l("Save"))


def _entry_field(label):
    return SelectField(label, coerce=int, validators=[InputRequired()])


class CategoryAwardForm(BaseForm):
    """A laureate or a distinction for one of the category's ranked entries."""

    application_id = _entry_field(_l("Entry"))
    kind = RadioField(
        _l("Award"),
        choices=[
            (AwardKind.laureate.value, LABELS[AwardKind.laureate]),
            (AwardKind.distinction.value, LABELS[AwardKind.distinction]),
        ],
        validators=[InputRequired()],
    )
    justification = TextAreaField(
        _l("Justification"), filters=[strip], validators=[DataRequired(), Length(max=5000)]
    )
    departure_reason = TextAreaField(
        _l("Reason for departing from the ranking"),
        filters=[strip],
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Needed when an entry ranked higher gets a lower award (or none), or one ranked "
            "lower gets a higher award."
        ),
    )
    submit = SubmitField(_l("Record the award"))

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.application_id.choices = list(entries)


class SpecialDecisionForm(BaseForm):
    """One of the edition's special awards for an entry of the category."""

    application_id = _entry_field(_l("Entry"))
    special_award_id = SelectField(_l("Special award"), coerce=int, validators=[InputRequired()])
    justification = TextAreaField(
        _l("Justification"), filters=[strip], validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Give the special award"))

    def __init__(self, *args, entries=(), specials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.application_id.choices = list(entries)
        self.special_award_id.choices = [(s.id, s.name) for s in specials]


class WithholdForm(BaseForm):
    reason = TextAreaField(
        _l("Why no entry receives the title of laureate"),
        filters=[strip],
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Published with the results."),
    )
    submit = SubmitField(_l("Withhold the award"))


class RetakeForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for retaking the ranking"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
    )
    submit = SubmitField(_l("Retake the ranking"))
