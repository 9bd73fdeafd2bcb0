"""An edition's phases: what moving to the next one needs (every score sheet
of a closing stage submitted, the qualification list for stage 2, the
chapter's decisions before publishing) and the move itself."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.audit import services as audit
from app.awards import publishing as award_publishing
from app.editions.models import (
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
)
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.labels import label
from app.offices.models import Application, ApplicationStatus, Office
from app.results import blinding
from app.results import snapshot as ranking_snapshot
from app.results.models import Qualification


@dataclass
class MissingSheet:
    assignment_id: int
    juror_name: str
    juror_email: str
    office_name: str
    sheet_status: SheetStatus | None  # None: not started
    application_id: int = 0


@dataclass
class PhaseCheck:
    """What moving an edition to its next phase needs."""

    current: EditionStatus
    target: EditionStatus | None
    blockers: list[str] = field(default_factory=list)
    # Score sheets of the closing stage that are not submitted; the move needs
    # the organizer's confirmation when this is not empty.
    missing: list[MissingSheet] = field(default_factory=list)
    closing_stage: int | None = None

    @property
    def allowed(self) -> bool:
        return self.target is not None and not self.blockers


class MissingSheetsError(LaurelError):
    """Score sheets are missing and the organizer has not confirmed the move."""

    def __init__(self, message: str, missing: list[MissingSheet]):
        super().__init__(message)
        self.missing = missing


def _stage_closed_by(status: EditionStatus) -> int | None:
    """The scoring stage that ends when an edition leaves `status`."""
    return {EditionStatus.stage1: 1, EditionStatus.stage2: 2}.get(status)


def missing_sheets(edition: Edition, stage: int) -> list[MissingSheet]:
    """Assignments of a stage without a submitted (or locked) score sheet."""
    rows = db.session.execute(
        sa.select(
            Assignment.id,
            User.full_name,
            User.email,
            Office.name,
            ScoreSheet.status,
            Application.id,
        )
        .join(Application, Assignment.application_id == Application.id)
        .join(User, Assignment.juror_id == User.id)
        .join(Office, Application.office_id == Office.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            Assignment.stage == stage,
            sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
        )
        .order_by(User.full_name, Office.name, Assignment.id)
    ).all()
    return [MissingSheet(*row) for row in rows]


def check_next_phase(edition: Edition) -> PhaseCheck:
    """The next phase and everything that stands in its way."""
    current = edition.status
    target = current.next
    check = PhaseCheck(current=current, target=target)
    if target is None:
        check.blockers.append(_("The edition is archived; there is no further phase."))
        return check
    if target is EditionStatus.applications_open:
        has_category = db.session.scalar(
            sa.select(sa.func.count(Category.id)).where(Category.edition_id == edition.id)
        )
        has_criterion = db.session.scalar(
            sa.select(sa.func.count(Criterion.id))
            .join(Area, Criterion.area_id == Area.id)
            .where(Area.edition_id == edition.id)
        )
        if not has_category:
            check.blockers.append(_("Add at least one category."))
        if not has_criterion:
            check.blockers.append(_("Add at least one criterion."))
        if edition.applications_close_at is None:
            check.blockers.append(_("Set the date when applications close."))
    elif target is EditionStatus.stage1:
        submitted = db.session.scalar(
            sa.select(sa.func.count(Application.id)).where(
                Application.edition_id == edition.id,
                Application.status == ApplicationStatus.submitted,
            )
        )
        if not submitted:
            check.blockers.append(_("No application has been submitted yet."))
    elif target is EditionStatus.stage2:
        confirmed = db.session.scalar(
            sa.select(sa.func.count(Qualification.id)).where(Qualification.edition_id == edition.id)
        )
        if not confirmed:
            check.blockers.append(
                _("Stage 1 closes when the stage-2 qualification list is confirmed.")
            )
    elif target is EditionStatus.results_published:
        snapshot = ranking_snapshot.current(edition)
        if snapshot is None:
            check.blockers.append(_("There is no ranking snapshot: stage 2 was not closed."))
        else:
            if ranking_snapshot.is_stale(edition, snapshot):
                check.blockers.append(
                    _("Score sheets changed after the ranking snapshot: retake the ranking first.")
                )
            # Every category decided, every award confirmed on this snapshot.
            check.blockers.extend(award_publishing.publishing_blockers(edition, snapshot))
    check.closing_stage = _stage_closed_by(current)
    if check.closing_stage:
        check.missing = missing_sheets(edition, check.closing_stage)
    return check


def lock_sheets(edition: Edition, stage: int) -> int:
    """Submitted sheets of a stage become locked; returns how many."""
    assignment_ids = (
        sa.select(Assignment.id)
        .join(Application, Assignment.application_id == Application.id)
        .where(Application.edition_id == edition.id, Assignment.stage == stage)
    )
    result = db.session.execute(
        sa.update(ScoreSheet)
        .where(
            ScoreSheet.assignment_id.in_(assignment_ids),
            ScoreSheet.status == SheetStatus.submitted,
        )
        .values(status=SheetStatus.locked, version=ScoreSheet.version + 1)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def advance_phase(
    edition: Edition,
    *,
    actor,
    expected: EditionStatus,
    target: EditionStatus | None = None,
    confirm_missing: bool = False,
) -> Edition:
    """Move an edition one phase forward.

    The status only moves to the very next phase, never back and never past
    one. `expected` is the status the organizer saw: if somebody moved the
    edition in between (or the same form was sent twice), the move is refused
    instead of skipping a phase. Leaving stage 1 or 2 locks that stage's
    submitted score sheets; missing sheets need `confirm_missing`.
    """
    if edition.status is not expected:
        raise LaurelError(
            _(
                "The edition's phase has changed in the meantime (it is now “%(status)s”). "
                "Check the page and try again.",
                status=_phase_label(edition.status),
            )
        )
    nxt = edition.status.next
    if nxt is None:
        raise LaurelError(_("The edition is archived; there is no further phase."))
    if target is not None and target is not nxt:
        raise LaurelError(
            _(
                "An edition can only move forward to the next phase (“%(next)s”).",
                next=_phase_label(nxt),
            )
        )
    check = check_next_phase(edition)
    if check.blockers:
        raise LaurelError(" ".join(check.blockers))
    if check.missing and not confirm_missing:
        raise MissingSheetsError(
            _(
                "%(count)s score sheets of stage %(stage)s are missing or not submitted. "
                "Confirm to close the stage anyway.",
                count=len(check.missing),
                stage=check.closing_stage,
            ),
            check.missing,
        )
    # Conditional update: of two requests racing with the same expected
    # status, only one changes a row; the other is refused.
    result = db.session.execute(
        sa.update(Edition)
        .where(Edition.id == edition.id, Edition.status == expected)
        .values(status=nxt)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LaurelError(
            _("The edition's phase has changed in the meantime. Check the page and try again.")
        )
    db.session.refresh(edition)
    locked = lock_sheets(edition, check.closing_stage) if check.closing_stage else 0
    db.session.flush()
    if edition.blind_chapter:
        # Entries submitted since the setting was saved get their codes.
        blinding.assign_codes(edition)
    if check.closing_stage == 2:
        # What the chapter decides on: the final ranking as it stands now.
        ranking_snapshot.take(edition, actor=actor)
    audit.record(
        "edition.phase",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before={"status": expected.value},
        after={
            "status": nxt.value,
            "locked_sheets": locked,
            "missing_sheets": [m.assignment_id for m in check.missing],
            "confirmed_missing": bool(check.missing),
        },
    )
    return edition


def _phase_label(status: EditionStatus) -> str:
    return label(status)
