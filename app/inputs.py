"""Raw input the framework hands over unchecked: integers in URLs and query
strings, and text carrying control characters.

PostgreSQL refuses both where SQLite shrugs: an id past its INTEGER column
("integer out of range") and a NUL byte in text ("cannot contain NUL") end
in a server error unless they are stopped here. Each rule is written once:

- `BoundedIntConverter` replaces Flask's `<int:...>`: a number no id column
  can hold does not match the route, so the answer is a plain 404;
- `db_int` is the `type=` for integers in query strings and posted fields,
  `page_arg` the page number of every paged list;
- `control_characters` is the one test for text; the base form
  (app/forms.py) applies it to every form field, `refuse_control_characters`
  to every query string.
"""

from __future__ import annotations

import re

from flask import abort, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# Ids and counters are INTEGER columns: 32-bit signed on PostgreSQL.
MAX_DB_INT = 2**31 - 1
# Far beyond any real list (3,000 offices make 60 pages), far below an overflow.
MAX_PAGE = 100_000

# C0 and C1 control characters and DEL. Tab, line feed and carriage return
# belong in multi-line text; nothing else of these belongs in any text.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_characters(text: str | None, *, multiline: bool = False) -> bool:
    """True when the text holds a control character it may not (a NUL byte, an
    escape, a vertical tab...). Multi-line text may hold tabs and line breaks."""
    if not text:
        return False
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_SINGLE_LINE
    return pattern.search(text) is not None


class BoundedIntConverter(IntegerConverter):
    """`<int:name>` for database ids: a value past MAX_DB_INT is no match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_DB_INT if max is None else max, signed)


def db_int(value) -> int:
    """`type=` for request.args/form.get: an integer an INTEGER column can hold,
    else ValueError (so the caller's default is used)."""
    number = int(value)
    if not -MAX_DB_INT - 1 <= number <= MAX_DB_INT:
        raise ValueError("out of range")
    return number


def page_arg(name: str = "page") -> int:
    """The page number asked for: 1 when missing, not a number or below 1;
    a 404 when beyond any list (its offset would overflow the database)."""
    try:
        page = int(request.args.get(name, 1))
    except (TypeError, ValueError):
        return 1
    if page > MAX_PAGE:
        abort(404)
    return max(page, 1)


def register(app) -> None:
    """Install the converter (before any blueprint adds its rules) and the
    query-string check."""
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_control_characters():
        # A query string comes from a search box or a link: it never needs a
        # control character, and a NUL in a search would reach the database.
        for key, value in request.args.items(multi=True):
            if control_characters(key) or control_characters(value):
                return render_template(
                    "errors/error.html",
                    code=400,
                    title=_("Bad request"),
                    message=_(
                        "The address contains control characters (such as a NUL byte), "
                        "which cannot be searched for. Remove them and try again."
                    ),
                ), 400
        return None
