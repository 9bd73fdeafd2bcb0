"""Dates, times and sizes as people read them, in the reader's language.

Every page shows dates through these (registered as template filters in
app/templating.py); a test fails when a template formats a date itself. The
database holds naive UTC; Flask-Babel converts to BABEL_DEFAULT_TIMEZONE
(Europe/Warsaw), so every time shown is Warsaw time.

Two styles:
- long, for sentences: "31 stycznia 2027, 23:59" / "31 January 2027, 23:59";
- short, for tables and lists: "31.01.2027, 23:59" / "31 Jan 2027, 23:59".

Machine-readable values (exports, <time datetime>, feeds) stay ISO and do not
use these.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale
from flask_babel import format_decimal, format_number, get_locale

from app.timeutil import to_local

# Both styles are put together here from Babel's month names: list pages show
# dates once per row (50 rows of several dates), and Babel's pattern
# formatting costs about 60 µs a call. The results are Babel's own for the
# patterns "d MMMM y, HH:mm" (long) and "dd.MM.y" / "d MMM y" (short); the
# tests compare them.


@functools.cache
def _months(locale: str, width: str) -> dict[int, str]:
    """Month names in the date-formatting context ("31 stycznia", not "styczeń")."""
    return dict(Locale.parse(locale).months["format"][width])


def _short_day(day: dt.date) -> str:
    locale = str(get_locale())
    if locale == "pl":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_months(locale, 'abbreviated')[day.month]} {day.year}"


def _long_day(day: dt.date) -> str:
    return f"{day.day} {_months(str(get_locale()), 'wide')[day.month]} {day.year}"


def long_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    local = to_local(value)  # naive UTC -> Warsaw, as Babel would
    return f"{_long_day(local)}, {local.hour:02d}:{local.minute:02d}"


def long_date(value: dt.date | None) -> str:
    if isinstance(value, dt.datetime):
        value = to_local(value)  # the Warsaw day, as Babel gives it
    return _long_day(value) if value else ""


def short_datetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    local = to_local(value)  # naive UTC -> Warsaw, as Babel would
    return f"{_short_day(local)}, {local.hour:02d}:{local.minute:02d}"


def short_date(value: dt.date | None) -> str:
    return _short_day(value) if value else ""


def file_size(size: int) -> str:
    """kB below a megabyte, MB with one decimal above (decimal comma in Polish)."""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} kB"
    return f"{format_decimal(size / 1024 / 1024, '#,##0.0')} MB"


FILTERS = {
    "local_dt": short_datetime,
    "short_date": short_date,
    "long_dt": long_datetime,
    "long_date": long_date,
    "file_size": file_size,
    # The public site's earlier names for the long style.
    "pub_datetime": long_datetime,
    "pub_date": long_date,
}
