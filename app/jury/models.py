from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

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

    def can_respond(self, user) -> bool:
        """Accept or decline the invitation: only the invited user (the
        service refuses a second answer)."""
        return _authenticated(user) and user.id == self.user_id

    def can_work(self, user) -> bool:
        """Work in the edition's jury (declare conflicts, open one's entries and
        visits): the member themselves, once they accepted the invitation."""
        return self.can_respond(user) and self.status is MembershipStatus.accepted


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

    def can_remove(self, user) -> bool:
        """Only the juror who declared it withdraws a declaration."""
        return _authenticated(user) and user.id == self.juror_id


class Assignment(db.Model):
    """Juror x application x stage: the juror is to score this entry in this stage."""

    __tablename__ = "assignment"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "juror_id", "stage"),
        # The target of the score sheet's (assignment, stage) foreign key.
        sa.UniqueConstraint("id", "stage", name="uq_assignment_id_stage"),
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
    # juror_may_work() computed by the query that loaded the assignment, when
    # it asked for it with with_expression(Assignment.may_work,
    # Assignment.may_work_expression()); None otherwise.
    may_work: Mapped[bool | None] = query_expression()

    application: Mapped[Application] = relationship(back_populates="assignments")
    juror: Mapped[User] = relationship(foreign_keys=[juror_id])
    sheet: Mapped[ScoreSheet | None] = relationship(
        back_populates="assignment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        primaryjoin="ScoreSheet.assignment_id == Assignment.id",
        foreign_keys="ScoreSheet.assignment_id",
    )

    @property
    def edition(self) -> Edition:
        return self.application.edition

    @property
    def due(self) -> dt.date | None:
        """The assignment's own due date, else the end of its stage."""
        if self.due_date is not None:
            return self.due_date
        return self.edition.stage1_end if self.stage == 1 else self.edition.stage2_end

    @property
    def stage_is_open(self) -> bool:
        return _stage_is_open(self.edition, self.stage)

    @property
    def sheet_status(self) -> SheetStatus | None:
        """None: not started."""
        return self.sheet.status if self.sheet is not None else None

    def is_juror(self, user) -> bool:
        return _authenticated(user) and user.id == self.juror_id

    @classmethod
    @functools.cache
    def conflicted_expression(cls):
        """The juror declared a conflict with the entry's office (an EXISTS)."""
        from app.offices.models import Application

        # Correlated to the assignment explicitly: nested inside
        # may_work_expression, auto-correlation only looks one level up and
        # would scan every assignment instead.
        return (
            sa.select(ConflictOfInterest.id)
            .join(Application, Application.id == cls.application_id)
            .where(
                ConflictOfInterest.edition_id == Application.edition_id,
                ConflictOfInterest.juror_id == cls.juror_id,
                ConflictOfInterest.office_id == Application.office_id,
            )
            .correlate(cls)
            .exists()
        )

    @classmethod
    @functools.cache
    def may_work_expression(cls):
        """juror_may_work() as a column expression, for loading it with the
        assignment instead of asking once per permission check."""
        from app.offices.models import Application

        return (
            sa.select(JuryMembership.id)
            .join(Application, Application.id == cls.application_id)
            .where(
                JuryMembership.edition_id == Application.edition_id,
                JuryMembership.user_id == cls.juror_id,
                JuryMembership.status == MembershipStatus.accepted,
                JuryMembership.conflicts_confirmed_at.is_not(None),
                ~cls.conflicted_expression(),
            )
            .correlate(cls)
            .exists()
        )

    def juror_conflicted(self) -> bool:
        return bool(
            db.session.scalar(
                sa.select(type(self).conflicted_expression()).where(type(self).id == self.id)
            )
        )

    def juror_may_work(self) -> bool:
        """The juror accepted the invitation, confirmed the conflict declaration
        and declared no conflict with this office (one query, none when the
        assignment was loaded with `may_work`)."""
        if self.may_work is not None:
            return bool(self.may_work)
        return bool(
            db.session.scalar(
                sa.select(type(self).may_work_expression()).where(type(self).id == self.id)
            )
        )

    def can_view(self, user) -> bool:
        """Organizers; the assigned juror once past the conflict declaration."""
        if not _authenticated(user):
            return False
        if user.is_organizer:
            return True
        return self.is_juror(user) and self.juror_may_work()

    def can_score(self, user) -> bool:
        """Write the sheet: the stage is open, the sheet is not submitted, and the
        user is the juror (past the declaration, no conflict) or an organizer
        typing the juror's paper sheet."""
        correcting = self.sheet is not None and self.sheet.reopened_for_correction
        if not _authenticated(user) or not (self.stage_is_open or correcting):
            return False
        if self.sheet is not None and self.sheet.status is not SheetStatus.draft:
            return False
        if user.is_organizer:
            # A paper sheet, typed for the juror: never for an office the juror
            # declared a conflict with.
            return not self.juror_conflicted()
        return self.is_juror(user) and self.juror_may_work()

    def can_see_peer_scores(self, user) -> bool:
        """Other jurors' scores for this entry and stage. Organizers always; the
        juror only when the edition allows it and after submitting their own
        sheet, so that nobody anchors on a colleague's numbers."""
        if not self.can_view(user):
            return False
        if user.is_organizer:
            return True
        return bool(
            self.edition.peer_scores_visible and self.sheet is not None and self.sheet.is_done
        )


