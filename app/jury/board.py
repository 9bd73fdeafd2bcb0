"""The organizer's assignments page, row by row: worked out once per request
in Python (sets and dicts), not per row in the template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.accounts.models import User
from app.jury.models import Assignment
from app.offices.models import Application


@dataclass(frozen=True)
class AssignmentRow:
    application: Application
    assignments: list[Assignment]  # this stage's, in the order loaded
    free_jurors: list[User]  # may still be assigned by hand


def assignment_rows(
    applications: Iterable[Application],
    *,
    stage: int,
    jurors: list[User],
    conflicts: Iterable[tuple[int, int]],
) -> list[AssignmentRow]:
    """One row per application: its assignments in `stage` and the accepted
    jurors that may still be added to it, i.e. not already on it in this stage
    and without a declared conflict with its office (`conflicts` holds
    (juror_id, office_id) pairs)."""
    conflicted: dict[int, set[int]] = {}
    for juror_id, office_id in conflicts:
        conflicted.setdefault(office_id, set()).add(juror_id)
    rows = []
    for application in applications:
        mine = [a for a in application.assignments if a.stage == stage]
        taken = {a.juror_id for a in mine} | conflicted.get(application.office_id, set())
        free = [j for j in jurors if j.id not in taken]
        rows.append(AssignmentRow(application, mine, free))
    return rows
