"""What the juror's pages read: their entries per stage with progress, and
other jurors' sheets where the edition lets them see those. Each read is a
fixed number of queries, whatever the edition's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.editions.models import Area, Category, Criterion, Edition
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.offices.models import Application, Office


@dataclass
class EntryRow:
    assignment_id: int
    application_id: int
    office_name: str
    city: str
    category: str
    status: SheetStatus | None  # None: not started
    scored: int  # criteria with a value
    total: int  # criteria of the stage
    due: dt.date | None

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 0

    def late(self, today: dt.date) -> bool:
        """Past its due date and not submitted."""
        return (
            self.due is not None and self.due < today and self.status in (None, SheetStatus.draft)
        )


def criteria_count(edition: Edition, stage: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Criterion.id))
            .join(Area, Area.id == Criterion.area_id)
            .where(Area.edition_id == edition.id, Criterion.stage == stage)
        )
        or 0
    )


def my_entries(edition: Edition, juror: User, stage: int) -> list[EntryRow]:
    """The juror's assignments in a stage with their sheet's status and how
    many criteria are scored, by office name (two queries)."""
    total = criteria_count(edition, stage)
    scored = (
        sa.select(sa.func.count(Score.id))
        .where(Score.sheet_id == ScoreSheet.id, Score.value.is_not(None))
        .correlate(ScoreSheet)
        .scalar_subquery()
    )
    stage_end = edition.stage1_end if stage == 1 else edition.stage2_end
    rows = db.session.execute(
        sa.select(
            Assignment.id,
            Application.id,
            Office.name,
            Office.city,
            Category.name,
            ScoreSheet.status,
            sa.func.coalesce(scored, 0),
            Assignment.due_date,
        )
        .join(Application, Application.id == Assignment.application_id)
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            Assignment.juror_id == juror.id,
            Assignment.stage == stage,
        )
        .order_by(Office.name, Assignment.id)
    ).all()
    return [
        EntryRow(
            assignment_id=a_id,
            application_id=app_id,
            office_name=office,
            city=city,
            category=category,
            status=status,
            scored=int(n),
            total=total,
            due=due or stage_end,
        )
        for a_id, app_id, office, city, category, status, n, due in rows
    ]


@dataclass
class PeerSheet:
    juror_name: str
    sheet: ScoreSheet


def peer_sheets(assignment: Assignment) -> list[PeerSheet]:
    """The other jurors' submitted sheets for the same entry and stage, with
    their scores (two queries). Callers check `can_see_peer_scores` first."""
    sheets = db.session.scalars(
        sa.select(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(User, User.id == Assignment.juror_id)
        .where(
            Assignment.application_id == assignment.application_id,
            Assignment.stage == assignment.stage,
            Assignment.id != assignment.id,
            ScoreSheet.status != SheetStatus.draft,
        )
        .options(
            selectinload(ScoreSheet.scores),
            selectinload(ScoreSheet.assignment).selectinload(Assignment.juror),
        )
        .order_by(User.full_name)
    ).all()
    return [PeerSheet(s.assignment.juror.full_name, s) for s in sheets]
