"""The main menu: each area adds its entries here, per role, when its views load."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy_gettext string
    roles: tuple
    order: int = 50


_ENTRIES: dict[str, NavEntry] = {}


def add(endpoint: str, label, *roles, order: int = 50) -> None:
    _ENTRIES[endpoint] = NavEntry(endpoint, label, roles, order)


def items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(e.endpoint), "label": str(e.label)}
        for e in sorted(_ENTRIES.values(), key=lambda e: (e.order, e.endpoint))
        if current_user.role in e.roles
    ]
