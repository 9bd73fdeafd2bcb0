"""The view counter: one view per visitor, post and day.

A visitor is an HMAC of their address and browser (User-Agent) under a key
made from the app's secret and the day, so the stored hash is not personal
data: it cannot be turned back into the address, and the same visitor gets
another hash the next day. Counting is one INSERT ... ON CONFLICT DO NOTHING
against the unique (post, visitor, day): concurrent visits never lock the
post's row and never count twice; the count is COUNT(*) over that index.
Programs that say they are bots in their User-Agent are not counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.public.models import NewsView
from app.timeutil import to_local, utcnow

# Crawlers, link previewers, monitors and scripting libraries announce
# themselves; a real browser (headless ones included) does not say any of these.
BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"monitor|pingdom|curl/|wget/|python-|httpclient|okhttp|go-http-client|java/|libwww|"
    r"scrapy|headless-shell|lighthouse",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """A missing User-Agent or one naming a bot or a script."""
    return not user_agent or bool(BOT.search(user_agent))


def today() -> dt.date:
    """Days change at midnight in Warsaw."""
    return to_local(utcnow()).date()


def visitor_hash(address: str | None, user_agent: str | None, day: dt.date) -> str:
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    key = hmac.new(secret, b"news-view:" + day.isoformat().encode(), hashlib.sha256).digest()
    message = f"{address or ''}\n{user_agent or ''}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _insert(session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(NewsView.__table__)
    if name == "sqlite":
        return sqlite.insert(NewsView.__table__)
    # Laurel supports SQLite and PostgreSQL only;
    # both have INSERT ... ON CONFLICT DO NOTHING, which the counter relies on.
    raise RuntimeError(f"view counting needs SQLite or PostgreSQL, not {name}")


def record_view(post_id: int, visitor: str, day: dt.date, *, session=None) -> bool:
    """Count one view (flushes nothing else, never commits); True when it was
    this visitor's first view of the post that day."""
    session = session or db.session
    if session.get_bind().dialect.name == "postgresql":
        # A view is not worth waiting for the disk: losing the last few in a
        # server crash is acceptable, and the commit returns without the WAL
        # flush (for this transaction only; scores and audit stay synchronous).
        session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
    statement = (
        _insert(session)
        .values(post_id=post_id, visitor_hash=visitor, day=day)
        .on_conflict_do_nothing(index_elements=["post_id", "visitor_hash", "day"])
        .returning(NewsView.__table__.c.id)
    )
    return session.execute(statement).first() is not None


def view_count(post_id: int, *, session=None) -> int:
    session = session or db.session
    return session.scalar(
        sa.select(sa.func.count()).select_from(NewsView).where(NewsView.post_id == post_id)
    )


def count_visit(post_id: int, request, *, record: bool = True) -> int:
    """Record the request's visit (unless a bot, or `record` is false) and
    return the post's count."""
    agent = request.headers.get("User-Agent", "")
    if record and not is_bot(agent):
        day = today()
        record_view(post_id, visitor_hash(request.remote_addr, agent, day), day)
    return view_count(post_id)
