"""The order of an edition's dates: one rule for the settings form and the service.

An edition runs applications → stage 1 → stage 2 → chapter → results → gala.
A date may be left empty (not planned yet); the ones that are set must follow
that order. The same day may end one phase and start the next, and results
may be announced at the gala itself. Applications close at a Warsaw date and
time; stage 1 cannot start before that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.timeutil import to_local

# In the order the phases run; each set date must not be before the set date
# that precedes it here.
PHASE_DATES: tuple[str, ...] = (
    "applications_close_at",
    "stage1_start",
    "stage1_end",
    "stage2_start",
    "stage2_end",
    "chapter_date",
    "results_date",
    "gala_date",
)

DATE_LABELS = {
    "applications_open_at": _l("Applications open from"),
    "applications_close_at": _l("Applications close"),
    "stage1_start": _l("Stage 1 starts"),
    "stage1_end": _l("Stage 1 ends"),
    "stage2_start": _l("Stage 2 starts"),
    "stage2_end": _l("Stage 2 ends"),
    "chapter_date": _l("Chapter meeting"),
    "results_date": _l("Results announced"),
    "gala_date": _l("Gala"),
}

YEAR_RANGE = (2000, 2100)


def _as_date(value: Any, *, utc: bool) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Stored datetimes are naive UTC; a form's value is naive Warsaw time.
        return to_local(value).date() if utc else value.date()
    return value


def order_problems(values: Mapping[str, Any], *, utc: bool = True) -> list[tuple[str, str]]:
    """(field, earlier field) for every set date that comes before the set date
    it must follow. `utc` says whether datetimes are stored UTC (the service)
    or typed Warsaw time (the form)."""
    dated = [
        (name, _as_date(values.get(name), utc=utc))
        for name in PHASE_DATES
        if values.get(name) is not None
    ]
    problems = []
    latest: tuple[str, dt.date] | None = None
    for name, day in dated:
        if latest is not None and day < latest[1]:
            problems.append((name, latest[0]))
        else:
            latest = (name, day)
    return problems


def problem_message(field: str, earlier: str) -> str:
    return str(
        _l(
            "“%(later)s” cannot be before “%(earlier)s”.",
            later=DATE_LABELS[field],
            earlier=DATE_LABELS[earlier],
        )
    )
