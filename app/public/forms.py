"""Forms of the organizer's public-site pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import BaseForm

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RICH_TEXT_HELP = _l(
    "HTML is allowed for paragraphs (p), headings (h2, h3, h4), lists (ul, ol, li), links "
    "(a href), bold (strong) and italics (em); anything else is removed when saved. "
    "Plain text works too: an empty line starts a new paragraph."
)


def strip(value):
    return value.strip() if isinstance(value, str) else value


class PostForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Address name (slug)"),
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Length(max=80),
            Regexp(
                SLUG_PATTERN,
                message=_l("Use lowercase letters, digits and single hyphens, e.g. edycja-2026."),
            ),
        ],
        description=_l("Leave empty to make it from the title."),
    )
    lead = TextAreaField(
        _l("Lead"),
        filters=[strip],
        validators=[Length(max=1000)],
        description=_l("One or two sentences shown in the list and when the link is shared."),
    )
    body = TextAreaField(_l("Text"), validators=[Length(max=100_000)], description=RICH_TEXT_HELP)
    byline = StringField(
        _l("Author (byline)"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Printed under the title, e.g. Anna Kowalska."),
    )
    edition_id = SelectField(_l("Edition"), coerce=int, default=0)
    language = SelectField(
        _l("Language of the post"),
        choices=[("pl", "Polski"), ("en", "English")],
        default="pl",
    )
    published_at = DateTimeLocalField(
        _l("Publication date and time (Warsaw time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l(
            "Empty: published when you press Publish. A later date schedules the post; "
            "an earlier one back-dates it."
        ),
    )
    save = SubmitField(_l("Save"))

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.edition_id.choices = [(0, _l("— none —"))] + [(e.id, e.name) for e in editions]


class PhotoForm(BaseForm):
    photo = FileField(
        _l("Photo (JPG or PNG, at most 10 MB)"),
        validators=[FileRequired(_l("Choose a photo to upload."))],
    )
    alt_text = StringField(
        _l("Alternative text"),
        filters=[strip],
        validators=[DataRequired(), Length(max=300)],
        description=_l("What the photo shows, for people who cannot see it."),
    )
    caption = StringField(_l("Caption"), filters=[strip], validators=[Length(max=500)])
    credit = StringField(
        _l("Photo credit"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("The photographer's name; the page prints it as \u201cfot. \u2026\u201d."),
    )
    add = SubmitField(_l("Add photo"))


class PhotoTextForm(BaseForm):
    alt_text = StringField(
        _l("Alternative text"), filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    caption = StringField(_l("Caption"), filters=[strip], validators=[Length(max=500)])
    credit = StringField(_l("Photo credit"), filters=[strip], validators=[Length(max=200)])
    save = SubmitField(_l("Save photo description"))


class BilingualPageForm(BaseForm):
    body_pl = TextAreaField(
        _l("Text in Polish"),
        validators=[DataRequired(), Length(max=200_000)],
        description=RICH_TEXT_HELP,
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[Length(max=200_000)],
        description=_l("Optional: without it, English readers see the Polish text."),
    )
    save = SubmitField(_l("Save"))


class AttachmentForm(BaseForm):
    title = StringField(
        _l("Title of the attachment"),
        filters=[strip],
        validators=[DataRequired(), Length(max=300)],
    )
    file = FileField(
        _l("File (PDF, DOCX, ODT, JPG or PNG)"),
        validators=[FileRequired(_l("Choose a file to upload."))],
    )
    upload = SubmitField(_l("Add attachment"))
