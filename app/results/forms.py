"""Forms of the results area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.editions.forms import strip
from app.forms import BaseForm


class OverrideForm(BaseForm):
    """Depart from the proposed stage-2 list for one entry."""

    decision = RadioField(
        _l("Decision"),
        choices=[("yes", _l("Qualify for stage 2")), ("no", _l("Do not qualify"))],
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown to the chapter and kept in the record."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason for departing from the proposed list.")),
            Length(max=2000),
        ],
    )
    submit = SubmitField(_l("Save the decision"))


class ConfirmQualificationForm(BaseForm):
    expected = HiddenField(validators=[DataRequired()])
    confirm_missing = BooleanField(
        _l("I confirm: close the stage although the listed score sheets are missing")
    )
    submit = SubmitField(_l("Confirm the list and close stage 1"))


class BlindViewForm(BaseForm):
    """Switch one's own blinded view of an edition on ("1") or off ("0");
    `back` is the page to return to (a path of the same edition)."""

    on = HiddenField(validators=[DataRequired()])
    back = HiddenField()


class RevealNamesForm(BaseForm):
    """Reveal a blinded chapter's names (the form carries only its CSRF token)."""


class FeedbackSettingsForm(BaseForm):
    """How the feedback reports print an office's own result."""

    mode = SelectField(
        _l("The office's result is shown"),
        choices=[
            ("band", _l("as a band (e.g. 45–60 %)")),
            ("exact", _l("as an exact percentage")),
        ],
    )
    band_width = IntegerField(
        _l("Band width (percentage points)"),
        validators=[InputRequired(), NumberRange(min=5, max=50)],
    )
    submit = SubmitField(_l("Save the report settings"))


class FeedbackActionForm(BaseForm):
    """Make the reports, publish or withdraw them (only the CSRF token)."""