# ---- score sheets ----------------------------------------------------------

# The edition phase in which each stage's sheets are written.
STAGE_PHASE = {1: "stage1", 2: "stage2"}


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _stage_is_open(edition: Edition, stage: int) -> bool:
    return edition.status.value == STAGE_PHASE.get(stage)


class SheetStatus(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    locked = "locked"  # the stage closed


# A sheet the juror has handed in (the stage's closing locks submitted ones).
DONE_SHEETS = (SheetStatus.submitted, SheetStatus.locked)


class ScoreSheet(db.Model):
    """One juror's scores for one assignment (juror x entry x stage).

    `stage` repeats the assignment's stage so that the database itself can
    refuse a score whose criterion belongs to the other stage (see Score)."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["assignment_id", "stage"],
            ["assignment.id", "assignment.stage"],
            ondelete="CASCADE",
            name="fk_score_sheet_assignment_stage",
        ),
        sa.UniqueConstraint("id", "stage", name="uq_score_sheet_id_stage"),
        sa.CheckConstraint("stage IN (1, 2)", name="stage"),
        sa.CheckConstraint(
            "status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(unique=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    status: Mapped[SheetStatus] = mapped_column(default=SheetStatus.draft, index=True)
    general_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Who saved the sheet last: the juror, or an organizer typing a paper sheet.
    last_saved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    reopened_at: Mapped[dt.datetime | None]
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Reopened after its stage closed, to correct the ranking the chapter
    # decides on (app/results/snapshot.py): the juror may edit it although the
    # stage is over, and the ranking snapshot must be retaken afterwards.
    reopened_for_correction: Mapped[bool] = mapped_column(default=False)
    # Optimistic locking: a save based on an older version is refused (StaleDataError).
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assignment: Mapped[Assignment] = relationship(
        back_populates="sheet",
        primaryjoin="ScoreSheet.assignment_id == Assignment.id",
        foreign_keys=[assignment_id],
    )
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet",
        cascade="all, delete-orphan",
        passive_deletes=True,
        primaryjoin="ScoreSheet.id == Score.sheet_id",
        foreign_keys="Score.sheet_id",
    )
    last_saved_by: Mapped[User | None] = relationship(foreign_keys=[last_saved_by_id])
    site_visit_issues: Mapped[list[SiteVisitIssue]] = relationship(
        back_populates="sheet",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SiteVisitIssue.id",
    )

    @property
    def is_done(self) -> bool:
        return self.status is not SheetStatus.draft

    @property
    def typed_by_organizer(self) -> bool:
        """A paper sheet: somebody other than the juror saved it last."""
        return (
            self.last_saved_by_id is not None and self.last_saved_by_id != self.assignment.juror_id
        )

    def can_view(self, user) -> bool:
        return self.assignment.can_view(user)

    def can_edit(self, user) -> bool:
        """The juror (or an organizer typing a paper sheet) while the sheet is a
        draft, the stage is open and the juror has no conflict with the office."""
        return self.status is SheetStatus.draft and self.assignment.can_score(user)

    def can_submit(self, user) -> bool:
        return self.can_edit(user)

    def can_reopen(self, user) -> bool:
        """Organizers reopen a submitted sheet while its stage is open. Once
        both stages are over and the chapter deliberates, a locked sheet may be
        reopened to correct the ranking (an audited reopen: the ranking
        snapshot must then be retaken); otherwise a locked sheet stays."""
        if not (_authenticated(user) and user.is_organizer):
            return False
        edition = self.assignment.application.edition
        if self.status is SheetStatus.submitted:
            return _stage_is_open(edition, self.stage)
        return self.status is SheetStatus.locked and edition.status.value == "chapter"


class Score(db.Model):
    """Juror x entry x criterion, through the sheet.

    The criterion's stage, maximum and step are repeated here and tied to the
    criterion by a composite foreign key, so that the database refuses a value
    out of range, off the step, or for a criterion of the other stage, whatever
    code writes it. Criteria cannot change once scoring starts; ON UPDATE
    CASCADE only keeps the copy exact if a draft-time edit ever happens."""

    __tablename__ = "score"
    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "criterion_id"),
        sa.ForeignKeyConstraint(
            ["sheet_id", "stage"],
            ["score_sheet.id", "score_sheet.stage"],
            ondelete="CASCADE",
            name="fk_score_sheet_stage",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id", "stage", "max_score", "step"],
            ["criterion.id", "criterion.stage", "criterion.max_score", "criterion.step"],
            ondelete="RESTRICT",
            onupdate="CASCADE",
            name="fk_score_criterion_scale",
        ),
        sa.CheckConstraint(
            "value IS NULL OR (value >= 0 AND value <= max_score)", name="value_range"
        ),
        sa.CheckConstraint(
            "value IS NULL OR round(value / step) = value / step", name="value_step"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(index=True)
    criterion_id: Mapped[int] = mapped_column(index=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    max_score: Mapped[int]
    step: Mapped[float] = mapped_column(sa.Numeric(2, 1, asdecimal=False))
    # None while a draft has text but no value yet; a submitted sheet has every value.
    value: Mapped[float | None] = mapped_column(sa.Numeric(7, 2, asdecimal=False))
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    improvements: Mapped[str] = mapped_column(sa.Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(
        back_populates="scores",
        primaryjoin="Score.sheet_id == ScoreSheet.id",
        foreign_keys=[sheet_id],
    )
    criterion: Mapped[Criterion] = relationship(
        primaryjoin="Score.criterion_id == Criterion.id", foreign_keys=[criterion_id]
    )


class IssueCheck(enum.Enum):
    """What stage 2 found about a stage-1 site-visit issue."""

    not_checked = "not_checked"
    confirmed = "confirmed"
    not_confirmed = "not_confirmed"


class SiteVisitIssue(db.Model):
    """Something in the documents that stage 2 should check (raised on a stage-1
    sheet, e.g. "the declared 15-minute waiting time"). Once the sheet is
    submitted it is the stage-2 visitors' and jurors' briefing, and stage 2
    records whether it was confirmed."""

    __tablename__ = "site_visit_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True
    )
    # Repeated from the sheet's assignment: the briefing is read per entry.
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    check: Mapped[IssueCheck] = mapped_column(default=IssueCheck.not_checked)
    check_note: Mapped[str] = mapped_column(sa.Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    checked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="site_visit_issues")
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
