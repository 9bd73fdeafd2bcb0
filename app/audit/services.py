"""The audit trail: append-only, hash-chained."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow

GENESIS = "0" * 64


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


def _digest(event: AuditEvent) -> str:
    body = json.dumps(
        {
            "prev": event.prev_hash,
            "at": event.created_at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "type": event.object_type,
            "id": event.object_id,
            "edition": event.edition_id,
            "before": event.before,
            "after": event.after,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    edition_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the trail (flushes, never commits)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        # Serialise writers of the chain so two requests never fork it.
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(727001)"))
    last = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    actor_id = (
        getattr(actor, "id", None)
        if actor is not None and getattr(actor, "is_authenticated", True)
        else None
    )
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=actor_id,
        actor_email=getattr(actor, "email", None) if actor_id else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        edition_id=edition_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        prev_hash=last or GENESIS,
    )
    event.hash = _digest(event)
    db.session.add(event)
    db.session.flush()
    return event


def verify_chain() -> int | None:
    """The id of the first event whose hash does not match, or None if the trail is intact."""
    prev = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev or _digest(event) != event.hash:
            return event.id
        prev = event.hash
    return None
