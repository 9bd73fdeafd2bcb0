"""The organizer's list of an edition's applications, a page at a time.

The list is the organizer's way into 3,000 entries and is reloaded all day,
so it is read as plain rows (office, category, status, submission time) from
prebuilt statements (app/queries.py), one per filter combination: no ORM
objects, no per-row loads; and a page is kept in the counts cache
(app/counts_cache.py) until an application's status or category, an office's
name or a category changes (a submission changes the status).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa

from app import counts_cache
from app.editions.models import Category, Edition
from app.extensions import db
from app.offices.models import Application, ApplicationStatus, Office
from app.queries import prebuilt

PER_PAGE = 50


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    office_name: str
    office_city: str
    category: str
    status: ApplicationStatus
    submitted_at: dt.datetime | None


@dataclass
class ApplicationsPage:
    rows: list[ApplicationRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def _where(query: sa.Select, by_status: bool, by_category: bool) -> sa.Select:
    query = query.where(Application.edition_id == sa.bindparam("edition_id"))
    if by_status:
        query = query.where(Application.status == sa.bindparam("status"))
    if by_category:
        query = query.where(Application.category_id == sa.bindparam("category_id"))
    return query


@prebuilt
def _count_query(by_status: bool, by_category: bool) -> sa.Select:
    return _where(sa.select(sa.func.count(Application.id)), by_status, by_category)


@prebuilt
def _rows_query(by_status: bool, by_category: bool) -> sa.Select:
    query = (
        sa.select(
            Application.id,
            Office.name,
            Office.city,
            Category.name,
            Application.status,
            Application.submitted_at,
        )
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .order_by(Office.name, Application.id)
    )
    query = _where(query, by_status, by_category)
    return query.limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))


def applications_page(
    edition: Edition,
    *,
    status: ApplicationStatus | None = None,
    category_id: int | None = None,
    page: int = 1,
) -> ApplicationsPage:
    """One page of the edition's applications by office name, optionally only
    one status and one category (two queries, kept in the counts cache until
    an application, office or category they show changes)."""
    by_status, by_category = status is not None, bool(category_id)
    params = {"edition_id": edition.id, "status": status, "category_id": category_id}
    page = max(page, 1)

    def read() -> tuple[int, list[ApplicationRow]]:
        total = db.session.scalar(_count_query(by_status, by_category), params) or 0
        rows = [
            ApplicationRow(*row)
            for row in db.session.execute(
                _rows_query(by_status, by_category),
                {**params, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE},
            )
        ]
        return total, rows

    total, rows = counts_cache.cached(
        "applications-page", (edition.id, status, category_id, page, PER_PAGE), read
    )
    return ApplicationsPage(rows=rows, total=total, page=page)
