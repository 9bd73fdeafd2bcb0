"""Time rules: the database stores naive UTC; people read and type Europe/Warsaw time.

Deadlines are compared in UTC on the server clock, so a user's own clock or
time zone never moves a deadline.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def utcnow() -> dt.datetime:
    """The current time as naive UTC, the form every DateTime column holds."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC from the database -> aware Europe/Warsaw for display."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(WARSAW)


def from_local(value: dt.datetime | None) -> dt.datetime | None:
    """A naive Europe/Warsaw time typed in a form -> naive UTC for storage."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=WARSAW)
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def format_local(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""
