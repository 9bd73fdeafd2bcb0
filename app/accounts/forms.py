from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.forms import BaseForm

MIN_PASSWORD = 10


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ResetRequestForm(BaseForm):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class NewPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Set password"))


class LogoutForm(BaseForm):
    submit = SubmitField(_l("Sign out"))


class LogoutEverywhereForm(BaseForm):
    submit = SubmitField(_l("Sign out on all devices"))


class ProfileForm(BaseForm):
    full_name = StringField(
        _l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    locale = RadioField(
        _l("Language of the interface"),
        choices=[SelectChoice("pl", "Polski"), SelectChoice("en", "English")],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save"))


class ChangePasswordForm(NewPasswordForm):
    """The new-password fields, behind the current password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))
