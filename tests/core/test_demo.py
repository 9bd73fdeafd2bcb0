"""The demo's pilot edition: stage 1 locked, stage 2 under way, real work for the jurors."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.awards.models import Award, AwardKind
from app.demo import JURORS, seed_demo
from app.demo.data import PAST_SLUG, PILOT_SLUG
from app.demo.news import NEWS_SLUG
from app.editions.models import Edition, EditionStatus
from app.jury.models import (
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    Score,
    ScoreSheet,
    SheetStatus,
    SiteVisitIssue,
)
from app.jury.oversight import late_jurors
from app.jury.visits.models import (
    ChecklistItem,
    ExternalFinding,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitStatus,
)
from app.offices.models import Application, ApplicationStatus, Document
from app.public.models import NewsPost
from app.results import snapshot as ranking_snapshot
from app.timeutil import to_local, utcnow

MODELS = (
    User,
    Edition,
    Application,
    Document,
    JuryMembership,
    ConflictOfInterest,
    Assignment,
    ScoreSheet,
    Score,
    SiteVisitIssue,
    ChecklistItem,
    MysteryVisit,
    VisitAnswer,
    ExternalFinding,
    Award,
    AuditEvent,
)


def _counts(db) -> dict[str, int]:
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS
    }


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _pilot_assignments(db, edition, stage, juror=None):
    query = (
        sa.select(Assignment)
        .join(Application, Assignment.application_id == Application.id)
        .where(Application.edition_id == edition.id, Assignment.stage == stage)
    )
    if juror is not None:
        query = query.where(Assignment.juror_id == juror.id)
    return db.session.scalars(query).all()


def test_pilot_edition_is_in_stage2_with_locked_stage1(app, db):
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    assert edition.status is EditionStatus.stage2
    assert edition.stage1_end < edition.stage2_start <= edition.stage2_end

    stage1 = _pilot_assignments(db, edition, 1)
    assert len(stage1) == 8 * 3 - 1  # one declared conflict
    assert {a.sheet_status for a in stage1} == {SheetStatus.locked}
    for assignment in stage1:
        scores = assignment.sheet.scores
        assert len(scores) == len(edition.criteria_for_stage(1))
        assert all(0 <= s.value <= s.criterion.max_score for s in scores)
        assert all(s.strengths and s.improvements for s in scores)
    issues = db.session.scalars(
        sa.select(SiteVisitIssue.text)
        .join(Application, SiteVisitIssue.application_id == Application.id)
        .where(Application.edition_id == edition.id)
    ).all()
    assert "Deklarowany czas oczekiwania: 15 minut — sprawdzić na miejscu" in issues

    entries = db.session.scalars(sa.select(Application).filter_by(edition=edition)).all()
    statuses = [a.status for a in entries]
    assert statuses.count(ApplicationStatus.qualified) == 4
    assert statuses.count(ApplicationStatus.not_qualified) == 4
    assert all(a.documents and a.answers for a in entries)
    # Stage 2 only for qualified entries, two jurors each.
    stage2 = _pilot_assignments(db, edition, 2)
    assert {a.application.status for a in stage2} == {ApplicationStatus.qualified}
    assert len(stage2) == 4 * 2

    memberships = db.session.scalars(sa.select(JuryMembership).filter_by(edition=edition)).all()
    assert len(memberships) == 3
    assert all(m.conflicts_confirmed_at for m in memberships)


def test_juror1_lands_on_a_submitted_a_draft_and_a_not_started_sheet(app, db):
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    juror1 = _user(db, JURORS[0][0])
    mine = _pilot_assignments(db, edition, 2, juror1)
    assert sorted(str(a.sheet_status) for a in mine) == sorted(
        str(s) for s in (SheetStatus.submitted, SheetStatus.draft, None)
    )
    assert all(a.can_view(juror1) for a in mine)
    draft = next(a for a in mine if a.sheet_status is SheetStatus.draft)
    # The draft is late (the organizer's overview names juror1), and still editable.
    today = to_local(utcnow()).date()
    assert draft.due < today
    assert [(j.email, j.count) for j in late_jurors(edition, 2, today=today)] == [(JURORS[0][0], 1)]
    assert draft.sheet.can_edit(juror1)
    not_started = next(a for a in mine if a.sheet is None)
    assert not_started.can_score(juror1)


def test_juror3_is_never_assigned_to_the_office_of_its_conflict(app, db):
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    juror3 = _user(db, JURORS[2][0])
    conflict = db.session.scalar(
        sa.select(ConflictOfInterest).filter_by(edition_id=edition.id, juror_id=juror3.id)
    )
    assert conflict is not None
    assigned = db.session.scalars(
        sa.select(Application.office_id)
        .join(Assignment, Assignment.application_id == Application.id)
        .where(Application.edition_id == edition.id, Assignment.juror_id == juror3.id)
    ).all()
    assert assigned and conflict.office_id not in assigned
    # The conflicted office still takes part in stage 2, scored by others.
    entry = db.session.scalar(
        sa.select(Application).filter_by(edition=edition, office_id=conflict.office_id)
    )
    assert entry.status is ApplicationStatus.qualified and entry.assignments


def test_stage2_has_a_checklist_visits_and_findings(app, db):
    seed_demo()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    items = db.session.scalars(sa.select(ChecklistItem).filter_by(edition_id=edition.id)).all()
    per_channel = {c: sum(i.channel is c for i in items) for c in VisitChannel}
    assert per_channel[VisitChannel.in_person] == 5 and per_channel[VisitChannel.phone] == 3
    assert any(i.scale_max == 5 and i.criterion and i.criterion.stage == 2 for i in items)

    visits = db.session.scalars(
        sa.select(MysteryVisit)
        .join(Application, MysteryVisit.application_id == Application.id)
        .where(Application.edition_id == edition.id)
    ).all()
    submitted = [v for v in visits if v.status is VisitStatus.submitted]
    assert len(submitted) == 2 and all(v.answers and v.visited_at for v in submitted)
    assert {v.visitor_label for v in submitted} == {JURORS[0][1], "Anna Kontrolna"}
    for visit in submitted:
        assert {a.item.channel for a in visit.answers} == {visit.channel}
        assert len(visit.answers) == per_channel[visit.channel]
    planned = [v for v in visits if v.status is VisitStatus.planned]
    assert len(planned) == 1 and planned[0].visitor.email == JURORS[0][0] and planned[0].due_on

    findings = db.session.scalars(
        sa.select(ExternalFinding)
        .join(Application, ExternalFinding.application_id == Application.id)
        .where(Application.edition_id == edition.id)
    ).all()
    assert len(findings) == 2 and all(f.criterion.stage == 2 for f in findings)


def test_a_second_seed_adds_nothing(app, db):
    first = seed_demo()
    assert first["editions"] == 3 and first["score_sheets"] > 0 and first["awards"] == 10
    counts = _counts(db)
    second = seed_demo()
    assert set(second.values()) == {0}
    assert _counts(db) == counts


def test_the_past_edition_is_finished_with_its_results_published(app, db, client):
    seed_demo()
    db.session.commit()
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == PAST_SLUG))
    assert edition.status is EditionStatus.results_published and edition.year == 2025
    assert "Jabłonn" in edition.gala_place
    # Both stages scored and locked; the ranking frozen when stage 2 closed.
    for stage in (1, 2):
        assignments = _pilot_assignments(db, edition, stage)
        assert assignments and {a.sheet_status for a in assignments} == {SheetStatus.locked}
    entries = db.session.scalars(sa.select(Application).filter_by(edition=edition)).all()
    statuses = [a.status for a in entries]
    assert statuses.count(ApplicationStatus.qualified) == 8
    assert statuses.count(ApplicationStatus.not_qualified) == 2
    snapshot = ranking_snapshot.current(edition)
    assert snapshot is not None
    # The chapter: every category has a laureate, ranked first, decided on that snapshot.
    awards = db.session.scalars(sa.select(Award).filter_by(edition_id=edition.id)).all()
    assert {a.snapshot_id for a in awards} == {snapshot.id}
    assert not any(a.departure_reason for a in awards)
    laureates = {
        a.category.name: a.application.office.name for a in awards if a.kind is AwardKind.laureate
    }
    assert len(laureates) == len(edition.categories)
    assert (
        laureates["Urzędy marszałkowskie"]
        == "Urząd Marszałkowski Województwa Mazowieckiego w Warszawie"
    )
    specials = {
        a.special_award.name: a.application.office.name
        for a in awards
        if a.kind is AwardKind.special
    }
    assert specials["Innowacyjny urząd"] == laureates["Urzędy marszałkowskie"]
    # The public pages show it, and the gala post points at it.
    archive = client.get("/results/").get_data(as_text=True)
    assert f'href="/results/{PAST_SLUG}"' in archive
    page = client.get(f"/results/{PAST_SLUG}").get_data(as_text=True)
    assert "Urząd Marszałkowski Województwa Mazowieckiego w Warszawie" in page
    assert "Innowacyjny urząd" in page and "otwarte dane o czasie oczekiwania" in page
    post = db.session.scalar(sa.select(NewsPost).where(NewsPost.slug == NEWS_SLUG))
    assert post.edition_id == edition.id
    assert f'href="/results/{PAST_SLUG}"' in post.body_html
    assert post.published_at.date() > edition.gala_date
    # The current open edition is still the home page's.
    assert "Przyjazny Urząd — I edycja" in client.get("/").get_data(as_text=True)
