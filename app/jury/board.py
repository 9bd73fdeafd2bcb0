"""The organizer's assignments page, row by row: worked out once per request
in Python (sets and dicts), not per row in the template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from app.accounts.models import User
from app.jury.models import Assignment
from app.offices.models import Application


@dataclass(frozen=True)
class AssignmentRow:
    application: Application
    assignments: list[Assignment]  # this stage's, in the order loaded
    free_jurors: list[User]  # may still be assigned by hand
    # The <option>s of `free_jurors`, joined from options escaped once per
    # request: 50 rows x 50 jurors are 2,500 options, too many to build one by
    # one in Jinja on a page organizers reload after every assignment.
    free_options: Markup = Markup("")


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
    # Markup.format escapes the juror's name.
    option = {
        j.id: Markup('<option value="{}">{}</option>').format(j.id, j.full_name) for j in jurors
    }
    rows = []
    for application in applications:
        mine = [a for a in application.assignments if a.stage == stage]
        taken = {a.juror_id for a in mine} | conflicted.get(application.office_id, set())
        free = [j for j in jurors if j.id not in taken]
        # Each piece is Markup already escaped by Markup.format above; joining
        # them as plain str (Markup.join would escape each one again, 2,500
        # calls a page) keeps them as they are.
        options = Markup("".join(option[j.id] for j in free))
        rows.append(AssignmentRow(application, mine, free, options))
    return rows
