"""The organizer's dashboard of an edition: applications per category and
status, score sheets per stage, late jurors (the counts kept in the counts
cache, app/counts_cache.py), and application counts for the editions list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app import counts_cache
from app.editions.models import (
    Category,
    Edition,
)
from app.extensions import db
from app.jury import oversight
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.offices.models import Application, ApplicationStatus
from app.timeutil import WARSAW


@dataclass
class StageProgress:
    stage: int
    assignments: int = 0
    submitted: int = 0  # submitted or locked
    draft: int = 0
    not_started: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assignments) if self.assignments else 0


@dataclass
class OverdueJuror:
    juror_id: int
    name: str
    email: str
    stage: int
    count: int


@dataclass
class Dashboard:
    statuses: list[ApplicationStatus]
    # (category, {status: count}, total) in category order
    by_category: list[tuple[Category, dict[ApplicationStatus, int], int]]
    by_status: dict[ApplicationStatus, int]
    total: int
    stages: list[StageProgress]
    overdue: list[OverdueJuror]
    today: dt.date


def local_today() -> dt.date:
    return dt.datetime.now(WARSAW).date()


def _dashboard_counts(edition_id: int, today: dt.date) -> tuple:
    """The dashboard's numbers as plain data, for the counts cache: per
    category and status, per stage and sheet status, and the late jurors."""
    applications = db.session.execute(
        sa.select(Application.category_id, Application.status, sa.func.count(Application.id))
        .where(Application.edition_id == edition_id)
        .group_by(Application.category_id, Application.status)
    ).all()
    sheets = db.session.execute(
        sa.select(Assignment.stage, ScoreSheet.status, sa.func.count(Assignment.id))
        .join(Application, Assignment.application_id == Application.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Application.edition_id == edition_id)
        .group_by(Assignment.stage, ScoreSheet.status)
    ).all()
    edition = db.session.get(Edition, edition_id)
    late = oversight.late_jurors(edition, today=today)  # dataclasses: they pickle
    return [tuple(r) for r in applications], [tuple(r) for r in sheets], late


def dashboard(edition: Edition, *, today: dt.date | None = None) -> Dashboard:
    """The edition's figures: three grouped queries, kept in the counts cache
    (app/counts_cache.py) until what they count changes, and the categories."""
    today = today or local_today()
    applications, sheets, late = counts_cache.cached(
        "dashboard", (edition.id, today), lambda: _dashboard_counts(edition.id, today)
    )
    counts: dict[int, dict[ApplicationStatus, int]] = defaultdict(dict)
    for category_id, status, n in applications:
        counts[category_id][status] = n
    categories = db.session.scalars(
        sa.select(Category)
        .where(Category.edition_id == edition.id)
        .order_by(Category.position, Category.name)
    ).all()
    by_category = [
        (c, counts.get(c.id, {}), sum(counts.get(c.id, {}).values())) for c in categories
    ]
    by_status = {s: sum(row.get(s, 0) for row in counts.values()) for s in ApplicationStatus}

    stages = {1: StageProgress(1), 2: StageProgress(2)}
    for stage, status, n in sheets:
        progress = stages[stage]
        progress.assignments += n
        if status is None:
            progress.not_started += n
        elif status is SheetStatus.draft:
            progress.draft += n
        else:
            progress.submitted += n

    overdue = [OverdueJuror(j.juror_id, j.name, j.email, j.stage, j.count) for j in late]
    return Dashboard(
        statuses=list(ApplicationStatus),
        by_category=by_category,
        by_status=by_status,
        total=sum(by_status.values()),
        stages=[stages[1], stages[2]],
        overdue=overdue,
        today=today,
    )


def application_counts(editions: list[Edition]) -> dict[int, int]:
    """Applications per edition, in one grouped query."""
    if not editions:
        return {}
    return dict(
        db.session.execute(
            sa.select(Application.edition_id, sa.func.count(Application.id))
            .where(Application.edition_id.in_([e.id for e in editions]))
            .group_by(Application.edition_id)
        ).all()
    )


def category_usage(edition: Edition) -> dict[int, int]:
    """Applications per category of an edition, in one grouped query."""
    return dict(
        db.session.execute(
            sa.select(Application.category_id, sa.func.count(Application.id))
            .where(Application.edition_id == edition.id)
            .group_by(Application.category_id)
        ).all()
    )
