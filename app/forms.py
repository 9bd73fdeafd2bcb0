"""The base of every form in Laurel.

`BaseForm` puts three checks in front of each field's own validators, so no
form can forget them (a test checks that every form derives from it):

- text (every StringField, TextAreaField, HiddenField...; passwords, which
  are only hashed, aside) may not hold control characters: a NUL byte ends
  in a server error on PostgreSQL and the others in garbled text. Tab and
  line breaks stay allowed where the field is multi-line;
- an integer must fit the database's INTEGER columns;
- a decimal or float must be a finite number ("nan" and "inf" parse as
  numbers, and then break every comparison and the rendering of the form).

Each stops that field's validation with one clear message.
"""

from __future__ import annotations

import decimal
import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FloatField,
    IntegerField,
    PasswordField,
    StringField,
)
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import HiddenInput, TextArea

from app.inputs import MAX_DB_INT, control_characters

# A bound far above every number field's own range (weights, scores,
# percentages), and low enough to keep the form's own rendering exact.
MAX_DECIMAL = decimal.Decimal(10) ** 12


def no_control_characters(form, field) -> None:
    multiline = isinstance(field.widget, TextArea)
    if isinstance(field.data, str) and control_characters(field.data, multiline=multiline):
        raise StopValidation(
            _l(
                "Remove the control characters (such as a NUL byte or an escape character) "
                "from this text."
            )
        )


def integer_in_range(form, field) -> None:
    if isinstance(field.data, int) and not -MAX_DB_INT - 1 <= field.data <= MAX_DB_INT:
        raise StopValidation(_l("This number is too large."))


def finite_number(form, field) -> None:
    data = field.data
    if data is None:
        return
    finite = data.is_finite() if isinstance(data, decimal.Decimal) else math.isfinite(data)
    if not finite or abs(data) >= MAX_DECIMAL:
        # WTForms shows the typed text back; the value itself is dropped so
        # that nothing downstream compares or formats it.
        field.data = None
        if not finite:
            raise StopValidation(_l("Enter a number (nan and infinity are not numbers)."))
        raise StopValidation(_l("This number is too large."))


def _guards(field) -> list:
    if isinstance(field, PasswordField):
        return []
    if isinstance(field, StringField):
        return [no_control_characters]
    if isinstance(field, IntegerField):
        return [integer_in_range]
    if isinstance(field, (DecimalField, FloatField)):
        return [finite_number]
    return []


class VersionField(IntegerField):
    """The version of the record a form was built from, for the concurrent-edit
    check: hidden, and a required whole number. A missing or forged one fails
    the form instead of quietly skipping the check."""

    widget = HiddenInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators or [InputRequired(message=_l("The form is incomplete: reload the page."))],
            **kwargs,
        )


class BaseForm(FlaskForm):
    """FlaskForm (CSRF token, request data) plus the input guards above."""

    class Meta:
        def get_translations(self, form):
            from app.translating import wtforms_translations

            return wtforms_translations

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            guards = _guards(field)
            if guards:
                field.validators = [*guards, *field.validators]
            return field
