"""Dates, times and sizes in the reader's language (issue 16 item 13, issue 18 item 6)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from app import formatting

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"

# 23:59 in Warsaw on 31 January is 22:59 UTC (the database holds naive UTC).
WHEN = dt.datetime(2027, 1, 31, 22, 59)


def test_polish_dates(request_ctx):
    assert formatting.long_datetime(WHEN) == "31 stycznia 2027, 23:59"
    assert formatting.short_datetime(WHEN) == "31.01.2027, 23:59"
    assert formatting.long_date(WHEN.date()) == "31 stycznia 2027"
    assert formatting.short_date(WHEN.date()) == "31.01.2027"
    assert formatting.file_size(1_234_567) == "1,2 MB"
    assert formatting.file_size(300) == "1 kB"  # never "0.0 MB"
    assert formatting.long_datetime(None) == "" and formatting.short_date(None) == ""


def test_english_dates(english_request_ctx):
    assert formatting.long_datetime(WHEN) == "31 January 2027, 23:59"
    assert formatting.short_datetime(WHEN) == "31 Jan 2027, 23:59"
    assert formatting.file_size(1_234_567) == "1.2 MB"


def test_summer_time_is_warsaw_time(request_ctx):
    assert formatting.short_datetime(dt.datetime(2027, 6, 30, 21, 59)) == "30.06.2027, 23:59"


# Machine-readable places may hold ISO: <time datetime="">, <meta content="">,
# <input min="" value="">,
# and the Atom feed.
MACHINE = re.compile(r'(datetime|content|min|max|value)="\{\{[^}]*isoformat\(\)[^}]*\}\}Z?"')
SELF_FORMATTED = re.compile(r"strftime\(|isoformat\(\)|%Y|%d\.%m|%H:%M")


def _offending_lines():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SELF_FORMATTED.search(MACHINE.sub("", line)):
                yield f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"


def test_templates_format_dates_only_through_the_shared_filters():
    offending = list(_offending_lines())
    assert offending == [], (
        "format dates with |local_dt, |long_dt, |long_date, |short_date:\n" + "\n".join(offending)
    )


@pytest.mark.parametrize(
    "line", ["<td>{{ edition.stage1_end.isoformat() }}</td>", "{{ x.strftime('%d.%m') }}"]
)
def test_the_template_check_can_fail(line):
    assert SELF_FORMATTED.search(MACHINE.sub("", line))


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_hand_built_styles_match_babel(app, db, lang):
    """The filters put dates together themselves (speed); Babel is the reference."""
    from flask import g, session
    from flask_babel import format_date, format_datetime

    with app.test_request_context("/"):
        g.pop("_flask_babel", None)
        session["lang"] = lang
        for month in range(1, 13):
            when = dt.datetime(2027, month, 28, 22, 59)  # late evening UTC: next day in summer
            assert formatting.long_datetime(when) == format_datetime(when, "d MMMM y, HH:mm")
            assert formatting.long_date(when) == format_date(when, "d MMMM y")
            assert formatting.long_date(when.date()) == format_date(when.date(), "d MMMM y")
            short = "dd.MM.y" if lang == "pl" else "d MMM y"
            assert formatting.short_date(when.date()) == format_date(when.date(), short)
            assert formatting.short_datetime(when) == format_datetime(when, short + ", HH:mm")
