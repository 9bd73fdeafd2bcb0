"""The organizer's assignments page: one stage's applications with their
jurors, a page at a time.

A national edition has 3,000 entries and 50 jurors, and organizers reload the
page after every assignment, so it is built from a few prebuilt statements of
plain rows (app/queries.py) and worked out once per request in Python (sets
and dicts), not per row in the template: the counts are two aggregates in the
database, the page's rows one query, their assignments one more, and each
row's free jurors come from one set difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup

from app.accounts.models import User
from app.editions.models import Edition
from app.extensions import db
from app.jury.models import Assignment, ConflictOfInterest, ScoreSheet, SheetStatus
from app.jury.services import eligible_statuses
from app.offices.models import Application, ApplicationStatus, Office
from app.queries import prebuilt

PER_PAGE = 50


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
    jurors: list[User] = field(default_factory=list)  # accepted, by id
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


def assignments_board(
    edition: Edition,
    stage: int,
    *,
    target: int,
    jurors: list[User],
    only_missing: bool = False,
    page: int = 1,
) -> AssignmentsBoard:
    """One page of the stage's applications (by office name) with their
    jurors; `only_missing` keeps those with fewer than `target` jurors.
    `jurors` are the edition's accepted jurors (the ones that may be added)."""
    params = {
        "edition_id": edition.id,
        "statuses": eligible_statuses(stage),
        "stage": stage,
        "target": target,
    }
    eligible, short = db.session.execute(_counts_query(), params).one()
    page = max(page, 1)
    entries = db.session.execute(
        _rows_query(only_missing),
        {**params, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE},
    ).all()
    board = AssignmentsBoard(
        eligible=eligible, short=short, rows=[], page=page, jurors=jurors, only_missing=only_missing
    )
    if not entries:
        return board
    assigned: dict[int, list[tuple[int, int, SheetStatus | None]]] = {}
    for assignment_id, application_id, juror_id, status in db.session.execute(
        _assigned_query(), {"application_ids": [e.id for e in entries], "stage": stage}
    ):
        assigned.setdefault(application_id, []).append((assignment_id, juror_id, status))
    conflicted: dict[int, set[int]] = {}
    for juror_id, office_id in db.session.execute(
        _conflicts_query(),
        {"edition_id": edition.id, "office_ids": list({e.office_id for e in entries})},
    ):
        conflicted.setdefault(office_id, set()).add(juror_id)
    names = {j.id: j.full_name for j in jurors}
    # A juror assigned before declining or being removed from the jury is
    # still shown on the entries they have.
    unknown = {j for rows in assigned.values() for _a, j, _s in rows} - names.keys()
    if unknown:
        names.update(
            db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(unknown))).all()
        )
    # Markup.format escapes the juror's name, once per request.
    option = {
        j.id: Markup('<option value="{}">{}</option>').format(j.id, j.full_name) for j in jurors
    }
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
                # Each piece is Markup escaped above; joining them as plain
                # str (Markup.join would escape each one again) keeps them.
                free_options=Markup("".join(option[j.id] for j in jurors if j.id not in taken)),
            )
        )
    return board
