"""Stage-2 evidence: the edition's mystery-shopper checklist, the visits made
with it, and findings from outside sources."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.jury.models import STAGE_PHASE, Assignment, ConflictOfInterest
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Criterion, Edition
    from app.offices.models import Application


class VisitChannel(enum.Enum):
    in_person = "in_person"
    phone = "phone"
    email = "email"
    website = "website"
    e_service = "e_service"


class ChecklistItemKind(enum.Enum):
    yes_no = "yes_no"
    scale = "scale"  # 0..scale_max
    minutes = "minutes"  # e.g. waiting time
    text = "text"


class ChecklistItem(db.Model):
    """One question a mystery shopper answers for one channel, defined per
    edition (and copied with it). It may feed a stage-2 criterion."""

    __tablename__ = "checklist_item"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'scale') = (scale_max IS NOT NULL)", name="scale_max_only_for_scale"
        ),
        sa.CheckConstraint("scale_max IS NULL OR scale_max BETWEEN 1 AND 100", name="scale_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[VisitChannel]
    kind: Mapped[ChecklistItemKind]
    prompt: Mapped[str] = mapped_column(sa.String(500))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    scale_max: Mapped[int | None]
    criterion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("criterion.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship()
    criterion: Mapped[Criterion | None] = relationship()


class VisitStatus(enum.Enum):
    planned = "planned"  # an organizer named the visitor and the deadline
    draft = "draft"
    submitted = "submitted"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _stage2_open(application: Application) -> bool:
    return application.edition.status.value == STAGE_PHASE[2]


def has_conflict(application: Application, user) -> bool:
    """The user declared a conflict of interest with the entry's office: a
    conflict declared after the assignment still shuts the juror out."""
    return (
        db.session.scalar(
            sa.select(ConflictOfInterest.id).where(
                ConflictOfInterest.edition_id == application.edition_id,
                ConflictOfInterest.juror_id == user.id,
                ConflictOfInterest.office_id == application.office_id,
            )
        )
        is not None
    )


def is_stage2_juror(application: Application, user) -> bool:
    """The user is assigned to score this entry in stage 2 and has declared no
    conflict with its office."""
    return (
        _authenticated(user)
        and user.is_juror
        and db.session.scalar(
            sa.select(Assignment.id).where(
                Assignment.application_id == application.id,
                Assignment.juror_id == user.id,
                Assignment.stage == 2,
            )
        )
        is not None
        and not has_conflict(application, user)
    )


def is_planned_visitor(visit: MysteryVisit, user) -> bool:
    """The juror an organizer named as this visit's visitor (who need not score
    the entry), unless they declared a conflict with the office."""
    return (
        _authenticated(user)
        and user.is_juror
        and visit.visitor_id == user.id
        and not has_conflict(visit.application, user)
    )


def can_view_stage2_evidence(application: Application, user) -> bool:
    """Visits and findings of an entry: organizers and its stage-2 jurors."""
    if not _authenticated(user):
        return False
    return user.is_organizer or is_stage2_juror(application, user)


def can_add_stage2_evidence(application: Application, user) -> bool:
    """Record a visit or a finding: during stage 2, organizers and the entry's
    stage-2 jurors."""
    return _stage2_open(application) and can_view_stage2_evidence(application, user)


def can_start_visit(application: Application, user) -> bool:
    """Start a visit report of one's own: the entry's stage-2 jurors, during
    stage 2. (Organizers plan visits and type outside visitors' reports.)"""
    return bool(
        _authenticated(user) and user.is_juror and can_add_stage2_evidence(application, user)
    )


class MysteryVisit(db.Model):
    """A mystery shopper's report on one contact with an office through one
    channel. The visitor is a juror, or an outside person whose report an
    organizer types in."""

    __tablename__ = "mystery_visit"
    __table_args__ = (
        sa.CheckConstraint("visitor_id IS NOT NULL OR visitor_name <> ''", name="has_visitor"),
        sa.CheckConstraint(
            "status <> 'submitted' OR (visited_at IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_time",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # An outside visitor (not a Laurel user): their name, typed by an organizer.
    visitor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    channel: Mapped[VisitChannel]
    status: Mapped[VisitStatus] = mapped_column(default=VisitStatus.draft, index=True)
    due_on: Mapped[dt.date | None]  # set when an organizer plans the visit
    visited_at: Mapped[dt.datetime | None]  # naive UTC
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship()
    visitor: Mapped[User | None] = relationship(foreign_keys=[visitor_id])
    answers: Mapped[list[VisitAnswer]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", passive_deletes=True
    )
    photos: Mapped[list[VisitPhoto]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VisitPhoto.uploaded_at",
    )

    @property
    def visitor_label(self) -> str:
        return self.visitor.full_name if self.visitor is not None else self.visitor_name

    def can_view(self, user) -> bool:
        return can_view_stage2_evidence(self.application, user) or is_planned_visitor(self, user)

    def can_edit(self, user) -> bool:
        """Until it is submitted, during stage 2: the visiting juror, or an
        organizer (who types outside visitors' reports)."""
        if self.status is VisitStatus.submitted or not _stage2_open(self.application):
            return False
        if not _authenticated(user):
            return False
        return user.is_organizer or is_planned_visitor(self, user)

    def can_submit(self, user) -> bool:
        return self.can_edit(user)

    def can_reopen(self, user) -> bool:
        return (
            _authenticated(user)
            and user.is_organizer
            and self.status is VisitStatus.submitted
            and _stage2_open(self.application)
        )

    def can_cancel(self, user) -> bool:
        """Organizers, while stage 2 runs, a visit still only planned (nothing
        recorded in it)."""
        return (
            _authenticated(user)
            and user.is_organizer
            and self.status is VisitStatus.planned
            and _stage2_open(self.application)
        )


class VisitAnswer(db.Model):
    """The answer to one checklist item in one visit."""

    __tablename__ = "visit_answer"
    __table_args__ = (
        sa.UniqueConstraint("visit_id", "item_id"),
        sa.CheckConstraint("number_value IS NULL OR number_value >= 0", name="number_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mystery_visit.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checklist_item.id", ondelete="CASCADE"), index=True
    )
    bool_value: Mapped[bool | None]
    number_value: Mapped[int | None]  # scale points or minutes
    text_value: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[MysteryVisit] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()


class VisitPhoto(db.Model):
    """An evidence photo of a visit, stored with its EXIF data (location) removed."""

    __tablename__ = "visit_photo"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mystery_visit.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    visit: Mapped[MysteryVisit] = relationship(back_populates="photos")

    def can_view(self, user) -> bool:
        return self.visit.can_view(user)


class FindingEffect(enum.Enum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class ExternalFinding(db.Model):
    """Stage-2 information about an office from an outside source (a press
    article, a public register, a citizens' review...)."""

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
    url: Mapped[str] = mapped_column(sa.String(2000), default="")
    found_on: Mapped[dt.date]
    finding: Mapped[str] = mapped_column(sa.Text)
    effect: Mapped[FindingEffect] = mapped_column(default=FindingEffect.neutral)
    # An optional attachment (a screenshot, a PDF), stored like evidence files.
    attachment_name: Mapped[str] = mapped_column(sa.String(255), default="")
    attachment_stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    attachment_type: Mapped[str] = mapped_column(sa.String(100), default="")
    attachment_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    author: Mapped[User | None] = relationship()
    criterion: Mapped[Criterion | None] = relationship()

    def can_view(self, user) -> bool:
        return can_view_stage2_evidence(self.application, user)

    def can_edit(self, user) -> bool:
        """Its author or an organizer, while stage 2 is open."""
        if not _stage2_open(self.application) or not _authenticated(user):
            return False
        return user.is_organizer or (
            user.id == self.author_id and is_stage2_juror(self.application, user)
        )
