"""The ranking snapshot: the final ranking frozen when stage 2 closes, which
the chapter decides on.

After the snapshot, scores change only through an audited reopen: an organizer
reopens a locked sheet for correction (app/jury/sheets.py reopen_sheet), the
snapshot is then out of date, the juror resubmits, and the organizer retakes
the snapshot with a reason. The old version is kept, superseded; decisions
taken on it are flagged for review (Award.snapshot_id).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.editions.models import Category, Edition, EditionStatus
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import Assignment, ScoreSheet
from app.offices.models import Application
from app.results.models import RankingEntry, RankingSnapshot
from app.results.ranking import rank
from app.timeutil import utcnow

ENTRY_FIELDS = (
    "application_id",
    "category_id",
    "stage1_raw",
    "stage1_normalised",
    "stage2_raw",
    "stage2_normalised",
    "checklist",
    "final_raw",
    "final_normalised",
    "score",
    "position",
    "tied",
    "decided_by",
)


def current(edition: Edition) -> RankingSnapshot | None:
    return db.session.scalar(
        sa.select(RankingSnapshot).where(
            RankingSnapshot.edition_id == edition.id, RankingSnapshot.superseded_at.is_(None)
        )
    )


def history(edition: Edition) -> list[RankingSnapshot]:
    return list(
        db.session.scalars(
            sa.select(RankingSnapshot)
            .where(RankingSnapshot.edition_id == edition.id)
            .order_by(RankingSnapshot.version.desc())
        )
    )


def _edition_sheets(edition: Edition):
    return (
        sa.select(sa.func.count(ScoreSheet.id))
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.edition_id == edition.id)
    )


def open_corrections(edition: Edition) -> int:
    """Sheets reopened for correction and not yet resubmitted."""
    return db.session.scalar(
        _edition_sheets(edition).where(ScoreSheet.reopened_for_correction.is_(True))
    )


def changed_since(edition: Edition, snapshot: RankingSnapshot) -> int:
    """Sheets reopened for correction, or resubmitted, after the snapshot."""
    return db.session.scalar(
        _edition_sheets(edition).where(
            sa.or_(
                ScoreSheet.reopened_for_correction.is_(True),
                ScoreSheet.submitted_at > snapshot.taken_at,
            )
        )
    )


def is_stale(edition: Edition, snapshot: RankingSnapshot | None = None) -> bool:
    snapshot = snapshot or current(edition)
    return snapshot is not None and changed_since(edition, snapshot) > 0


def take(edition: Edition, *, actor, reason: str = "") -> RankingSnapshot:
    """Freeze the edition's final ranking (in its own score mode) as a new
    version; the previous one, if any, is superseded. Flushes, never commits."""
    previous = current(edition)
    ranking = rank(edition, stage="final")
    if previous is not None:
        previous.superseded_at = utcnow()
        # The partial unique index allows one current snapshot: the old one
        # must be superseded in the database before the new one is inserted.
        db.session.flush()
    snapshot = RankingSnapshot(
        edition_id=edition.id,
        version=previous.version + 1 if previous else 1,
        score_mode=ranking.mode,
        stage1_weight=ranking.stage1_weight,
        stage2_weight=ranking.stage2_weight,
        tie_rule=edition.tie_rule,
        reason=reason,
        taken_by_id=getattr(actor, "id", None),
    )
    db.session.add(snapshot)
    db.session.flush()
    if ranking.rows:
        db.session.execute(
            sa.insert(RankingEntry),
            [
                {"snapshot_id": snapshot.id, **{f: getattr(row, f) for f in ENTRY_FIELDS}}
                for row in ranking.rows
            ],
        )
    audit.record(
        "ranking.snapshot",
        actor=actor,
        obj=snapshot,
        edition_id=edition.id,
        before={"version": previous.version} if previous else None,
        after={
            "version": snapshot.version,
            "entries": len(ranking.rows),
            "score_mode": ranking.mode,
            "stage1_weight": ranking.stage1_weight,
            "stage2_weight": ranking.stage2_weight,
            "tie_rule": edition.tie_rule,
            "reason": reason,
        },
    )
    return snapshot


def retake(edition: Edition, *, actor, reason: str) -> RankingSnapshot:
    """A new snapshot after corrections, while the chapter deliberates. Needs a
    reason and no sheet still waiting to be resubmitted."""
    reason = (reason or "").strip()
    if edition.status is not EditionStatus.chapter:
        raise LaurelError(_("The ranking can only be retaken while the chapter deliberates."))
    if not reason:
        raise LaurelError(_("Give the reason for retaking the ranking."))
    waiting = open_corrections(edition)
    if waiting:
        raise LaurelError(
            ngettext(
                "%(num)s sheet reopened for correction has not been submitted again yet.",
                "%(num)s sheets reopened for correction have not been submitted again yet.",
                waiting,
            )
        )
    if current(edition) is None:
        raise LaurelError(_("There is no ranking snapshot to retake."))
    return take(edition, actor=actor, reason=reason)


def entries(snapshot: RankingSnapshot) -> list[RankingEntry]:
    """The snapshot's entries, category by category in ranking order, with
    their application, office and category loaded (three queries)."""
    return list(
        db.session.scalars(
            sa.select(RankingEntry)
            .join(Category, Category.id == RankingEntry.category_id)
            .where(RankingEntry.snapshot_id == snapshot.id)
            .options(
                joinedload(RankingEntry.category),
                selectinload(RankingEntry.application).joinedload(Application.office),
            )
            .order_by(
                Category.position,
                Category.id,
                RankingEntry.position.is_(None),
                RankingEntry.position,
                RankingEntry.id,
            )
        )
    )
