"""The edition's menu on every organizer page about it, rendered once per
edition, page and language.

The menu (editions/_nav.html) is 18 links, each a url_for and a translation:
about 0.2 ms of every page, the same each time. What it shows depends only on
the app, the edition's id, name and phase (the chapter's links appear from
the chapter on), the current page and the language, so its HTML is kept per
such key in the process; a renamed edition or a new phase is a new key.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

_MENUS: dict[tuple, Markup] = {}
_LIMIT = 2000  # editions x pages x languages; emptied when reached


def edition_menu(edition, active: str = "") -> Markup:
    key = (
        id(current_app._get_current_object()),
        request.script_root,
        edition.id,
        edition.name,
        edition.chapter_open,
        active,
        str(get_locale()),
    )
    menu = _MENUS.get(key)
    if menu is None:
        if len(_MENUS) >= _LIMIT:
            _MENUS.clear()
        macro = current_app.jinja_env.get_template("editions/_nav.html").module.edition_nav
        menu = _MENUS[key] = Markup(macro(edition, active))
    return menu
