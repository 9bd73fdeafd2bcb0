from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Criterion, Edition
    from app.offices.models import Application, Office


class MembershipStatus(enum.Enum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"


class JuryMembership(db.Model):
    """A user's seat in one edition's jury, from invitation to acceptance."""

    __tablename__ = "jury_membership"
    __table_args__ = (sa.UniqueConstraint("edition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(default=MembershipStatus.invited)
    invited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[dt.datetime | None]
    # Set when the juror confirms the conflict-of-interest declaration.
    conflicts_confirmed_at: Mapped[dt.datetime | None]

    edition: Mapped[Edition] = relationship()
    user: Mapped[User] = relationship(back_populates="jury_memberships")


class ConflictOfInterest(db.Model):
    """A juror's declared conflict with an office in an edition: never assigned to it."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (sa.UniqueConstraint("edition_id", "juror_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(
        sa.ForeignKey("office.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    juror: Mapped[User] = relationship()
    office: Mapped[Office] = relationship()


class Assignment(db.Model):
    """Juror x application x stage: the juror is to score this entry in this stage."""

    __tablename__ = "assignment"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "juror_id", "stage"),
        sa.CheckConstraint("stage IN (1, 2)", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    due_date: Mapped[dt.date | None]

    application: Mapped[Application] = relationship(back_populates="assignments")
    juror: Mapped[User] = relationship(foreign_keys=[juror_id])
    sheet: Mapped[ScoreSheet | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", passive_deletes=True
    )


class SheetStatus(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    locked = "locked"  # the stage closed


class ScoreSheet(db.Model):
    """One juror's scores for one assignment."""

    __tablename__ = "score_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignment.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[SheetStatus] = mapped_column(default=SheetStatus.draft, index=True)
    general_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assignment: Mapped[Assignment] = relationship(back_populates="sheet")
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", passive_deletes=True
    )

    def can_edit(self, user) -> bool:
        return (
            self.status is SheetStatus.draft
            and getattr(user, "is_authenticated", False)
            and self.assignment.juror_id == user.id
        )


class Score(db.Model):
    """Juror x entry x criterion, through the sheet."""

    __tablename__ = "score"
    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "criterion_id"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("criterion.id", ondelete="RESTRICT"), index=True
    )
    value: Mapped[float] = mapped_column(sa.Numeric(7, 2, asdecimal=False))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class VisitChannel(enum.Enum):
    in_person = "in_person"
    phone = "phone"
    email = "email"
    website = "website"
    e_service = "e_service"


class MysteryVisit(db.Model):
    """A stage-2 mystery-shopper report on an office."""

    __tablename__ = "mystery_visit"
    __table_args__ = (
        sa.CheckConstraint(
            "overall_score IS NULL OR (overall_score BETWEEN 0 AND 10)", name="overall_score"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    visited_at: Mapped[dt.datetime]
    channel: Mapped[VisitChannel]
    # Checklist answers keyed by question code: {"waiting_time_min": 5, "polite": true, ...}
    checklist: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    overall_score: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    juror: Mapped[User | None] = relationship()


class FindingEffect(enum.Enum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class ExternalFinding(db.Model):
    """Stage-2 information about an office from an outside source."""

    __tablename__ = "external_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    criterion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("criterion.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(sa.String(300))
    found_on: Mapped[dt.date]
    finding: Mapped[str] = mapped_column(sa.Text)
    effect: Mapped[FindingEffect] = mapped_column(default=FindingEffect.neutral)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    criterion: Mapped[Criterion | None] = relationship()
