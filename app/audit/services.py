"""The audit trail: append-only, hash-chained.

Each event's hash is the SHA-256 of the canonical JSON of all its other
columns, its parent's hash (prev_hash) included; prev_hash is unique, so the
chain cannot fork. Appends are serialised by the one-row `audit_head`, which
is locked and moved in the transaction that inserts the event (an UPDATE of
the head comes first: a row lock on PostgreSQL, the database's write lock on
SQLite, taken before the head is read). The head also says where the
chain must end, so deleting the newest events is noticed. `audit_checkpoint`
records how far the chain has been verified, so the audit page checks only
the events after it; `flask audit verify` checks the whole chain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from app.audit.models import GENESIS, AuditCheckpoint, AuditEvent, AuditHead
from app.extensions import db
from app.queries import prebuilt
from app.timeutil import utcnow

__all__ = ["GENESIS", "ChainCheck", "advance_checkpoint", "record", "snapshot", "verify_chain"]

EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__
CHECKPOINT = AuditCheckpoint.__table__
# Every stored column but the hash itself; a column added later is covered too.
HASHED_COLUMNS = tuple(c.name for c in EVENTS.columns if c.name != "hash")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    """Plain values of some attributes, for an event's before/after."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def _as_stored(value: dict | None) -> dict | None:
    """The value exactly as the JSON column gives it back, so the hash made
    now is the hash recomputed from the database later."""
    return None if value is None else json.loads(json.dumps(_plain(value)))


