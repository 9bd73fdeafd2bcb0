"""Template filters and globals shared by every area."""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_babel import format_date, get_locale

from app.accounts.forms import LogoutForm
from app.labels import label
from app.navigation import items as nav_items
from app.timeutil import format_local


def long_date(value: dt.date | str | None) -> str:
    """A day written out in the current language ("12 grudnia 2025");
    accepts a date or its ISO text (as kept in JSON snapshots)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return format_date(value, "long")


def register(app) -> None:
    app.jinja_env.filters["local_dt"] = format_local
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["label"] = label
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_():
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "logout_form": LogoutForm(),
            "nav_items": nav_items,
            "request_path": request.full_path.rstrip("?") if request else "/",
        }
