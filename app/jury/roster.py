"""Who is on an edition's jury and how far each juror has got: the lists the
organizer's jury and assignments pages show, read with prebuilt statements
(app/queries.py); the progress numbers are kept in the counts cache
(app/counts_cache.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app import counts_cache
from app.accounts.models import User
from app.editions.models import Edition
from app.extensions import db
from app.jury.models import (
    DONE_SHEETS,
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    MembershipStatus,
    ScoreSheet,
    SheetStatus,
)
from app.offices.models import Application
from app.queries import prebuilt


@prebuilt
def _memberships_query() -> sa.Select:
    return (
        sa.select(JuryMembership)
        .join(User, User.id == JuryMembership.user_id)
        .where(JuryMembership.edition_id == sa.bindparam("edition_id"))
        .options(contains_eager(JuryMembership.user))
        .order_by(User.full_name, User.id)
    )


def memberships_of(edition: Edition) -> list[JuryMembership]:
    """The edition's jury with each member's account (one prebuilt query)."""
    return list(db.session.scalars(_memberships_query(), {"edition_id": edition.id}))


@prebuilt
def _conflicts_query() -> sa.Select:
    return (
        sa.select(ConflictOfInterest)
        .where(ConflictOfInterest.edition_id == sa.bindparam("edition_id"))
        .options(joinedload(ConflictOfInterest.office))
        .order_by(ConflictOfInterest.declared_at)
    )


def conflicts_by_juror(edition: Edition) -> dict[int, list[ConflictOfInterest]]:
    result: dict[int, list[ConflictOfInterest]] = defaultdict(list)
    for conflict in db.session.scalars(_conflicts_query(), {"edition_id": edition.id}):
        result[conflict.juror_id].append(conflict)
    return result


@prebuilt
def _accepted_jurors_query() -> sa.Select:
    return (
        sa.select(User.id, User.full_name)
        .join(JuryMembership, JuryMembership.user_id == User.id)
        .where(
            JuryMembership.edition_id == sa.bindparam("edition_id"),
            JuryMembership.status == MembershipStatus.accepted,
        )
        .order_by(User.id)
    )


class JurorName(NamedTuple):
    id: int
    full_name: str


def accepted_jurors(edition: Edition) -> list[JurorName]:
    """The jurors who accepted, by id: the assignment pages list all 50 of a
    national jury on every view, so the list is kept in the counts cache (a
    membership's status and a juror's name are among what it watches)."""
    return counts_cache.cached(
        "accepted-jurors",
        (edition.id,),
        lambda: [
            JurorName(*row)
            for row in db.session.execute(_accepted_jurors_query(), {"edition_id": edition.id})
        ],
    )


@dataclass
class JurorProgress:
    juror: JurorName
    assigned: int
    submitted: int
    draft: int

    @property
    def not_started(self) -> int:
        return self.assigned - self.submitted - self.draft


def juror_progress(
    edition: Edition, stage: int, *, jurors: list[JurorName] | None = None
) -> list[JurorProgress]:
    """Per accepted juror (`jurors`, when the caller has them already):
    assignments, and how many sheets are submitted, draft or not started.
    One grouped query for the numbers, kept in the counts cache
    (app/counts_cache.py) until they change."""

    def count() -> dict[int, tuple[int, int, int]]:
        rows = db.session.execute(
            sa.select(
                Assignment.juror_id,
                sa.func.count(Assignment.id),
                sa.func.count(ScoreSheet.id).filter(ScoreSheet.status.in_(DONE_SHEETS)),
                sa.func.count(ScoreSheet.id).filter(ScoreSheet.status == SheetStatus.draft),
            )
            .join(Application, Application.id == Assignment.application_id)
            .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .where(Application.edition_id == edition.id, Assignment.stage == stage)
            .group_by(Assignment.juror_id)
        )
        return {juror_id: (a, s, d) for juror_id, a, s, d in rows}

    numbers = counts_cache.cached("juror-progress", (edition.id, stage), count)
    return [
        JurorProgress(juror, *numbers.get(juror.id, (0, 0, 0)))
        for juror in (accepted_jurors(edition) if jurors is None else jurors)
    ]
