"""What an office reads of its own result: its stage and final scores and its
position in its category, with the category's mean and best final score.

Every number is read from the current ranking snapshot, the ranking the
chapter decided on, so the office sees exactly what the ranking page, the
exports and the chapter saw; nothing is computed a second time."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.editions.models import ScoreMode
from app.extensions import db
from app.offices.models import Application
from app.results import snapshot as snapshots
from app.results.models import RankingEntry


@dataclass(frozen=True)
class OfficeResult:
    """One entry's line of the snapshot, in the snapshot's mode (raw or
    normalised), and its category's final scores summed up."""

    snapshot_version: int
    mode: ScoreMode
    stage1: float | None
    stage2: float | None
    final: float | None
    position: int | None  # None: not ranked (no final score)
    tied: bool
    ranked_in_category: int
    category_mean: float | None
    category_best: float | None


def office_result(application: Application) -> OfficeResult | None:
    """The entry's result once the edition's results are public and its
    feedback is published; None before, when there is no snapshot, or when
    the entry is not in it (a draft never is). Three queries. Who may read it
    is the caller's check (the office's own page: its members and organizers)."""
    edition = application.edition
    if not (edition.results_public and edition.feedback_published):
        return None
    return snapshot_result(application)


def snapshot_result(application: Application) -> OfficeResult | None:
    """The entry's line of the current ranking snapshot, whatever is
    published (the feedback report is made before it is published); None
    without a snapshot or when the entry is not in it. Three queries."""
    edition = application.edition
    current = snapshots.current(edition)
    if current is None:
        return None
    entry = db.session.scalar(
        sa.select(RankingEntry).where(
            RankingEntry.snapshot_id == current.id,
            RankingEntry.application_id == application.id,
        )
    )
    if entry is None:
        return None
    mean, best, ranked = db.session.execute(
        sa.select(
            sa.func.avg(RankingEntry.score),
            sa.func.max(RankingEntry.score),
            sa.func.count(RankingEntry.position),
        ).where(
            RankingEntry.snapshot_id == current.id,
            RankingEntry.category_id == entry.category_id,
        )
    ).one()
    normalised = current.score_mode is ScoreMode.normalised
    return OfficeResult(
        snapshot_version=current.version,
        mode=current.score_mode,
        stage1=entry.stage1_normalised if normalised else entry.stage1_raw,
        stage2=entry.stage2_normalised if normalised else entry.stage2_raw,
        # The score the snapshot ranked on: the final score in its mode.
        final=entry.score,
        position=entry.position,
        tied=entry.tied,
        ranked_in_category=int(ranked or 0),
        category_mean=float(mean) if mean is not None else None,
        category_best=float(best) if best is not None else None,
    )
