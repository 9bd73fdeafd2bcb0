from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from app.accounts.forms import MIN_PASSWORD, strip
from app.forms import BaseForm
from app.jury.sheets import ScoreInput, SheetInput

_FIELD = re.compile(r"^(value|strengths|improvements|issue|check)-(\d{1,9})$")


class InviteJurorForm(BaseForm):
    email = EmailField(
        _l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    full_name = StringField(
        _l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField(_l("Invite"))


class InvitationResponseForm(BaseForm):
    """Accept or decline; a juror with no password yet sets one to accept."""

    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The passwords do not match."))],
    )
    accept = SubmitField(_l("Accept the invitation"))
    decline = SubmitField(_l("Decline"))

    def __init__(self, *args, needs_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            del self.password
            del self.confirm

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.needs_password and self.accept.data and not self.password.data:
            self.password.errors.append(str(_l("Set a password to accept the invitation.")))
            return False
        return ok


def _office_id(value):
    """The chosen office's id; 0 for the empty "choose" option."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ConflictForm(BaseForm):
    """Declare a conflict with one of the edition's applicant offices, picked
    from a list grouped by voivodeship (`offices`: (voivodeship label,
    [(office id, "name (city)")...]) pairs), not typed."""

    office_id = SelectField(
        _l("Office"),
        coerce=_office_id,
        validators=[DataRequired(_l("Choose the office you have a conflict of interest with."))],
        invalid_choice_message=_l("Choose an office from the list."),
    )
    reason = TextAreaField(
        _l("Reason for the conflict"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "For example: I worked in this office until 2024; a family member works there."
        ),
    )
    submit = SubmitField(_l("Declare the conflict"))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = {None: [(0, _l("— choose an office —"))]}
        for group, options in offices:
            choices[group] = options
        self.office_id.choices = choices


class AutoAssignForm(BaseForm):
    stage = HiddenField(validators=[DataRequired()])
    per_application = IntegerField(
        _l("Jurors per application"),
        validators=[InputRequired(), NumberRange(min=1, max=20)],
    )
    submit = SubmitField(_l("Assign automatically"))


class SheetForm(BaseForm):
    """A score sheet. The per-criterion fields (value-<id>, strengths-<id>,
    improvements-<id>) and the site-visit issues (issue-<n>; in stage 2
    check-<issue id>, note-<issue id>) are built by the template from the
    stage's criteria and read by `to_input`; the scoring service validates
    them, so the rules live in one place."""

    version = HiddenField()
    general_comment = TextAreaField(_l("General comment (optional)"))
    save = SubmitField(_l("Save draft"))
    submit_sheet = SubmitField(_l("Submit the sheet"))

    def __init__(self, *args, sheet=None, **kwargs):
        if sheet is not None:
            kwargs.setdefault("version", sheet.version)
            kwargs.setdefault("general_comment", sheet.general_comment)
        else:
            kwargs.setdefault("version", 0)
        super().__init__(*args, **kwargs)

    def to_input(self, formdata) -> SheetInput:
        try:
            version = int(self.version.data or 0)
        except (TypeError, ValueError):
            version = -1  # a forged field: treated as a stale form
        data = SheetInput(version=version, general_comment=self.general_comment.data or "")
        issues: dict[int, str] = {}
        for key in formdata:
            match = _FIELD.match(key)
            if not match:
                continue
            kind, number = match.group(1), int(match.group(2))
            if kind in ("value", "strengths", "improvements"):
                typed = data.scores.setdefault(number, ScoreInput())
                setattr(typed, kind, formdata.get(key, ""))
            elif kind == "issue":
                issues[number] = formdata.get(key, "")
            elif kind == "check":
                data.issue_checks[number] = (
                    formdata.get(key, ""),
                    formdata.get(f"note-{number}", ""),
                )
        # In the order of the fields, whatever order the browser sent them in.
        data.issues = [issues[n] for n in sorted(issues)]
        return data


def stored_fields(sheet) -> dict[str, str]:
    """A saved sheet as the form's field values, for showing it again."""
    from app.jury.sheets import format_number

    fields: dict[str, str] = {}
    if sheet is None:
        return fields
    for score in sheet.scores:
        fields[f"value-{score.criterion_id}"] = format_number(score.value)
        fields[f"strengths-{score.criterion_id}"] = score.strengths
        fields[f"improvements-{score.criterion_id}"] = score.improvements
    for n, issue in enumerate(sheet.site_visit_issues):
        fields[f"issue-{n}"] = issue.text
    return fields


class ReopenSheetForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for reopening (the juror receives it by e-mail)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
    )
    submit = SubmitField(_l("Reopen the sheet"))


class ExtendDueForm(BaseForm):
    stage = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2)])
    juror_id = IntegerField(validators=[InputRequired()])
    due = DateField(_l("New due date"), validators=[InputRequired()])
    submit = SubmitField(_l("Set the due date"))


class ReminderForm(BaseForm):
    stage = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2)])
    juror_id = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Remind late jurors"))