def digest(values: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of every
    column but `hash`; datetimes as ISO 8601."""
    body = {
        name: value.isoformat() if isinstance(value, dt.datetime) else value
        for name, value in ((name, values[name]) for name in HASHED_COLUMNS)
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@prebuilt
def _statements() -> dict[str, sa.Executable]:
    """Built once: every sheet save appends an event, and building these
    three statements cost as much as running them (app/queries.py)."""
    return {
        "lock": sa.update(HEAD)
        .where(HEAD.c.id == 1)
        .values(event_id=HEAD.c.event_id)
        .returning(HEAD.c.event_id, HEAD.c.hash),
        "insert": EVENTS.insert(),
        "move": sa.update(HEAD)
        .where(HEAD.c.id == 1)
        .values(event_id=sa.bindparam("b_event_id"), hash=sa.bindparam("b_hash")),
    }


def _lock_head():
    """The chain's head (event_id, hash), locked until the transaction ends.
    One UPDATE ... RETURNING does both: on PostgreSQL it takes the row lock
    (as SELECT ... FOR UPDATE would), waits for a concurrent appender and
    returns the head it committed; on SQLite, being a write, it first takes the
    database's write lock (waiting up to busy_timeout), so the head it reads
    cannot be stale. The head row is created with the first event."""
    lock = _statements()["lock"]
    head = db.session.execute(lock).one_or_none()
    if head is None:
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert
        db.session.execute(
            insert(HEAD)
            .values(id=1, event_id=None, hash=GENESIS)
            .on_conflict_do_nothing(index_elements=[HEAD.c.id])
        )
        head = db.session.execute(lock).one()
    return head


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    edition_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the trail (flushes, never commits). The event takes
    the next id after the head and the head's hash as its parent."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    head = _lock_head()
    actor_id = (
        getattr(actor, "id", None)
        if actor is not None and getattr(actor, "is_authenticated", True)
        else None
    )
    event = AuditEvent(
        id=(head.event_id or 0) + 1,
        created_at=utcnow(),
        actor_id=actor_id,
        actor_email=getattr(actor, "email", None) if actor_id else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        edition_id=edition_id,
        before=_as_stored(before),
        after=_as_stored(after),
        ip_address=request.remote_addr if has_request_context() else None,
        prev_hash=head.hash,
    )
    event.hash = digest({name: getattr(event, name) for name in HASHED_COLUMNS})
    # Written with one INSERT of the row instead of a unit-of-work flush (a
    # sheet save appends an event each time), then put in the session as the
    # persistent row it now is.
    statements = _statements()
    db.session.execute(
        statements["insert"], {c.name: getattr(event, c.name) for c in EVENTS.columns}
    )
    make_transient_to_detached(event)
    db.session.add(event)
    db.session.execute(statements["move"], {"b_event_id": event.id, "b_hash": event.hash})
    return event


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    """The result of a verification. `problem` is None when the chain is intact:
    "altered" (an event's columns do not match its hash), "link" (an event's
    parent is not the event before it: something was removed, added or
    reordered before it), "head" (the chain does not end where the head says:
    the newest events were removed, or events were added outside Laurel),
    "checkpoint" (an event verified earlier was changed or removed).
    `event_id` is the event concerned; `last_id`/`last_hash` the last event
    verified; `head_id`/`head_hash` the recorded head."""

    problem: str | None = None
    event_id: int | None = None
    checked: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    head_id: int | None = None
    head_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.problem is None


def _walk(after_id: int, prev: str):
    """Check the events after `after_id`, in order, from the parent hash `prev`.
    Returns (problem, event_id, checked, last_id, last_hash)."""
    rows = db.session.execute(
        sa.select(EVENTS)
        .where(EVENTS.c.id > after_id)
        .order_by(EVENTS.c.id)
        .execution_options(yield_per=1000)
    )
    checked, last_id = 0, after_id
    for row in rows:
        values = row._mapping
        if digest(values) != values["hash"]:
            return "altered", values["id"], checked, last_id, prev
        if values["prev_hash"] != prev:
            return "link", values["id"], checked, last_id, prev
        checked += 1
        last_id, prev = values["id"], values["hash"]
    return None, None, checked, last_id, prev


def _head():
    return db.session.execute(sa.select(HEAD.c.event_id, HEAD.c.hash)).one_or_none()


def verify_chain(*, full: bool = True) -> ChainCheck:
    """Check the chain, from its first event (`full`) or from the checkpoint,
    up to the head. Reads only."""
    start_id, prev = 0, GENESIS
    if not full:
        checkpoint = db.session.execute(
            sa.select(CHECKPOINT.c.event_id, CHECKPOINT.c.hash)
        ).one_or_none()
        if checkpoint is not None and checkpoint.event_id is not None:
            row = db.session.execute(
                sa.select(EVENTS).where(EVENTS.c.id == checkpoint.event_id)
            ).one_or_none()
            if (
                row is None
                or row._mapping["hash"] != checkpoint.hash
                or digest(row._mapping) != checkpoint.hash
            ):
                return ChainCheck("checkpoint", checkpoint.event_id)
            start_id, prev = checkpoint.event_id, checkpoint.hash
    checked = 0
    for attempt in range(3):
        problem, event_id, n, start_id, prev = _walk(start_id, prev)
        checked += n
        head = _head()
        head_id, head_hash = (head.event_id, head.hash) if head else (None, GENESIS)
        result = {
            "checked": checked,
            "last_id": start_id or None,
            "last_hash": prev,
            "head_id": head_id,
            "head_hash": head_hash,
        }
        if problem:
            return ChainCheck(problem, event_id, **result)
        if (head_id or 0) == start_id and head_hash == prev:
            return ChainCheck(**result)
        # A head ahead of the events read: either events were committed while
        # we read (read on), or the newest events are gone (nothing new to read).
        if head_id is None or head_id <= start_id or (attempt and n == 0):
            break
    return ChainCheck("head", head_id, **result)


def advance_checkpoint(check: ChainCheck) -> None:
    """Remember how far an intact chain has been verified (flushes)."""
    if not check.intact:
        return
    values = {"event_id": check.last_id, "hash": check.last_hash, "verified_at": utcnow()}
    updated = db.session.execute(sa.update(CHECKPOINT).where(CHECKPOINT.c.id == 1).values(values))
    if updated.rowcount == 0:
        db.session.execute(sa.insert(CHECKPOINT).values(id=1, **values))
    db.session.flush()
