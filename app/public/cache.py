"""Cached public pages, emptied when anything they show is written.

What is cached: the main content of a public page (home, news list, a post,
the feed), rendered once per language, for anonymous visitors. The page
around it (header, language links, flash messages) is rendered on every
request, so nothing personal is ever cached; signed-in users always get a
fresh page.

How it is invalidated: every key starts with a token kept in one database
row (`public_cache_state`). A listener on every SQLAlchemy session changes
that token in the same transaction as any insert, update or delete of a
watched model (posts, photos, site pages, rules, editions, categories,
awards, diplomas, ...), flushed or sent as an `update()`/`delete()`
statement (publishing the results is one). Readers take the token first, so the moment the change
commits every worker of every process looks for new keys; old entries just
age out. One indexed single-row read per request is the price, and it keeps
Flask-Caching's in-process SimpleCache correct even with several gunicorn
workers (Redis shares the entries between them when REDIS_URL is set).

Scheduled posts and deadlines change the pages without any write, so a page
that shows time-dependent content says when it goes stale (`expires_at`)
and is kept no longer than that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import chain

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy.orm import Session

from app.cache_tokens import replace_token
from app.extensions import db
from app.public.models import PublicCacheState
from app.timeutil import utcnow

cache = Cache()
DEFAULT_TIMEOUT = 300


def init_app(app) -> None:
    config = {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT,
        "CACHE_THRESHOLD": 2000,
        "CACHE_KEY_PREFIX": "laurel-public:",
    }
    if app.config.get("REDIS_URL"):
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["REDIS_URL"])
    config.update(app.config.get("PUBLIC_CACHE", {}) or {})
    app.config.setdefault("PUBLIC_CACHE_ENABLED", True)
    cache.init_app(app, config=config)


_WATCHED: tuple[type, ...] = ()


def _watched() -> tuple[type, ...]:
    """The models whose writes the public pages show. Imported on first use:
    the listener is installed before every model is."""
    global _WATCHED
    if _WATCHED:
        return _WATCHED
    from app.awards.models import Award, Diploma, SpecialAward, WithheldAward
    from app.editions.models import Category, Edition
    from app.offices.models import Office
    from app.public.models import EditionRules, NewsPost, Photo, RulesAttachment, SitePage

    _WATCHED = (
        NewsPost,
        Photo,
        SitePage,
        EditionRules,
        RulesAttachment,
        Edition,
        Category,
        Office,
        Award,
        Diploma,
        SpecialAward,
        WithheldAward,
    )
    return _WATCHED


def bump(session=None) -> None:
    """Make every cached public page stale (in the session's transaction)."""
    replace_token(session or db.session, PublicCacheState)


def _touches_public(session) -> bool:
    watched = _watched()
    if any(isinstance(o, watched) for o in chain(session.new, session.deleted)):
        return True
    return any(
        isinstance(o, watched) and session.is_modified(o, include_collections=False)
        for o in session.dirty
    )


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, _flush_context) -> None:
    if _touches_public(session):
        bump(session)


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk_write(state) -> None:
    """`session.execute(update(Edition)...)` changes rows without the unit of
    work, so after_flush never sees it: the phase move that publishes an
    edition's results is such a conditional update."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, _watched()):
        bump(state.session)


def current_token() -> str | None:
    return db.session.scalar(sa.select(PublicCacheState.token).where(PublicCacheState.id == 1))


def _timeout(expires_at: dt.datetime | None) -> int:
    if expires_at is None:
        return DEFAULT_TIMEOUT
    seconds = int((expires_at - utcnow()).total_seconds()) + 1
    return max(1, min(DEFAULT_TIMEOUT, seconds))


def cached(parts: tuple, build: Callable[[], dict | None]) -> dict | None:
    """The page `build()` makes (a dict of strings), cached for anonymous
    visitors under the current token, the language and `parts`. `build` may
    return None (not found: never cached) or a dict with `expires_at`."""
    enabled = current_app.config.get("PUBLIC_CACHE_ENABLED", True)
    if not enabled or current_user.is_authenticated:
        return build()
    token = current_token()
    if token is None:  # no row yet (a database just emptied): do not guess
        return build()
    key = "|".join([token, str(get_locale()), *map(str, parts)])
    page = cache.get(key)
    if page is not None:
        return page
    page = build()
    if page is not None:
        cache.set(key, page, timeout=_timeout(page.get("expires_at")))
    return page
