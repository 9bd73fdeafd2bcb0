"""Forms of consensus review, one per action. The draft's per-criterion fields
(value-<id>, strengths-<id>, improvements-<id>, issue-<n>) are built by the
template from the stage's criteria, as on a score sheet, and read by
`to_input`; the service checks them."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.accounts.forms import strip
from app.forms import BaseForm
from app.jury.consensus.services import DraftInput
from app.jury.sheets import TEXT_LIMIT, ScoreInput

_FIELD = re.compile(r"^(value|strengths|improvements|issue)-(\d{1,9})$")


class DraftForm(BaseForm):
    based_on = HiddenField()
    note = TextAreaField(
        _l("Note to the other jurors (optional)"),
        description=_l("What changed in this version and why."),
    )
    save = SubmitField(_l("Save a new version"))

    def to_input(self, formdata) -> DraftInput:
        try:
            based_on = int(self.based_on.data or 0)
        except (TypeError, ValueError):
            based_on = -1  # a forged field: treated as a stale form
        data = DraftInput(based_on=based_on, note=self.note.data or "")
        issues: dict[int, str] = {}
        for key in formdata:
            match = _FIELD.match(key)
            if not match:
                continue
            kind, number = match.group(1), int(match.group(2))
            if kind == "issue":
                issues[number] = formdata.get(key, "")
            else:
                setattr(data.scores.setdefault(number, ScoreInput()), kind, formdata.get(key, ""))
        data.issues = [issues[n] for n in sorted(issues)]
        return data


class ResponseForm(BaseForm):
    decision = RadioField(
        _l("Your answer to this version"),
        choices=[
            ("agree", _l("I agree with this consensus")),
            ("object", _l("I object (say why below)")),
        ],
        validators=[InputRequired(message=_l("Choose whether you agree or object."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        filters=[strip],
        validators=[Optional(), Length(max=TEXT_LIMIT)],
        description=_l("Required when you object."),
    )
    submit = SubmitField(_l("Send my answer"))


class LeadForm(BaseForm):
    lead = SelectField(_l("Lead juror"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Set the lead"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead.choices = [(a.juror_id, a.juror.full_name) for a in candidates]


class CloseForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for closing"),
        filters=[strip],
        validators=[DataRequired(), Length(max=TEXT_LIMIT)],
        description=_l("The latest version then counts as the consensus."),
    )
    submit = SubmitField(_l("Close the review"))
