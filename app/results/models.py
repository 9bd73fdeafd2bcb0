"""The record of results: who went on to stage 2 and why, and the ranking the
chapter decided on, frozen when stage 2 closed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.editions.models import ScoreMode
from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Category, Edition
    from app.offices.models import Application


class QualificationOverride(db.Model):
    """An organizer's departure from the proposed stage-2 list for one entry,
    made before the list is confirmed. The reason is required: it is what the
    office and the chapter are shown when they ask why."""

    __tablename__ = "qualification_override"
    __table_args__ = (sa.CheckConstraint("reason != ''", name="has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    qualified: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    created_by: Mapped[User | None] = relationship()


class Qualification(db.Model):
    """The confirmed stage-2 decision for one entry, with the stage-1 result it
    rested on: written once, when the organizer confirms the list."""

    __tablename__ = "qualification"
    __table_args__ = (
        # Going against the proposal is allowed, silently doing so is not.
        sa.CheckConstraint("proposed = qualified OR reason != ''", name="override_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    stage1_score: Mapped[float | None]
    position: Mapped[int | None]
    tied: Mapped[bool] = mapped_column(default=False)
    proposed: Mapped[bool]
    qualified: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()

    @property
    def overridden(self) -> bool:
        return self.proposed != self.qualified


class RankingSnapshot(db.Model):
    """The ranking frozen when stage 2 closed, with the rule and parameters
    used. Retaking it (after a sheet was reopened in the chapter phase) makes a
    new version with a reason; the old one is kept, superseded."""

    __tablename__ = "ranking_snapshot"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("version = 1 OR reason != ''", name="retake_has_reason"),
        # One current snapshot per edition.
        sa.Index(
            "uq_ranking_snapshot_current",
            "edition_id",
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    score_mode: Mapped[ScoreMode]
    stage1_weight: Mapped[float] = mapped_column(sa.Numeric(5, 2, asdecimal=False))
    stage2_weight: Mapped[float] = mapped_column(sa.Numeric(5, 2, asdecimal=False))
    tie_rule: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[dt.datetime | None]

    edition: Mapped[Edition] = relationship()
    taken_by: Mapped[User | None] = relationship()
    entries: Mapped[list[RankingEntry]] = relationship(
        back_populates="snapshot",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RankingEntry.id",
    )

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class RankingEntry(db.Model):
    """One entry's line in a snapshot: every number the chapter looks at."""

    __tablename__ = "ranking_entry"
    __table_args__ = (
        sa.UniqueConstraint("snapshot_id", "application_id"),
        sa.CheckConstraint("position IS NULL OR position >= 1", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ranking_snapshot.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("category.id", ondelete="CASCADE"), index=True
    )
    stage1_raw: Mapped[float | None]
    stage1_normalised: Mapped[float | None]
    stage2_raw: Mapped[float | None]
    stage2_normalised: Mapped[float | None]
    checklist: Mapped[float | None]
    final_raw: Mapped[float | None]
    final_normalised: Mapped[float | None]
    score: Mapped[float | None]  # the one ranked, in the snapshot's mode
    position: Mapped[int | None]  # per category; None: not ranked
    tied: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[str | None] = mapped_column(sa.String(20))

    snapshot: Mapped[RankingSnapshot] = relationship(back_populates="entries")
    application: Mapped[Application] = relationship()
    category: Mapped[Category] = relationship()


class EntryCode(db.Model):
    """The code (K-0137) an entry is shown by while its edition's chapter is
    blinded, and in the minutes beside its name afterwards.

    Stored rather than derived: a code quoted in the chapter's minutes must
    never change, and one computed from the secret key, the ids or the order
    of the entries would change with a new key or a deleted entry. The number
    is drawn at random from the unused numbers of the edition (see
    app/results/blinding.assign_codes), so it says nothing about the entry's id,
    office or submission order; the database keeps it unique per edition."""

    __tablename__ = "entry_code"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "number", name="uq_entry_code_number"),
        sa.CheckConstraint("number BETWEEN 1 AND 99999", name="number_range"),
    )

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BlindViewer(db.Model):
    """An organizer who chose to see an edition's entries as codes while its
    chapter is blinded (Edition.shows_names_to)."""

    __tablename__ = "blind_viewer"

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
