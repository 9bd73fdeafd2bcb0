from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

# The first event's parent: a fixed value, so prev_hash can be unique.
GENESIS = "0" * 64


class AuditEvent(db.Model):
    """Who changed what, when. Append-only: each event carries the hash of the
    one before it (a fork is impossible: prev_hash is unique), and its own hash
    covers every other column, so a quiet edit or deletion breaks the chain."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Kept even if the account goes, so the trail still names the person.
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[int | None]
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="SET NULL"), index=True
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditHead(db.Model):
    """The newest event of the chain (one row). Appending locks and moves it in
    the same transaction as the insert, which serialises writers on SQLite and
    PostgreSQL alike; deleting the newest events leaves it pointing at an event
    that is gone."""

    __tablename__ = "audit_head"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int | None]
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditCheckpoint(db.Model):
    """How far the chain has been verified (one row): the audit page checks
    only the events after it."""

    __tablename__ = "audit_checkpoint"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int | None]
    hash: Mapped[str] = mapped_column(sa.String(64))
    verified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
