from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.editions.models import CommentRule, EditionStatus
from app.jury.sheets import ScoreInput, SheetInput, save_sheet, submit_sheet
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow


def submit(assignment, values, *, strengths="Aktualna karta usług.", actor=None):
    """Score and submit a sheet through the scoring services (so the consensus
    hook runs): `values` maps criteria to values."""
    data = SheetInput(
        version=assignment.sheet.version if assignment.sheet else 0,
        scores={
            c.id: ScoreInput(value=str(v), strengths=strengths, improvements="Brak badań.")
            for c, v in values.items()
        },
    )
    sheet = save_sheet(assignment, actor=actor or assignment.juror, data=data)
    submit_sheet(sheet, actor=actor or assignment.juror)
    return sheet


@pytest.fixture
def team(make, db, request_ctx):
    """An edition in stage 1 with consensus review in stage 1; two criteria
    (c10: 0..10 by 1, weight 1; c20: 0..20 by 0.5, weight 2, a comment always);
    one submitted entry with three jurors (declarations confirmed) assigned, no
    sheets yet; a second entry with one of them; an organizer."""
    edition = make.edition(status=EditionStatus.stage1, areas=0, consensus_stage1=True)
    area = make.area(edition=edition, name="Standardy obsługi")
    c10 = make.criterion(area=area, stage=1, name="Karta usług", max_score=10, position=1)
    c20 = make.criterion(
        area=area,
        stage=1,
        name="Czas oczekiwania",
        max_score=20,
        step=0.5,
        weight=2,
        comment_rule=CommentRule.always,
        position=2,
    )
    make.criterion(area=area, stage=2, name="Obsługa na miejscu", max_score=10)
    entry = make.application(edition=edition, status=ApplicationStatus.submitted)
    other_entry = make.application(edition=edition, status=ApplicationStatus.submitted)
    jurors = []
    assignments = []
    for name in ("Anna Adamska", "Bogdan Borowski", "Celina Cichy"):
        juror = make.juror(edition=edition, full_name=name)
        juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
        jurors.append(juror)
        assignments.append(make.assignment(application=entry, juror=juror, stage=1))
    outsider = make.juror(edition=edition, full_name="Damian Dalszy")
    outsider.jury_memberships[0].conflicts_confirmed_at = utcnow()
    other_assignment = make.assignment(application=other_entry, juror=outsider, stage=1)
    organizer = make.organizer()
    db.session.flush()
    return SimpleNamespace(
        edition=edition,
        c10=c10,
        c20=c20,
        entry=entry,
        other_entry=other_entry,
        jurors=jurors,
        assignments=assignments,
        outsider=outsider,
        other_assignment=other_assignment,
        organizer=organizer,
    )


def all_submitted(team, values=((6, 12.0), (8, 14.5), (7, 16.0))):
    """Every juror of the entry submits; returns the opened consensus."""
    from app.jury.consensus import services

    for assignment, (v10, v20) in zip(team.assignments, values, strict=True):
        submit(assignment, {team.c10: v10, team.c20: v20})
    consensus = services.open_if_ready(team.assignments[0])  # already open: None
    assert consensus is None
    import sqlalchemy as sa

    from app.extensions import db
    from app.jury.consensus.models import Consensus

    cid = db.session.scalar(
        sa.select(Consensus.id).where(Consensus.application_id == team.entry.id)
    )
    return services.load(cid)


def draft(consensus, team, *, values=None, note="", actor=None):
    from app.jury.consensus import services

    values = values or {team.c10: "7", team.c20: "14,5"}
    return services.save_draft(
        consensus,
        actor=actor or consensus.lead,
        data=services.DraftInput(
            based_on=consensus.latest.number if consensus.latest else 0,
            note=note,
            scores={
                c.id: ScoreInput(
                    value=v, strengths="Zgodnie: karta usług.", improvements="Ankieta."
                )
                for c, v in values.items()
            },
            issues=["Czas oczekiwania 15 minut"],
        ),
    )
