from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
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
    Regexp,
    ValidationError,
)

from app.accounts.forms import MIN_PASSWORD, strip
from app.editions.models import QuestionKind
from app.forms import BaseForm, VersionField
from app.labels import choices
from app.offices.models import OfficeType, Voivodeship
from app.offices.validators import NipValidator, RegonValidator


class RegistrationForm(BaseForm):
    name = StringField(
        _l("Name of the office"), filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    office_type = SelectField(
        _l("Type of office"),
        choices=[SelectChoice(value, text) for value, text in choices(OfficeType)],
        validators=[DataRequired()],
    )
    voivodeship = SelectField(
        _l("Voivodeship"),
        choices=[SelectChoice(value, text) for value, text in choices(Voivodeship)],
        validators=[DataRequired()],
    )
    city = StringField(_l("City"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    address = StringField(
        _l("Street and number"), filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    postal_code = StringField(
        _l("Postal code"),
        filters=[strip],
        validators=[
            DataRequired(),
            Regexp(r"^\d{2}-\d{3}$", message=_l("Write the postal code as NN-NNN, e.g. 00-950.")),
        ],
        description=_l("For example 00-950."),
    )
    regon = StringField(_l("REGON"), filters=[strip], validators=[DataRequired(), RegonValidator()])
    nip = StringField(_l("NIP"), filters=[strip], validators=[DataRequired(), NipValidator()])
    contact_name = StringField(
        _l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        validators=[DataRequired(), Email(), Length(max=254)],
        description=_l("You will sign in with this address; we will send a confirmation link."),
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
    submit = SubmitField(_l("Register the office"))


class ApplyForm(BaseForm):
    category = SelectField(_l("Category"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Start the application"))

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(c.id, c.name) for c in categories]


YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def _yes_no_choice(form, field):
    if field.data not in (None, "", "None", "yes", "no"):
        raise ValidationError(_l("Choose yes or no."))


def _in_range(low, high, message):
    """NumberRange, silent when the value is not a number (that error is
    already reported once)."""
    checker = NumberRange(min=low, max=high, message=message)

    def validate(form, field):
        if field.data is not None:
            checker(form, field)

    return validate


def question_field_name(question) -> str:
    return f"q_{question.id}"


def _question_field(question):
    help_parts = [question.help_text] if question.help_text else []
    if question.required:
        help_parts.append(str(_l("Required before submission.")))
    if question.kind is QuestionKind.text:
        limit = question.max_length
        if limit:
            help_parts.append(str(_l("At most %(n)s characters.", n=limit)))
        return TextAreaField(
            question.prompt,
            validators=[
                Optional(),
                *(
                    [Length(max=limit, message=_l("At most %(max)d characters are allowed."))]
                    if limit
                    else []
                ),
            ],
            description=" ".join(help_parts),
            render_kw={"maxlength": limit, "rows": 5} if limit else {"rows": 5},
        )
    if question.kind is QuestionKind.yes_no:
        return RadioField(
            question.prompt,
            choices=YES_NO,
            validate_choice=False,
            validators=[Optional(), _yes_no_choice],
            description=" ".join(help_parts),
        )
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        rule = _l("A whole number from %(low)s to %(high)s.", low=low, high=high)
        message = _l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
    elif low is not None:
        rule = _l("A whole number, at least %(low)s.", low=low)
        message = _l("Enter a whole number of at least %(low)s.", low=low)
    elif high is not None:
        rule = _l("A whole number, at most %(high)s.", high=high)
        message = _l("Enter a whole number of at most %(high)s.", high=high)
    else:
        rule = message = _l("A whole number.")
    help_parts.append(str(rule))
    return IntegerField(
        question.prompt,
        validators=[Optional(), _in_range(low, high, message)],
        description=" ".join(help_parts),
        render_kw={k: v for k, v in (("min", low), ("max", high)) if v is not None},
    )


class QuestionnaireBase(BaseForm):
    version = VersionField()
    save = SubmitField(_l("Save draft"))

    def question_fields(self, area):
        return [self[question_field_name(q)] for q in area.questions]

    def answer_values(self, areas) -> dict[int, object]:
        """Question id -> the typed value (yes/no as a bool), ready for the service."""
        values: dict[int, object] = {}
        for area in areas:
            for question in area.questions:
                data = self[question_field_name(question)].data
                if question.kind is QuestionKind.yes_no:
                    data = {"yes": True, "no": False}.get(data)
                elif question.kind is QuestionKind.text and data is not None:
                    data = data.replace("\r\n", "\n")
                values[question.id] = data
        return values


def questionnaire_form(areas, *, saved: dict[int, object], version: int, formdata=None):
    """A form with one field per question of the edition, prefilled with the
    saved answers (yes/no as "yes"/"no"), unless the user's own typed data
    is given."""

    class QuestionnaireForm(QuestionnaireBase):
        pass

    data: dict[str, object] = {"version": version}
    for area in areas:
        for question in area.questions:
            name = question_field_name(question)
            setattr(QuestionnaireForm, name, _question_field(question))
            value = saved.get(question.id)
            if question.kind is QuestionKind.yes_no and value is not None:
                value = "yes" if value else "no"
            data[name] = value
    if formdata is not None:
        return QuestionnaireForm(formdata=formdata)
    return QuestionnaireForm(formdata=None, data=data)


class DocumentForm(BaseForm):
    area = SelectField(_l("Area"), coerce=int, validators=[Optional()])
    file = FileField(_l("File"))
    upload = SubmitField(_l("Upload"))

    def __init__(self, *args, areas, max_mb, **kwargs):
        super().__init__(*args, **kwargs)
        self.area.choices = [(0, str(_l("General (no particular area)")))] + [
            (a.id, a.name) for a in areas
        ]
        self.file.description = _l(
            "PDF, DOCX, ODT, JPG or PNG; at most %(mb)s MB per file.", mb=max_mb
        )


class ReopenForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for reopening"),
        filters=[strip],
        validators=[DataRequired(), Length(max=2000)],
        description=_l("The office's users receive this reason by e-mail."),
    )
    deadline = DateTimeLocalField(
        _l("New deadline for this application"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l(
            "Polish time (Europe/Warsaw). Required once the edition's deadline has passed; "
            "the e-mail states it."
        ),
    )
    submit = SubmitField(_l("Reopen the application"))


class ApplicationFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    category = SelectField(_l("Category"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, categories, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", str(_l("All statuses")))] + status_choices
        self.category.choices = [(0, str(_l("All categories")))] + [
            (c.id, c.name) for c in categories
        ]
