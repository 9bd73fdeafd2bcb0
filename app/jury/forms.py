from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
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


class InviteJurorForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    full_name = StringField(
        _l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField(_l("Invite"))


class InvitationResponseForm(FlaskForm):
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


class ConflictForm(FlaskForm):
    office_id = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason for the conflict"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "For example: I worked in this office until 2024; a family member works there."
        ),
    )
    submit = SubmitField(_l("Declare the conflict"))


class AutoAssignForm(FlaskForm):
    stage = HiddenField(validators=[DataRequired()])
    per_application = IntegerField(
        _l("Jurors per application"),
        validators=[InputRequired(), NumberRange(min=1, max=20)],
    )
    submit = SubmitField(_l("Assign automatically"))
