"""Consensus review of one entry in one stage, its draft versions with their
agreed scores, and the jurors' answers to each version.

Every version the lead saves is kept (nothing is edited in place); the other
jurors answer the latest version only, so a new version starts the answers
afresh. The agreed scores repeat their criterion's stage, maximum and step and
are tied to the criterion by the same composite foreign key as a juror's
score, so the database refuses a value out of range or off the step."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.extensions import db
from app.jury.models import Assignment, SheetStatus
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Criterion
    from app.offices.models import Application


class ConsensusStatus(enum.Enum):
    open = "open"  # the lead drafts, the others answer
    final = "final"  # every other juror agreed with the latest version
    closed = "closed"  # an organizer closed it, with a reason


class ResponseDecision(enum.Enum):
    agree = "agree"
    object = "object"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


class Consensus(db.Model):
    """Entry x stage: the team's agreed scores, led by one of its jurors."""

    __tablename__ = "consensus"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "stage"),
        # The target of the version's (consensus, stage) foreign key.
        sa.UniqueConstraint("id", "stage", name="uq_consensus_id_stage"),
        sa.CheckConstraint("stage IN (1, 2)", name="stage"),
        sa.CheckConstraint("status = 'open' OR finalised_at IS NOT NULL", name="done_has_time"),
        sa.CheckConstraint(
            "status != 'closed' OR (close_reason != '' AND closed_by_id IS NOT NULL)",
            name="closed_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ConsensusStatus] = mapped_column(default=ConsensusStatus.open, index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finalised_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    close_reason: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship()
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    versions: Mapped[list[ConsensusVersion]] = relationship(
        back_populates="consensus",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConsensusVersion.number",
        primaryjoin="Consensus.id == ConsensusVersion.consensus_id",
        foreign_keys="ConsensusVersion.consensus_id",
    )
    # The entry's assignments in this stage: its team.
    assignments: Mapped[list[Assignment]] = relationship(
        primaryjoin=lambda: sa.and_(
            foreign(Assignment.application_id) == Consensus.application_id,
            foreign(Assignment.stage) == Consensus.stage,
        ),
        viewonly=True,
        order_by=lambda: Assignment.id,
    )

    @property
    def edition(self):
        return self.application.edition

    @property
    def latest(self) -> ConsensusVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_done(self) -> bool:
        return self.status is not ConsensusStatus.open

    @property
    def work_open(self) -> bool:
        """Drafting and answering run from the stage until the chapter starts
        deliberating: a stage-1 review left open when stage 1 closes may still
        be finished during stage 2 (the qualification already confirmed keeps
        the scores it recorded)."""
        status = self.edition.status.value
        return status == "stage2" or (self.stage == 1 and status == "stage1")

    def assignment_of(self, user) -> Assignment | None:
        if not _authenticated(user):
            return None
        return next((a for a in self.assignments if a.juror_id == user.id), None)

    def is_member(self, user) -> bool:
        """One of the entry's jurors in this stage, free to work on it (accepted,
        declaration confirmed, no conflict with the office)."""
        assignment = self.assignment_of(user)
        return assignment is not None and assignment.juror_may_work()

    def is_lead(self, user) -> bool:
        return _authenticated(user) and user.id == self.lead_id and self.is_member(user)

    def others(self) -> list[Assignment]:
        """The jurors who answer the lead's drafts: every other assigned juror
        who may work on the entry."""
        return [a for a in self.assignments if a.juror_id != self.lead_id and a.juror_may_work()]

    def eligible_leads(self) -> list[Assignment]:
        """Who may lead: a juror of the entry with a submitted (or locked)
        sheet and no conflict with the office."""
        return [
            a
            for a in self.assignments
            if a.sheet is not None
            and a.sheet.status in (SheetStatus.submitted, SheetStatus.locked)
            and a.juror_may_work()
        ]

    # ---- permissions ----

    def can_view(self, user) -> bool:
        """Organizers; the entry's jurors in this stage (never one with a conflict)."""
        if not _authenticated(user):
            return False
        return bool(user.is_organizer) or self.is_member(user)

    def can_draft(self, user) -> bool:
        """The lead, while the review is open and the stage's work goes on."""
        return self.status is ConsensusStatus.open and self.work_open and self.is_lead(user)

    def can_respond(self, user) -> bool:
        """Another juror of the entry, once the lead has drafted a version."""
        return (
            self.status is ConsensusStatus.open
            and self.work_open
            and self.latest is not None
            and _authenticated(user)
            and user.id != self.lead_id
            and self.is_member(user)
        )

    def can_manage(self, user) -> bool:
        """Name the lead or close the review: organizers, while it is open."""
        return (
            _authenticated(user) and bool(user.is_organizer) and self.status is ConsensusStatus.open
        )


class ConsensusVersion(db.Model):
    """One saved draft of the consensus, numbered from 1; never changed."""

    __tablename__ = "consensus_version"
    __table_args__ = (
        sa.UniqueConstraint("consensus_id", "number"),
        sa.UniqueConstraint("id", "stage", name="uq_consensus_version_id_stage"),
        sa.ForeignKeyConstraint(
            ["consensus_id", "stage"],
            ["consensus.id", "consensus.stage"],
            ondelete="CASCADE",
            name="fk_consensus_version_consensus_stage",
        ),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consensus_id: Mapped[int] = mapped_column(index=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    consensus: Mapped[Consensus] = relationship(
        back_populates="versions",
        primaryjoin="ConsensusVersion.consensus_id == Consensus.id",
        foreign_keys=[consensus_id],
    )
    author: Mapped[User | None] = relationship()
    scores: Mapped[list[ConsensusScore]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        passive_deletes=True,
        primaryjoin="ConsensusVersion.id == ConsensusScore.version_id",
        foreign_keys="ConsensusScore.version_id",
    )
    issues: Mapped[list[ConsensusIssue]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConsensusIssue.position",
    )
    responses: Mapped[list[ConsensusResponse]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ConsensusResponse.created_at",
    )

    def score_for(self, criterion_id: int) -> ConsensusScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    def response_of(self, juror_id: int) -> ConsensusResponse | None:
        """One juror's answer to this version, if they have given one."""
        return next((r for r in self.responses if r.juror_id == juror_id), None)


class ConsensusScore(db.Model):
    """The agreed score of one criterion in one version, with the consensus
    strengths and areas for improvement."""

    __tablename__ = "consensus_score"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "criterion_id"),
        sa.ForeignKeyConstraint(
            ["version_id", "stage"],
            ["consensus_version.id", "consensus_version.stage"],
            ondelete="CASCADE",
            name="fk_consensus_score_version_stage",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id", "stage", "max_score", "step"],
            ["criterion.id", "criterion.stage", "criterion.max_score", "criterion.step"],
            ondelete="RESTRICT",
            onupdate="CASCADE",
            name="fk_consensus_score_criterion_scale",
        ),
        sa.CheckConstraint("value >= 0 AND value <= max_score", name="value_range"),
        sa.CheckConstraint("round(value / step) = value / step", name="value_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(index=True)
    criterion_id: Mapped[int] = mapped_column(index=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    max_score: Mapped[int]
    step: Mapped[float] = mapped_column(sa.Numeric(2, 1, asdecimal=False))
    value: Mapped[float] = mapped_column(sa.Numeric(7, 2, asdecimal=False))
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    improvements: Mapped[str] = mapped_column(sa.Text, default="")

    version: Mapped[ConsensusVersion] = relationship(
        back_populates="scores",
        primaryjoin="ConsensusScore.version_id == ConsensusVersion.id",
        foreign_keys=[version_id],
    )
    criterion: Mapped[Criterion] = relationship(
        primaryjoin="ConsensusScore.criterion_id == Criterion.id", foreign_keys=[criterion_id]
    )


class ConsensusIssue(db.Model):
    """A site-visit issue the team agreed in stage 1 (for the stage-2 visit)."""

    __tablename__ = "consensus_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consensus_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)

    version: Mapped[ConsensusVersion] = relationship(back_populates="issues")


class ConsensusResponse(db.Model):
    """A juror's answer to one version: agree, or object with a comment."""

    __tablename__ = "consensus_response"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "juror_id"),
        sa.CheckConstraint("decision = 'agree' OR comment != ''", name="objection_has_comment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consensus_version.id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    decision: Mapped[ResponseDecision]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    version: Mapped[ConsensusVersion] = relationship(back_populates="responses")
    juror: Mapped[User] = relationship()
