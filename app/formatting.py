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

from flask_babel import format_date, format_datetime, format_decimal, format_number, get_locale

_SHORT_DATE = {"pl": "dd.MM.y"}
_SHORT_DATE_DEFAULT = "d MMM y"


def _short_date_pattern() -> str:
    return _SHORT_DATE.get(str(get_locale()), _SHORT_DATE_DEFAULT)


def long_datetime(value: dt.datetime | None) -> str:
    return format_datetime(value, "d MMMM y, HH:mm") if value else ""


def long_date(value: dt.date | None) -> str:
    return format_date(value, "d MMMM y") if value else ""


def short_datetime(value: dt.datetime | None) -> str:
    return format_datetime(value, f"{_short_date_pattern()}, HH:mm") if value else ""


def short_date(value: dt.date | None) -> str:
    return format_date(value, _short_date_pattern()) if value else ""


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
