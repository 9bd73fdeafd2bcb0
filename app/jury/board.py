"""The organizer's assignments page: one stage's applications with their
jurors, a page at a time.

A national edition has 3,000 entries and 50 jurors, and organizers reload the
page after every assignment. What the page reads from the database (the
counts, two aggregates over the stage; the page's entries; their assignments,
jurors and sheet statuses; the conflicts of their offices) is read with
prebuilt statements as plain rows (app/queries.py) and kept in the counts
cache (app/counts_cache.py) until any of it is written. Each row's free
jurors are worked out per request in Python, from one set difference, not
in the template.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape

from app import counts_cache
from app.accounts.models import User
from app.editions.models import Edition
from app.extensions import db
from app.jury.models import Assignment, ConflictOfInterest, ScoreSheet, SheetStatus
from app.jury.services import eligible_statuses
from app.offices.models import Application, ApplicationStatus, Office
from app.queries import prebuilt

# Each row carries its own form with up to one <option> per juror (50 at
# national scale): 25 rows keep the page near 75 kB, quick to load on a phone
# and to scan; the "only entries with fewer jurors" filter brings the gaps
# together.
PER_PAGE = 25


@dataclass(frozen=True)
class AssignedJuror:
    assignment_id: int
    juror_id: int
    juror_name: str
    sheet_status: SheetStatus | None  # None: not started

    @property
    def removable(self) -> bool:
        """Until the juror submits: a submitted sheet keeps its assignment."""
        return self.sheet_status in (None, SheetStatus.draft)


@dataclass(frozen=True)
class AssignmentRow:
    application_id: int
    office_name: str
    office_city: str
    status: ApplicationStatus
    assigned: list[AssignedJuror]  # this stage's, oldest first
    # The <option>s of the jurors that may still be added by hand (accepted,
    # not on the entry, no declared conflict with its office), joined from
    # options escaped once per request: 50 rows x 50 jurors are 2,500 options.
    free_options: Markup = Markup("")


@dataclass
class AssignmentsBoard:
    eligible: int  # applications in the stage
    short: int  # of which with fewer jurors than the target
    rows: list[AssignmentRow]
    page: int
    only_missing: bool = False

    @property
    def total(self) -> int:
        return self.short if self.only_missing else self.eligible

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def _in_stage():
    return sa.and_(
        Application.edition_id == sa.bindparam("edition_id"),
        Application.status.in_(sa.bindparam("statuses", expanding=True)),
    )


def _jurors_on(application_id):
    return (
        sa.select(sa.func.count(Assignment.id))
        .where(Assignment.application_id == application_id)
        .where(Assignment.stage == sa.bindparam("stage"))
        .scalar_subquery()
    )


@prebuilt
def _counts_query() -> sa.Select:
    per_entry = sa.select(_jurors_on(Application.id).label("jurors")).where(_in_stage()).subquery()
    return sa.select(
        sa.func.count(),
        sa.func.count().filter(per_entry.c.jurors < sa.bindparam("target")),
    ).select_from(per_entry)


@prebuilt
def _rows_query(only_missing: bool) -> sa.Select:
    query = (
        sa.select(
            Application.id, Application.status, Application.office_id, Office.name, Office.city
        )
        .join(Office, Office.id == Application.office_id)
        .where(_in_stage())
        .order_by(Office.name, Application.id)
    )
    if only_missing:
        query = query.where(_jurors_on(Application.id) < sa.bindparam("target"))
    return query.limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))


@prebuilt
def _assigned_query() -> sa.Select:
    return (
        sa.select(Assignment.id, Assignment.application_id, Assignment.juror_id, ScoreSheet.status)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.application_id.in_(sa.bindparam("application_ids", expanding=True)),
            Assignment.stage == sa.bindparam("stage"),
        )
        .order_by(Assignment.id)
    )


@prebuilt
def _conflicts_query() -> sa.Select:
    return sa.select(ConflictOfInterest.juror_id, ConflictOfInterest.office_id).where(
        ConflictOfInterest.edition_id == sa.bindparam("edition_id"),
        ConflictOfInterest.office_id.in_(sa.bindparam("office_ids", expanding=True)),
    )


@prebuilt
def _names_query() -> sa.Select:
    return sa.select(User.id, User.full_name).where(
        User.id.in_(sa.bindparam("user_ids", expanding=True))
    )


def _page_data(edition_id: int, stage: int, target: int, only_missing: bool, page: int) -> tuple:
    """Everything the page shows that comes from the database, as plain data
    for the counts cache: the counts, the page's entries, their assignments
    (with each juror's name and sheet status) and the conflicts of their
    offices."""
    params = {
        "edition_id": edition_id,
        "statuses": eligible_statuses(stage),
        "stage": stage,
        "target": target,
    }
    eligible, short = db.session.execute(_counts_query(), params).one()
    entries = [
        tuple(row)
        for row in db.session.execute(
            _rows_query(only_missing),
            {**params, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE},
        )
    ]
    assigned: dict[int, list[tuple[int, int, SheetStatus | None]]] = {}
    conflicted: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    if entries:
        for assignment_id, application_id, juror_id, status in db.session.execute(
            _assigned_query(), {"application_ids": [e[0] for e in entries], "stage": stage}
        ):
            assigned.setdefault(application_id, []).append((assignment_id, juror_id, status))
        for juror_id, office_id in db.session.execute(
            _conflicts_query(),
            {"edition_id": edition_id, "office_ids": list({e[2] for e in entries})},
        ):
            conflicted.setdefault(office_id, set()).add(juror_id)
        # Every assigned juror's name, also of one who has left the jury since.
        on_page = {j for rows in assigned.values() for _a, j, _s in rows}
        if on_page:
            names = dict(db.session.execute(_names_query(), {"user_ids": sorted(on_page)}).all())
    return eligible, short, entries, assigned, conflicted, names


def assignments_board(
    edition: Edition,
    stage: int,
    *,
    target: int,
    jurors: list,
    only_missing: bool = False,
    page: int = 1,
) -> AssignmentsBoard:
    """One page of the stage's applications (by office name) with their
    jurors; `only_missing` keeps those with fewer than `target` jurors.
    `jurors` are the edition's accepted jurors (the ones that may be added).
    What comes from the database is kept in the counts cache until any of it
    changes (app/counts_cache.py); each row's free jurors are worked out here."""
    page = max(page, 1)
    eligible, short, entries, assigned, conflicted, names = counts_cache.cached(
        "assignments-page",
        (edition.id, stage, target, only_missing, page, PER_PAGE),
        lambda: _page_data(edition.id, stage, target, only_missing, page),
    )
    board = AssignmentsBoard(
        eligible=eligible, short=short, rows=[], page=page, only_missing=only_missing
    )
    # Each juror's name escaped once per request (an f-string with escape():
    # Markup.format goes through string.Formatter, several times slower); the
    # rows below only compare plain ids (25 rows x 50 jurors).
    options = [
        (j.id, f'<option value="{int(j.id)}">{escape(j.full_name)}</option>') for j in jurors
    ]
    for application_id, status, office_id, office_name, office_city in entries:
        mine = assigned.get(application_id, [])
        taken = {juror_id for _a, juror_id, _s in mine} | conflicted.get(office_id, set())
        board.rows.append(
            AssignmentRow(
                application_id=application_id,
                office_name=office_name,
                office_city=office_city,
                status=status,
                assigned=[AssignedJuror(a, j, names[j], s) for a, j, s in mine],
                # Each piece was escaped above; joining them as plain str
                # (Markup.join would escape each one again) keeps them.
                free_options=Markup(
                    "".join(html for juror_id, html in options if juror_id not in taken)
                ),
            )
        )
    return board
