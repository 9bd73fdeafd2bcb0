"""The rules of consensus review, without the web layer."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury.consensus import services
from app.jury.consensus.models import Consensus, ConsensusStatus, ResponseDecision
from app.jury.models import ConflictOfInterest
from app.jury.sheets import SheetProblems
from tests.consensus.conftest import all_submitted, draft, submit


def _reviews(db):
    return db.session.scalars(sa.select(Consensus)).all()


def test_consensus_opens_only_when_every_sheet_is_in(team, db):
    submit(team.assignments[0], {team.c10: 6, team.c20: 12})
    submit(team.assignments[1], {team.c10: 8, team.c20: 14.5})
    assert _reviews(db) == []
    assert services.open_ready(team.edition, 1) == 0
    submit(team.assignments[2], {team.c10: 7, team.c20: 16})
    [consensus] = _reviews(db)
    assert (consensus.application_id, consensus.stage) == (team.entry.id, 1)
    assert consensus.status is ConsensusStatus.open and consensus.lead_id is not None
    # Opening twice adds nothing.
    assert services.open_ready(team.edition, 1) == 0
    assert len(_reviews(db)) == 1
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "consensus.opened"))
        == 1
    )


def test_a_draft_sheet_keeps_the_review_closed(team, db, make):
    from app.jury.models import SheetStatus

    for assignment in team.assignments[:2]:
        submit(assignment, {team.c10: 6, team.c20: 12})
    make.sheet(assignment=team.assignments[2], status=SheetStatus.draft)
    assert services.open_ready(team.edition, 1) == 0


def test_no_review_when_consensus_is_off_for_the_stage(team, db):
    team.edition.consensus_stage1 = False
    for assignment in team.assignments:
        submit(assignment, {team.c10: 6, team.c20: 12})
    assert _reviews(db) == []
    team.edition.consensus_stage1 = True
    # Switched on later: the organizer's page opens what is ready.
    assert services.open_ready(team.edition, 1) == 1


def test_leads_spread_evenly_and_never_a_conflicted_juror(team, db, make):
    # Anna, who would lead by default, declares a conflict with the office
    # after submitting her sheet.
    submit(team.assignments[0], {team.c10: 6, team.c20: 12})
    db.session.add(
        ConflictOfInterest(
            edition_id=team.edition.id,
            juror_id=team.jurors[0].id,
            office_id=team.entry.office_id,
            reason="Rodzina",
        )
    )
    db.session.flush()
    submit(team.assignments[1], {team.c10: 8, team.c20: 14.5})
    submit(team.assignments[2], {team.c10: 7, team.c20: 16})
    consensus = services.load(_reviews(db)[0].id)
    assert consensus.lead_id == team.jurors[1].id
    assert team.jurors[0].id not in {a.juror_id for a in consensus.eligible_leads()}
    assert not consensus.can_view(team.jurors[0])
    with pytest.raises(LaurelError):
        services.set_lead(consensus, team.jurors[0].id, actor=team.organizer)
    # The conflicted juror is not asked to agree either.
    assert {a.juror_id for a in consensus.others()} == {team.jurors[2].id}
    # A second entry of the same team: the free juror who leads nothing yet leads it.
    second = make.application(edition=team.edition, status=team.entry.status)
    assignments = [make.assignment(application=second, juror=j) for j in team.jurors[1:]]
    for assignment in assignments:
        submit(assignment, {team.c10: 5, team.c20: 10})
    review = db.session.scalar(sa.select(Consensus).where(Consensus.application_id == second.id))
    assert review.lead_id == team.jurors[2].id


def test_default_lead_takes_fewest_leads_first():
    from collections import Counter
    from types import SimpleNamespace

    a = [SimpleNamespace(id=i, juror_id=j) for i, j in ((1, 10), (2, 20), (3, 30))]
    assert services.default_lead(a, Counter({10: 2, 20: 1, 30: 1})).juror_id == 20
    assert services.default_lead([], Counter()) is None


def test_organizer_names_another_lead_audited(team, db):
    consensus = all_submitted(team)
    services.set_lead(consensus, team.jurors[2].id, actor=team.organizer)
    assert consensus.lead_id == team.jurors[2].id
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "consensus.lead_set")
        )
        == 1
    )
    with pytest.raises(LaurelError):
        services.set_lead(consensus, team.outsider.id, actor=team.organizer)
    with pytest.raises(LaurelError):
        services.set_lead(consensus, team.jurors[1].id, actor=team.jurors[0])


def test_only_the_lead_drafts_and_each_save_is_a_new_version(team, db):
    consensus = all_submitted(team)
    lead = consensus.lead
    other = next(j for j in team.jurors if j.id != lead.id)
    with pytest.raises(LaurelError):
        draft(consensus, team, actor=other)
    first = draft(consensus, team)
    second = draft(consensus, team, values={team.c10: "8", team.c20: "15"}, note="Po rozmowie")
    assert (first.number, second.number) == (1, 2)
    assert [float(s.value) for s in sorted(first.scores, key=lambda s: s.criterion_id)] == [7, 14.5]
    assert [i.text for i in second.issues] == ["Czas oczekiwania 15 minut"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "consensus.version")
        )
        == 2
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [("11", "value-c10"), ("7,5", "value-c10"), ("", "value-c10"), ("abc", "value-c10")],
)
def test_a_draft_follows_the_score_rules(team, db, value, field):
    consensus = all_submitted(team)
    with pytest.raises(SheetProblems) as refused:
        draft(consensus, team, values={team.c10: value, team.c20: "14"})
    assert f"value-{team.c10.id}" in refused.value.errors
    assert consensus.versions == []


def test_the_database_refuses_a_consensus_score_off_the_scale(team, db):
    from app.jury.consensus.models import ConsensusScore

    consensus = all_submitted(team)
    version = draft(consensus, team)
    score = next(s for s in version.scores if s.criterion_id == team.c20.id)
    score.value = 14.25
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert ConsensusScore  # the model the check belongs to


def test_a_stale_draft_form_is_refused(team, db):
    consensus = all_submitted(team)
    draft(consensus, team)
    with pytest.raises(services.DraftConflict):
        services.save_draft(consensus, actor=consensus.lead, data=services.DraftInput(based_on=0))


def _others(consensus, team):
    return [j for j in team.jurors if j.id != consensus.lead_id]


def test_an_objection_blocks_finality_until_resolved(team, db):
    consensus = all_submitted(team)
    first, second = _others(consensus, team)
    draft(consensus, team)
    services.respond(consensus, actor=first, agree=True)
    with pytest.raises(LaurelError):
        services.respond(consensus, actor=second, agree=False, comment="  ")
    services.respond(consensus, actor=second, agree=False, comment="Za wysoko za kartę usług.")
    assert consensus.status is ConsensusStatus.open
    # A new version starts the answers afresh: one agreement is not enough.
    draft(consensus, team, values={team.c10: "6", team.c20: "14,5"})
    services.respond(consensus, actor=second, agree=True)
    assert consensus.status is ConsensusStatus.open
    services.respond(consensus, actor=first, agree=True)
    assert consensus.status is ConsensusStatus.final and consensus.finalised_at is not None
    assert not consensus.can_draft(consensus.lead)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("consensus.%"))
    ).all()
    assert actions.count("consensus.response") == 4 and "consensus.final" in actions


def test_the_organizer_closes_a_blocked_review_with_a_reason(team, db):
    consensus = all_submitted(team)
    first, _second = _others(consensus, team)
    draft(consensus, team)
    services.respond(consensus, actor=first, agree=False, comment="Nie zgadzam się.")
    with pytest.raises(LaurelError):
        services.close(consensus, actor=team.organizer, reason=" ")
    with pytest.raises(LaurelError):
        services.close(consensus, actor=first, reason="Koniec")
    services.close(consensus, actor=team.organizer, reason="Termin kapituły.")
    assert consensus.status is ConsensusStatus.closed
    assert consensus.closed_by_id == team.organizer.id
    with pytest.raises(LaurelError):
        services.respond(consensus, actor=first, agree=True)


def test_the_lead_and_outsiders_cannot_answer(team, db):
    consensus = all_submitted(team)
    with pytest.raises(LaurelError):  # nothing to answer yet
        services.respond(consensus, actor=_others(consensus, team)[0], agree=True)
    draft(consensus, team)
    for user in (consensus.lead, team.outsider, team.organizer):
        with pytest.raises(LaurelError):
            services.respond(consensus, actor=user, agree=True)


def test_an_old_objection_makes_the_review_stuck(team, db, app):
    consensus = all_submitted(team)
    draft(consensus, team)
    response = services.respond(
        consensus, actor=_others(consensus, team)[0], agree=False, comment="Za wysoko."
    )
    assert not services.is_stuck(consensus)
    later = response.created_at + dt.timedelta(days=3, minutes=1)
    assert services.is_stuck(consensus, now=later)
    app.config["CONSENSUS_STUCK_DAYS"] = 5
    try:
        assert not services.is_stuck(consensus, now=later)
    finally:
        app.config["CONSENSUS_STUCK_DAYS"] = 3


def test_side_by_side_puts_the_largest_spread_first_and_prefills_the_rounded_mean(team, db):
    consensus = all_submitted(team, values=((6, 10.0), (7, 19.0), (7, 16.0)))
    criteria = services.stage_criteria(team.edition.id, 1)
    rows = services.side_by_side(consensus, criteria)
    # c20 spread 9 of 20 (0.45) before c10 spread 1 of 10 (0.1).
    assert [r.criterion.id for r in rows] == [team.c20.id, team.c10.id]
    assert rows[0].spread == 9 and rows[0].suggested == 15.0
    assert rows[1].suggested == 7.0  # 6.67 rounded to a whole point
    typed = services.draft_prefill(consensus, rows)
    assert typed[f"value-{team.c10.id}"] == "7" and typed[f"value-{team.c20.id}"] == "15"


def test_work_stops_when_the_chapter_deliberates(team, db):
    consensus = all_submitted(team)
    team.edition.status = EditionStatus.stage2
    assert consensus.can_draft(consensus.lead)  # stage 1 review may finish in stage 2
    team.edition.status = EditionStatus.chapter
    assert not consensus.can_draft(consensus.lead)


def test_answer_decisions_are_stored(team, db):
    consensus = all_submitted(team)
    draft(consensus, team)
    r = services.respond(consensus, actor=_others(consensus, team)[0], agree=True)
    assert r.decision is ResponseDecision.agree
