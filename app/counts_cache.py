"""Edition-wide counts for the organizer's pages, cached until what they
count is written.

The dashboard and the assignments page count over a whole edition: at
national scale 3,000 applications and 9,000 assignments with their sheets,
about 3 ms of SQL a view, more than a whole simple page (the assignments page
keeps its page of rows here too). Those counts change
only when an application changes status or category, an assignment is made,
moved or removed, a sheet is started or changes status, a juror joins or
leaves the jury, declares a conflict or is renamed, an office is renamed, or
an edition's dates or phase change; saving a draft's scores changes none of
them.

How it is invalidated, as the public pages' cache (app/public/cache.py): every
key starts with a token kept in one database row (`counts_cache_state`). A
listener on every SQLAlchemy session replaces the token in the same
transaction as any such write, flushed or sent as an `insert()`, `update()` or
`delete()` statement, so the moment it commits every worker of every process
looks for new keys. One single-row read per request is the price. Without the
row (a database just emptied) nothing is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from flask_caching import Cache
from sqlalchemy.orm import Session

from app.cache_tokens import replace_token
from app.extensions import db

T = TypeVar("T")
cache = Cache()
TIMEOUT = 600
_TOKEN = "_counts_token"


def init_app(app) -> None:
    config = {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": TIMEOUT,
        "CACHE_THRESHOLD": 500,
        "CACHE_KEY_PREFIX": "laurel-counts:",
    }
    if app.config.get("REDIS_URL"):
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["REDIS_URL"])
    app.config.setdefault("COUNTS_CACHE_ENABLED", True)
    cache.init_app(app, config=config)


_WATCHED: dict[type, tuple[str, ...] | None] = {}


def _watched() -> dict[type, tuple[str, ...] | None]:
    """Model -> the attributes whose change matters (None: any). Built on
    first use: the listener is installed before every model is imported."""
    if not _WATCHED:
        from app.accounts.models import User
        from app.editions.models import Category, Edition
        from app.jury.models import Assignment, ConflictOfInterest, JuryMembership, ScoreSheet
        from app.offices.models import Application, Office

        _WATCHED.update(
            {
                Application: ("status", "category_id", "edition_id", "office_id"),
                Assignment: None,
                ScoreSheet: ("status", "assignment_id"),
                JuryMembership: None,
                ConflictOfInterest: None,
                Edition: None,
                Category: None,
                User: ("full_name", "email"),
                Office: ("name", "city"),
            }
        )
    return _WATCHED


def _changed(obj, attributes: tuple[str, ...]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _touches_counts(session) -> bool:
    watched = _watched()
    for obj in chain(session.new, session.deleted):
        if type(obj) in watched:
            return True
    for obj in session.dirty:
        attributes = watched.get(type(obj), ())
        if attributes is None:
            if session.is_modified(obj, include_collections=False):
                return True
        elif attributes and _changed(obj, attributes):
            return True
    return False


def bump(session=None) -> None:
    """Make every cached count stale (in the session's transaction)."""
    from app.counts_models import CountsCacheState

    replace_token(session or db.session, CountsCacheState)
    if has_app_context():
        g.pop(_TOKEN, None)


@sa.event.listens_for(Session, "before_flush")
def _before_flush(session, _flush_context, _instances) -> None:
    # Attribute histories are gone after the flush: look now, bump after.
    if _touches_counts(session):
        session.info["counts_changed"] = True


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, _flush_context) -> None:
    if session.info.pop("counts_changed", False):
        bump(session)


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk_write(state) -> None:
    """`session.execute(insert(Assignment)...)` and the like bypass the unit
    of work (automatic assignment inserts thousands of rows so)."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in _watched():
        bump(state.session)


def _current_token() -> str | None:
    from app.counts_models import CountsCacheState

    if _TOKEN not in g:
        g.setdefault(
            _TOKEN,
            db.session.scalar(sa.select(CountsCacheState.token).where(CountsCacheState.id == 1)),
        )
    return g.get(_TOKEN)


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """What `compute()` returns (plain data: numbers, tuples, dicts), cached
    under the current token, `name` and `parts` (the edition, the stage...)."""
    if not current_app.config.get("COUNTS_CACHE_ENABLED", True):
        return compute()
    token = _current_token()
    if token is None:
        return compute()
    key = "|".join([token, name, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value
