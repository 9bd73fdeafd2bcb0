"""The route x role matrix (issue 16, item 14): every rule of the app's URL
map, requested as every role with real ids, answers what tests/core/route_matrix.py
says. A new route without an expected answer fails here."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.awards.models import Award, Diploma, SpecialAward
from app.demo import DEMO_PASSWORD
from app.demo.data import EDITION_SLUG, PAST_SLUG, PILOT_SLUG
from app.editions.models import Area, Criterion, Edition, EditionStatus, Question
from app.extensions import db
from app.jobs_models import JobRun, JobStatus
from app.jury.consensus.models import Consensus
from app.jury.models import Assignment, ConflictOfInterest, JuryMembership, MembershipStatus
from app.jury.visits.files import evidence_path
from app.jury.visits.models import (
    ChecklistItem,
    ExternalFinding,
    MysteryVisit,
    VisitPhoto,
    VisitStatus,
)
from app.offices import uploads
from app.offices.models import Application, Document
from app.public.models import NewsPost, Photo, RulesAttachment
from app.results import feedback_report
from app.timeutil import utcnow
from tests.core.hostile import login, rule_url, seed_and_users
from tests.core.route_matrix import HIDES_EXISTENCE, LOGIN, REFUSALS, ROLES, ROUTES

MATRIX_FILE = "tests/core/route_matrix.py"
OTHER_JUROR = "juror-unassigned@laurel.example"


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_route_has_an_expected_answer(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - ROUTES.keys())
    assert not missing, (
        f"No expected answer for {', '.join(missing)}: say who may use each route "
        f"in ROUTES in {MATRIX_FILE} (the format is described at its top)."
    )
    gone = sorted(ROUTES.keys() - endpoints)
    assert not gone, f"{MATRIX_FILE} lists endpoints that no longer exist: {', '.join(gone)}"
    for name, route in ROUTES.items():
        for role in ROLES:
            assert route.expected("GET", role) is not None, (name, role)


# ---- the world the matrix is walked in ----------------------------------------------


def _one(query):
    value = db.session.scalar(query.limit(1))
    assert value is not None, f"the demo data has no row for {query}"
    return value


def _other_juror(pilot: Edition) -> User:
    """A juror of the pilot edition, past the conflict declaration, with no entry."""
    user = User(email=OTHER_JUROR, full_name="Juror Bez Przydziału", role=Role.juror)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    db.session.flush()
    db.session.add(
        JuryMembership(
            edition_id=pilot.id,
            user_id=user.id,
            status=MembershipStatus.accepted,
            conflicts_confirmed_at=utcnow(),
        )
    )
    return user


def _file(path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_world() -> tuple[dict[str, User], dict[str, str]]:
    """The demo, a juror with no entry, and the few files the demo lacks (a
    visit photo, a diploma, a rules attachment); the users per role and one
    id per URL argument, all belonging to the `office` and `juror` roles."""
    demo = seed_and_users()
    pilot = _one(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
    past = _one(sa.select(Edition).where(Edition.slug == PAST_SLUG))
    current = _one(sa.select(Edition).where(Edition.slug == EDITION_SLUG))
    office_user, juror = demo["office"], demo["juror"]
    other_office = _one(
        sa.select(User)
        .where(User.role == Role.office, User.office_id != office_user.office_id)
        .order_by(User.id)
    )
    users = {
        "organizer": demo["organizer"],
        "office": office_user,
        "other_office": other_office,
        "juror": juror,
        "other_juror": _other_juror(pilot),
    }

    application = _one(
        sa.select(Application).where(
            Application.edition_id == pilot.id, Application.office_id == office_user.office_id
        )
    )
    assignment = _one(
        sa.select(Assignment)
        .where(Assignment.application_id == application.id, Assignment.juror_id == juror.id)
        .order_by(Assignment.stage.desc())
    )
    assert assignment.sheet is not None
    visit = _one(
        sa.select(MysteryVisit).where(
            MysteryVisit.application_id == application.id, MysteryVisit.visitor_id == juror.id
        )
    )
    photo = VisitPhoto(
        visit=visit,
        original_name="sala.jpg",
        stored_name="matrix-photo.jpg",
        content_type="image/jpeg",
        size_bytes=4,
    )
    db.session.add(photo)
    _file(evidence_path(photo.stored_name), b"\xff\xd8\xff\xd9")

    finding = ExternalFinding(
        application=application,
        author=juror,
        source="Biuletyn Informacji Publicznej",
        found_on=dt.date(2026, 9, 1),
        finding="Karta usług bez terminów.",
        attachment_name="zrzut.pdf",
        attachment_stored_name="matrix-finding.pdf",
        attachment_type="application/pdf",
        attachment_size=15,
    )
    db.session.add(finding)
    _file(evidence_path(finding.attachment_stored_name), b"%PDF-1.4\n%%EOF\n")

    award = _one(
        sa.select(Award)
        .join(Application, Application.id == Award.application_id)
        .where(Award.edition_id == past.id, Application.office_id == office_user.office_id)
        .order_by(Award.id)
    )
    diploma = Diploma(
        award=award,
        application_id=award.application_id,
        verification_code="matrix-diploma-code-0000000000000001",
        stored_name="matrix-1.pdf",
    )
    db.session.add(diploma)
    _file(uploads.diplomas_dir() / diploma.stored_name, b"%PDF-1.4\n%%EOF\n")

    # The office's feedback report of the finished edition, published.
    past.feedback_reports_published_at = utcnow()
    _file(feedback_report.report_path(award.application), b"%PDF-1.4\n%%EOF\n")

    run = JobRun(kind="diplomas", edition_id=past.id, status=JobStatus.done, total=1, done=1)
    db.session.add(run)

    attachment = RulesAttachment(
        edition_id=current.id,
        title="Regulamin",
        stored_name="matrix-rules.pdf",
        original_name="regulamin.pdf",
        content_type="application/pdf",
        size_bytes=15,
        sha256=hashlib.sha256(b"%PDF-1.4\n%%EOF\n").hexdigest(),
    )
    db.session.add(attachment)
    _file(uploads.document_path(attachment.stored_name), b"%PDF-1.4\n%%EOF\n")
    db.session.commit()

    post = _one(sa.select(NewsPost).order_by(NewsPost.id))
    ids = {
        "edition_id": pilot.id,
        "past_edition_id": past.id,
        "open_edition_id": current.id,
        "open_slug": current.slug,
        "past_slug": past.slug,
        "post_slug": post.slug,
        "post_id": post.id,
        "news_photo_id": _one(sa.select(Photo.id).where(Photo.post_id == post.id)),
        "area_id": _one(sa.select(Area.id).where(Area.edition_id == pilot.id)),
        "category_id": application.category_id,
        "past_category_id": award.application.category_id,
        "past_application_id": award.application_id,
        "criterion_id": _one(sa.select(Criterion.id).join(Area).where(Area.edition_id == pilot.id)),
        "question_id": _one(sa.select(Question.id).join(Area).where(Area.edition_id == pilot.id)),
        "item_id": _one(sa.select(ChecklistItem.id).where(ChecklistItem.edition_id == pilot.id)),
        "application_id": application.id,
        "office_id": application.office_id,
        "document_id": _one(
            sa.select(Document.id).where(Document.application_id == application.id)
        ),
        "assignment_id": assignment.id,
        "sheet_id": assignment.sheet.id,
        "visit_id": visit.id,
        "photo_id": photo.id,
        "finding_id": finding.id,
        "planned_visit_id": _one(
            sa.select(MysteryVisit.id)
            .join(Application)
            .where(Application.edition_id == pilot.id, MysteryVisit.status == VisitStatus.planned)
        ),
        "consensus_id": _one(
            sa.select(Consensus.id).where(Consensus.application_id == application.id)
        ),
        "membership_id": _one(
            sa.select(JuryMembership.id).where(
                JuryMembership.edition_id == pilot.id, JuryMembership.user_id == juror.id
            )
        ),
        "conflict_id": _one(
            sa.select(ConflictOfInterest.id).where(ConflictOfInterest.edition_id == pilot.id)
        ),
        "special_id": _one(sa.select(SpecialAward.id).where(SpecialAward.edition_id == pilot.id)),
        "award_id": award.id,
        "run_id": run.id,
        "diploma_id": diploma.id,
        "attachment_id": attachment.id,
        "token": "not-a-valid-token",
    }
    return users, {name: str(value) for name, value in ids.items()}


def url_for_rule(rule, ids: dict[str, str]) -> str:
    route = ROUTES[rule.endpoint]
    values = {**ids, **{arg: ids[key] for arg, key in route.args.items()}, **route.values}
    return rule_url(rule.rule, values)


def answer_of(response):
    if response.status_code in (301, 302, 303):
        return LOGIN if "/account/login" in response.headers.get("Location", "") else 302
    return response.status_code


def state_fingerprint() -> dict[str, object]:
    """Row counts of every table and every status column: what a refused POST
    must leave as it was."""
    state: dict[str, object] = {}
    for table in db.metadata.sorted_tables:
        state[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        if "status" in table.c and "id" in table.c:
            rows = db.session.execute(
                sa.select(table.c.id, table.c.status).order_by(table.c.id)
            ).all()
            state[f"{table.name}.status"] = [tuple(r) for r in rows]
    return state


@pytest.fixture
def server_errors(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, client, db, role, server_errors):
    users, ids = build_world()
    if role != "anonymous":
        login(client, users[role])
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint in ROUTES), key=lambda r: r.endpoint
    )
    failures: list[str] = []
    posts: list[tuple[str, str, object]] = []
    for rule in rules:
        route = ROUTES[rule.endpoint]
        url = url_for_rule(rule, ids)
        for method in _methods(rule):
            expected = route.expected(method, role)
            if method != "GET":
                # Only refusals are sent, so that the demo data stays as it was.
                if expected in REFUSALS:
                    posts.append((rule.endpoint, url, expected))
                continue
            got = answer_of(client.get(url))
            if got != expected:
                failures.append(
                    f"GET {url} ({rule.endpoint}) as {role}: {got}, expected {expected}"
                )

    before = state_fingerprint()
    for endpoint, url, expected in posts:
        got = answer_of(client.post(url, data={}))
        if got != expected:
            failures.append(f"POST {url} ({endpoint}) as {role}: {got}, expected {expected}")
    db.session.expire_all()
    after = state_fingerprint()
    changed = [name for name in before if before[name] != after[name]]
    assert not failures, f"{len(failures)} answers differ from {MATRIX_FILE}:\n" + "\n".join(
        failures
    )
    assert not changed, f"refused POSTs changed {changed}"
    assert len(posts) > (15 if role == "organizer" else 40)


def test_every_hidden_route_is_in_the_matrix():
    assert set(HIDES_EXISTENCE) <= set(ROUTES)


@pytest.mark.parametrize("role", ("anonymous", "office", "juror", "organizer"))
def test_unannounced_editions_are_hidden_behind_404(client, db, make, auth, role):
    """An edition in draft, and one whose results are not out, look to the
    public exactly like a slug that does not exist."""
    draft = make.edition(status=EditionStatus.draft)
    deliberating = make.edition(status=EditionStatus.chapter)
    users = {"office": make.office_user, "juror": make.juror, "organizer": make.organizer}
    user = users[role]() if role != "anonymous" else None
    db.session.commit()
    if user is not None:
        auth.login(user)
    shown = 200 if role == "organizer" else 404
    expected = {
        f"/editions/{draft.slug}/apply-info": shown,
        f"/editions/{draft.slug}/rules": shown,
        f"/results/{deliberating.slug}": 404,
        "/results/no-such-edition": 404,
        "/editions/no-such-edition/rules": 404,
    }
    got = {url: client.get(url).status_code for url in expected}
    assert got == expected
