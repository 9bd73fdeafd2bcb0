from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from app.accounts.forms import MIN_PASSWORD, strip
from app.forms import BaseForm
from app.labels import choices
from app.offices.models import OfficeType, Voivodeship
from app.offices.validators import NipValidator, RegonValidator


class OfficeForm(BaseForm):
    name = StringField(
        _l("Name of the office"), filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    office_type = SelectField(_l("Type"), validators=[DataRequired()])
    voivodeship = SelectField(_l("Voivodeship"), validators=[DataRequired()])
    city = StringField(_l("City"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Street address"), filters=[strip], validators=[Length(max=300)])
    postal_code = StringField(
        _l("Postal code"),
        filters=[strip],
        validators=[
            Optional(),
            Regexp(r"^\d{2}-\d{3}$", message=_l("Write the postal code as 00-000.")),
        ],
    )
    # Optional here (self-registration requires them): an office without them
    # is saved and marked to complete.
    regon = StringField(
        "REGON",
        filters=[strip],
        validators=[Optional(), RegonValidator()],
        description=_l("Leave empty if not known yet; the office is then marked to complete."),
    )
    nip = StringField(
        "NIP",
        filters=[strip],
        validators=[Optional(), NipValidator()],
        description=_l("Leave empty if not known yet; the office is then marked to complete."),
    )
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[Length(max=200)])
    contact_email = EmailField(
        _l("Contact e-mail"), filters=[strip], validators=[Optional(), Email(), Length(max=254)]
    )
    phone = StringField(_l("Phone"), filters=[strip], validators=[Length(max=40)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_type.choices = [("", "—"), *choices(OfficeType)]
        self.voivodeship.choices = [("", "—"), *choices(Voivodeship)]


class ImportUploadForm(BaseForm):
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l(
            "First row: the column names. Required: nazwa, województwo, miejscowość. "
            "Optional: typ, adres, kod pocztowy, regon, nip, email, osoba kontaktowa, "
            "telefon. Other columns are ignored. CSV files must be saved as UTF-8."
        ),
    )
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(BaseForm):
    valid_only = BooleanField(_l("Import only the valid rows and skip the rows with errors"))
    submit = SubmitField(_l("Import"))


class RejectForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for the rejection"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The office's users receive it by e-mail."),
    )
    submit = SubmitField(_l("Reject"))


class AcceptInvitationForm(BaseForm):
    full_name = StringField(
        _l("Your full name"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))
