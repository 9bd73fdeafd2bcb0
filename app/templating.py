"""Template filters and globals shared by every area."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale

from app.editions.menu import edition_menu
from app.formatting import FILTERS
from app.labels import label, stage_numeral, status_badge
from app.navigation import items as nav_items


def register(app) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["status_badge"] = status_badge
    app.jinja_env.globals["stage_numeral"] = stage_numeral
    app.jinja_env.globals["edition_menu"] = edition_menu
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_():
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "nav_items": nav_items,
            "request_path": request.full_path.rstrip("?") if request else "/",
        }
