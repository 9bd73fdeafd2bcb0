"""Forms of the diplomas pages: the edition's design, the batch, revoking,
and the public check of an uploaded PDF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.awards.diploma_models import DISTINCTION_TEMPLATES, LAUREATE_TEMPLATES, MAX_VALID_YEARS
from app.awards.forms import strip
from app.awards.models import DiplomaTemplate
from app.forms import BaseForm
from app.labels import LABELS


def _template_choices(values):
    return [(v, LABELS[DiplomaTemplate(v)]) for v in values]


def _image_field(label):
    return FileField(label, description=_l("PNG or JPEG, at most 2 MB."))


class DesignForm(BaseForm):
    template_laureate = SelectField(
        _l("Laureates receive"), choices=_template_choices(LAUREATE_TEMPLATES)
    )
    template_distinction = SelectField(
        _l("Distinctions receive"), choices=_template_choices(DISTINCTION_TEMPLATES)
    )
    participation = BooleanField(
        _l("Certificates of participation for the entries without an award")
    )
    certificate_valid_years = IntegerField(
        _l("The quality-mark certificate is valid for (years)"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_VALID_YEARS)],
    )
    logo = _image_field(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the logo"))
    signer1_name = StringField(
        _l("First signature: name"), filters=[strip], validators=[Length(max=200)]
    )
    signer1_role = StringField(
        _l("First signature: function"), filters=[strip], validators=[Length(max=200)]
    )
    signer1_image = _image_field(_l("First signature: image"))
    remove_signer1_image = BooleanField(_l("Remove the first signature's image"))
    signer2_name = StringField(
        _l("Second signature: name"), filters=[strip], validators=[Length(max=200)]
    )
    signer2_role = StringField(
        _l("Second signature: function"), filters=[strip], validators=[Length(max=200)]
    )
    signer2_image = _image_field(_l("Second signature: image"))
    remove_signer2_image = BooleanField(_l("Remove the second signature's image"))
    submit = SubmitField(_l("Save the design"))


class BatchForm(BaseForm):
    regenerate = BooleanField(
        _l(
            "Also replace the diplomas already made (each gets a new version; the old one is revoked)"
        )
    )
    submit = SubmitField(_l("Generate all diplomas"))


class RevokeForm(BaseForm):
    reason = TextAreaField(
        _l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Revoke the diploma"))


class VerifyUploadForm(BaseForm):
    document = FileField(
        _l("PDF file"), validators=[FileRequired(_l("Choose the PDF file to check."))]
    )
    submit = SubmitField(_l("Check the file"))
