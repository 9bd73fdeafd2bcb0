from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FileField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms import BaseForm
from app.jury.visits.findings import url_problem
from app.jury.visits.models import ChecklistItemKind, FindingEffect, VisitChannel
from app.jury.visits.services import MAX_MINUTES, MAX_NOTES, MAX_TEXT
from app.labels import choices

# Enum labels of app/labels.py that the site-wide catalogue has no Polish for
# yet; Flask-Babel merges the catalogues, so naming them here puts their
# Polish in this area's catalogue.
ENUM_LABELS = (_l("Planned"), _l("Scale"), _l("Minutes"))


def clean(value):
    """Trimmed, and without NUL characters, which PostgreSQL text refuses."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not among the choices: "Not a valid choice"


class ChecklistItemForm(BaseForm):
    channel = SelectField(
        _l("Channel"), choices=[SelectChoice(v, t) for v, t in choices(VisitChannel)]
    )
    prompt = StringField(
        _l("Question"), filters=[clean], validators=[DataRequired(), Length(max=500)]
    )
    kind = SelectField(
        _l("Kind of answer"), choices=[SelectChoice(v, t) for v, t in choices(ChecklistItemKind)]
    )
    scale_max = IntegerField(
        _l("Highest value of the scale"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Only for a scale: answers go from 0 to this value."),
    )
    guidance = TextAreaField(
        _l("Guidance for the visitor"), filters=[clean], validators=[Length(max=5000)]
    )
    criterion_id = SelectField(_l("Stage 2 criterion it feeds"), coerce=int_or_none)
    position = IntegerField(
        _l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    submit = SubmitField(_l("Save the question"))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion_id.choices = [SelectChoice(None, _l("None"))] + [
            SelectChoice(c.id, c.name) for c in criteria
        ]

    def validate_scale_max(self, field):
        if self.kind.data == ChecklistItemKind.scale.value and field.data is None:
            raise ValidationError(_l("A scale needs its highest value, from 1 to 100."))


class PlanVisitForm(BaseForm):
    application_id = SelectField(_l("Entry"), coerce=int_or_none, validators=[DataRequired()])
    channel = SelectField(
        _l("Channel"), choices=[SelectChoice(v, t) for v, t in choices(VisitChannel)]
    )
    visitor_id = SelectField(_l("Visitor: a juror"), coerce=int_or_none)
    visitor_name = StringField(
        _l("…or an outside visitor's name"), filters=[clean], validators=[Length(max=200)]
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Plan the visit"))

    def __init__(self, *args, applications=(), jurors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.application_id.choices = [SelectChoice(None, "—")] + [
            SelectChoice(a.id, a.office.name) for a in applications
        ]
        self.visitor_id.choices = [SelectChoice(None, "—")] + [
            SelectChoice(u.id, u.full_name) for u in jurors
        ]


class CancelVisitForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for cancelling (the juror receives it by e-mail)"),
        filters=[clean],
        validators=[DataRequired(), Length(max=2000)],
    )
    submit = SubmitField(_l("Cancel the visit"))


class ReopenForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for reopening"),
        filters=[clean],
        validators=[DataRequired(), Length(max=2000)],
    )
    submit = SubmitField(_l("Reopen the visit"))


class StartVisitForm(BaseForm):
    channel = SelectField(
        _l("Channel"), choices=[SelectChoice(v, t) for v, t in choices(VisitChannel)]
    )


class VisitFormBase(BaseForm):
    version = HiddenField()
    visited_at = DateTimeLocalField(
        _l("Date and time of the visit"),
        validators=[Optional()],
        description=_l("Polish time, e.g. 2026-05-04 10:30."),
    )
    notes = TextAreaField(_l("Notes"), filters=[clean], validators=[Length(max=MAX_NOTES)])
    photos = MultipleFileField(
        _l("Add photos"),
        description=_l("JPG or PNG, up to 10 MB each, at most 10 per visit."),
    )
    save = SubmitField(_l("Save the draft"))
    send = SubmitField(_l("Submit"))

    item_fields: list[tuple[object, str]]

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def answers(self) -> dict[int, object]:
        result: dict[int, object] = {}
        for item, name in self.item_fields:
            data = getattr(self, name).data
            if item.kind is ChecklistItemKind.yes_no:
                result[item.id] = {"yes": True, "no": False}.get(data)
            elif item.kind is ChecklistItemKind.scale:
                result[item.id] = int_or_none(data)
            elif item.kind is ChecklistItemKind.minutes:
                result[item.id] = data
            else:
                result[item.id] = data or ""
        return result


def visit_form(items, *, answers=None, **kwargs) -> VisitFormBase:
    """The visit form with one field per checklist item of the visit's channel."""

    class VisitForm(VisitFormBase):
        pass

    pairs = []
    for item in items:
        name = f"item_{item.id}"
        label, help_ = item.prompt, item.guidance or None
        if item.kind is ChecklistItemKind.yes_no:
            field = RadioField(
                label,
                choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                validators=[Optional()],
                description=help_,
            )
        elif item.kind is ChecklistItemKind.scale:
            field = SelectField(
                label,
                choices=[SelectChoice("", "—")]
                + [SelectChoice(str(n), str(n)) for n in range(item.scale_max + 1)],
                validators=[Optional()],
                description=help_,
            )
        elif item.kind is ChecklistItemKind.minutes:
            field = IntegerField(
                label,
                validators=[Optional(), NumberRange(min=0, max=MAX_MINUTES)],
                description=help_ or _l("Minutes, from 0 to 1440."),
            )
        else:
            field = TextAreaField(
                label, filters=[clean], validators=[Length(max=MAX_TEXT)], description=help_
            )
        setattr(VisitForm, name, field)
        pairs.append((item, name))
    VisitForm.item_fields = pairs
    data = {}
    for item, name in pairs:
        answer = (answers or {}).get(item.id)
        if answer is None:
            continue
        if item.kind is ChecklistItemKind.yes_no and answer.bool_value is not None:
            data[name] = "yes" if answer.bool_value else "no"
        elif item.kind is ChecklistItemKind.scale and answer.number_value is not None:
            data[name] = str(answer.number_value)
        elif item.kind is ChecklistItemKind.minutes:
            data[name] = answer.number_value
        elif item.kind is ChecklistItemKind.text:
            data[name] = answer.text_value
    return VisitForm(data=data, **kwargs)


class FindingForm(BaseForm):
    source = StringField(
        _l("Source"),
        filters=[clean],
        validators=[DataRequired(), Length(max=300)],
        description=_l("For example: a local newspaper, the Public Information Bulletin."),
    )
    url = StringField(_l("Web address (optional)"), filters=[clean])
    found_on = DateField(_l("Date found"), validators=[DataRequired()])
    finding = TextAreaField(
        _l("Finding"), filters=[clean], validators=[DataRequired(), Length(max=20000)]
    )
    effect = SelectField(
        _l("Effect"), choices=[SelectChoice(v, t) for v, t in choices(FindingEffect)]
    )
    criterion_id = SelectField(_l("Stage 2 criterion it concerns"), coerce=int_or_none)
    attachment = FileField(
        _l("Attachment (optional)"), description=_l("PDF, JPG or PNG, up to 10 MB.")
    )
    remove_attachment = BooleanField(_l("Remove the attachment"))
    submit = SubmitField(_l("Save the finding"))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion_id.choices = [SelectChoice(None, _l("None"))] + [
            SelectChoice(c.id, c.name) for c in criteria
        ]

    def validate_url(self, field):
        problem = url_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
