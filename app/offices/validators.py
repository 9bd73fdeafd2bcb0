"""Polish registry numbers: NIP (tax id) and REGON (statistical id), with their checksums."""

from __future__ import annotations

import re

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)


def clean_number(value: str | None) -> str:
    """Digits only: people write NIPs as 123-456-78-90 or with spaces; a PL prefix is allowed."""
    value = (value or "").strip().upper()
    if value.startswith("PL"):
        value = value[2:]
    return re.sub(r"[\s\-.]", "", value)


def nip_is_valid(value: str | None) -> bool:
    digits = clean_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits, NIP_WEIGHTS, strict=False)) % 11
    return total != 10 and total == int(digits[9])


def _regon_check(digits: str, weights: tuple[int, ...]) -> int:
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if total == 10 else total


def regon_is_valid(value: str | None) -> bool:
    digits = clean_number(value)
    if re.fullmatch(r"\d{9}", digits):
        return _regon_check(digits, REGON9_WEIGHTS) == int(digits[8])
    if re.fullmatch(r"\d{14}", digits):
        return _regon_check(digits[:9], REGON9_WEIGHTS) == int(digits[8]) and _regon_check(
            digits, REGON14_WEIGHTS
        ) == int(digits[13])
    return False


def complete_nip(first9: str) -> str | None:
    """The valid NIP starting with these nine digits, if one exists (for demo data and tests)."""
    total = sum(int(d) * w for d, w in zip(first9, NIP_WEIGHTS, strict=False)) % 11
    return None if total == 10 else first9 + str(total)


def complete_regon(first8: str) -> str:
    return first8 + str(_regon_check(first8, REGON9_WEIGHTS))


# WTForms validators, so every form checks the same way.
def _wtforms_validator(check, message):
    from wtforms.validators import ValidationError

    def validate(form, field):
        if field.data and not check(field.data):
            raise ValidationError(str(message))
        if field.data:
            field.data = clean_number(field.data)

    return validate


def NipValidator():  # noqa: N802 (reads like the WTForms validators it sits beside)
    from flask_babel import lazy_gettext as _l

    return _wtforms_validator(
        nip_is_valid, _l("This is not a valid NIP (10 digits with a correct check digit).")
    )


def RegonValidator():  # noqa: N802
    from flask_babel import lazy_gettext as _l

    return _wtforms_validator(
        regon_is_valid, _l("This is not a valid REGON (9 or 14 digits with a correct check digit).")
    )
