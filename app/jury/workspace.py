"""What the juror's pages read: their entries per stage with progress, and
other jurors' sheets where the edition lets them see those. Each read is a
fixed number of queries, whatever the edition's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import counts_cache
from app.accounts.models import User
from app.editions.models import Area, Category, Criterion, Edition, EditionStatus
from app.extensions import db
from app.jury.models import (
    Assignment,
    JuryMembership,
    MembershipStatus,
    Score,
    ScoreSheet,
    SheetStatus,
)
from app.offices.models import Application, ApplicationStatus, Office
from app.queries import prebuilt


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


@prebuilt
def _criteria_count_query() -> sa.Select:
    return (
        sa.select(sa.func.count(Criterion.id))
        .join(Area, Area.id == Criterion.area_id)
        .where(
            Area.edition_id == sa.bindparam("edition_id"), Criterion.stage == sa.bindparam("stage")
        )
    )


def criteria_count(edition: Edition, stage: int) -> int:
    return (
        db.session.scalar(_criteria_count_query(), {"edition_id": edition.id, "stage": stage}) or 0
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


def _entries_base():
    """The juror's assignments in one stage of one edition (bound parameters
    edition_id, juror_id, stage)."""
    return (
        sa.select(Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == sa.bindparam("edition_id"),
            Assignment.juror_id == sa.bindparam("juror_id"),
            Assignment.stage == sa.bindparam("stage"),
        )
    )


@prebuilt
def _entries_counts_query() -> sa.Select:
    return (
        _entries_base()
        .with_only_columns(ScoreSheet.status, sa.func.count(Assignment.id))
        .group_by(ScoreSheet.status)
    )


@prebuilt
def _entries_rows_query(status: str) -> sa.Select:
    """One page of rows (bound parameters limit and offset too), built once
    per filter: the page is every juror's start of work (see app/queries.py)."""
    scored = (
        sa.select(sa.func.count(Score.id))
        .where(Score.sheet_id == ScoreSheet.id, Score.value.is_not(None))
        .correlate(ScoreSheet)
        .scalar_subquery()
    )
    query = (
        _entries_base()
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
    return query.limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))


def my_entries(
    edition: Edition, juror: User, stage: int, *, status: str = "", page: int = 1
) -> EntriesPage:
    """One page of the juror's assignments in a stage, by office name, with
    their sheet's status and how many criteria are scored; `status` keeps
    only not started / draft / submitted (and locked) ones. Three queries, the
    counts by status kept in the counts cache."""
    if status not in FILTERS:
        raise ValueError(status)
    params = {"edition_id": edition.id, "juror_id": juror.id, "stage": stage}

    def count() -> dict[str, int]:
        counts = {"all": 0, "not_started": 0, "draft": 0, "submitted": 0}
        for sheet_status, n in db.session.execute(_entries_counts_query(), params):
            key = (
                "not_started"
                if sheet_status is None
                else ("draft" if sheet_status is SheetStatus.draft else "submitted")
            )
            counts[key] += n
            counts["all"] += n
        return counts

    # Sheets started, submitted or reopened and assignments made or removed
    # change these; a draft's scores do not (app/counts_cache.py).
    counts = counts_cache.cached("my-entries", (edition.id, juror.id, stage), count)
    total = criteria_count(edition, stage)
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
            _entries_rows_query(status),
            {**params, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE},
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


# ---- what a juror should expect and do next (issue 18) ---------------------------


@dataclass
class Outlook:
    """Where one of a juror's editions stands for them. `key` says what to do:
    "answer" (the invitation), "declare" (conflicts not confirmed yet),
    "wait" (scoring has not started), "unassigned" (a stage is open and
    nothing is assigned yet), "score" (sheets to submit), "done" (every sheet
    of the open stage is in) or "" (nothing to do: declined, or scoring over)."""

    membership: JuryMembership
    key: str
    stage: int = 1
    starts: dt.date | None = None  # when the stage's scoring starts
    ends: dt.date | None = None
    assigned: int = 0
    open_sheets: int = 0  # assigned and not submitted
    expected: int = 0  # entries to expect before assignments exist (0: not known yet)


def expected_entries(entries: int, jurors: int, per_application: int) -> int:
    """About how many entries each juror scores: every entry gets
    `per_application` jurors (never more than there are), shared evenly."""
    if not entries or not jurors:
        return 0
    seats = entries * min(per_application, jurors)
    return min(entries, -(-seats // jurors))


def outlooks(juror: User, memberships: list[JuryMembership]) -> list[Outlook]:
    """Each membership's outlook, in the memberships' order, in three grouped
    queries whatever the number of editions."""
    edition_ids = [m.edition_id for m in memberships]
    if not edition_ids:
        return []
    sheets: dict[tuple[int, int], list[int]] = {}  # (edition, stage) -> [assigned, open]
    for edition_id, stage, status, n in db.session.execute(
        sa.select(Application.edition_id, Assignment.stage, ScoreSheet.status, sa.func.count())
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.juror_id == juror.id, Application.edition_id.in_(edition_ids))
        .group_by(Application.edition_id, Assignment.stage, ScoreSheet.status)
    ):
        counts = sheets.setdefault((edition_id, stage), [0, 0])
        counts[0] += n
        if status in (None, SheetStatus.draft):
            counts[1] += n
    entries: dict[tuple[int, int], int] = {}
    for edition_id, status, n in db.session.execute(
        sa.select(Application.edition_id, Application.status, sa.func.count())
        .where(
            Application.edition_id.in_(edition_ids),
            Application.status != ApplicationStatus.draft,
        )
        .group_by(Application.edition_id, Application.status)
    ):
        entries[edition_id, 1] = entries.get((edition_id, 1), 0) + n
        if status is ApplicationStatus.qualified:
            entries[edition_id, 2] = n
    jurors = dict(
        db.session.execute(
            sa.select(JuryMembership.edition_id, sa.func.count())
            .where(
                JuryMembership.edition_id.in_(edition_ids),
                JuryMembership.status == MembershipStatus.accepted,
            )
            .group_by(JuryMembership.edition_id)
        ).all()
    )
    return [_outlook(m, sheets, entries, jurors.get(m.edition_id, 0)) for m in memberships]


def _outlook(membership, sheets, entries, jurors) -> Outlook:
    edition = membership.edition
    if membership.status is MembershipStatus.invited:
        return Outlook(membership, "answer")
    if membership.status is not MembershipStatus.accepted:
        return Outlook(membership, "")
    if membership.conflicts_confirmed_at is None:
        return Outlook(membership, "declare")
    status = edition.status
    if status.order > EditionStatus.stage2.order:
        return Outlook(membership, "")
    stage = 2 if status is EditionStatus.stage2 else 1
    assigned, open_sheets = sheets.get((edition.id, stage), (0, 0))
    outlook = Outlook(
        membership,
        "",
        stage=stage,
        starts=edition.stage1_start if stage == 1 else edition.stage2_start,
        ends=edition.stage1_end if stage == 1 else edition.stage2_end,
        assigned=assigned,
        open_sheets=open_sheets,
        expected=expected_entries(
            entries.get((edition.id, stage), 0), jurors, edition.jurors_per_application
        ),
    )
    if status.order < EditionStatus.stage1.order:
        outlook.key = "wait"
    elif not assigned:
        outlook.key = "unassigned"
    else:
        outlook.key = "score" if open_sheets else "done"
    return outlook
