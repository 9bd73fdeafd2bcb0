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


PER_PAGE = 50
# The page's filters: sheet statuses, "not_started" for no sheet yet, "" for all.
FILTERS = ("", "not_started", "draft", "submitted")


@dataclass
class EntriesPage:
    rows: list[EntryRow]
    counts: dict[str, int]  # "all", "not_started", "draft", "submitted" (locked included)
    status: str
    page: int

    @property
    def total(self) -> int:
        return self.counts[self.status or "all"]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def _entries_base(edition: Edition, juror: User, stage: int):
    return (
        sa.select(Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            Assignment.juror_id == juror.id,
            Assignment.stage == stage,
        )
    )


def my_entries(
    edition: Edition, juror: User, stage: int, *, status: str = "", page: int = 1
) -> EntriesPage:
    """One page of the juror's assignments in a stage, by office name, with
    their sheet's status and how many criteria are scored; `status` keeps
    only not started / draft / submitted (and locked) ones. Three queries."""
    counts = {"all": 0, "not_started": 0, "draft": 0, "submitted": 0}
    for sheet_status, n in db.session.execute(
        _entries_base(edition, juror, stage)
        .with_only_columns(ScoreSheet.status, sa.func.count(Assignment.id))
        .group_by(ScoreSheet.status)
    ):
        key = (
            "not_started"
            if sheet_status is None
            else ("draft" if sheet_status is SheetStatus.draft else "submitted")
        )
        counts[key] += n
        counts["all"] += n
    total = criteria_count(edition, stage)
    scored = (
        sa.select(sa.func.count(Score.id))
        .where(Score.sheet_id == ScoreSheet.id, Score.value.is_not(None))
        .correlate(ScoreSheet)
        .scalar_subquery()
    )
    query = (
        _entries_base(edition, juror, stage)
        .with_only_columns(
            Assignment.id,
            Application.id,
            Office.name,
            Office.city,
            Category.name,
            ScoreSheet.status,
            sa.func.coalesce(scored, 0),
            Assignment.due_date,
        )
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .order_by(Office.name, Assignment.id)
    )
    if status == "not_started":
        query = query.where(ScoreSheet.id.is_(None))
    elif status == "draft":
        query = query.where(ScoreSheet.status == SheetStatus.draft)
    elif status == "submitted":
        query = query.where(ScoreSheet.status.in_([SheetStatus.submitted, SheetStatus.locked]))
    page = max(page, 1)
    stage_end = edition.stage1_end if stage == 1 else edition.stage2_end
    rows = [
        EntryRow(
            assignment_id=a_id,
            application_id=app_id,
            office_name=office,
            city=city,
            category=category,
            status=sheet_status,
            scored=int(n),
            total=total,
            due=due or stage_end,
        )
        for a_id, app_id, office, city, category, sheet_status, n, due in db.session.execute(
            query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    ]
    return EntriesPage(rows=rows, counts=counts, status=status, page=page)


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
