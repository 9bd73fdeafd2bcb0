"""After results: status, awards, diplomas, and the feedback averages."""

from __future__ import annotations

import datetime as dt

import pytest

from app.awards.models import Award, AwardKind, Diploma
from app.editions.models import EditionStatus
from app.jury import feedback
from app.jury.models import SheetStatus
from app.offices import uploads
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow
from tests.factories import Factories


def sheet(db, application, juror, stage, status, values):
    return Factories(db).sheet(
        application=application, juror=juror, stage=stage, status=status, values=values
    )


@pytest.fixture
def scored(make, db):
    """Area A (position 1): c1 weight 1, c2 weight 3 in stage 1, c4 weight 1
    in stage 2. Area B (position 2): c3 weight 2 in stage 1."""
    edition = make.edition(status=EditionStatus.results_published, categories=2, areas=0)
    area_a = make.area(edition=edition, name="A", position=1)
    area_b = make.area(edition=edition, name="B", position=2)
    c1 = make.criterion(area=area_a, stage=1, weight=1)
    c2 = make.criterion(area=area_a, stage=1, weight=3)
    c4 = make.criterion(area=area_a, stage=2, weight=1)
    c3 = make.criterion(area=area_b, stage=1, weight=2)
    cat, other_cat = edition.categories
    j1, j2, j3 = (make.juror(edition=edition) for _ in range(3))
    status = ApplicationStatus.qualified
    own = make.application(edition=edition, category=cat, status=status)
    peer = make.application(edition=edition, category=cat, status=status)
    make.application(edition=edition, category=cat, status=status)  # never scored
    stranger = make.application(edition=edition, category=other_cat, status=status)
    sheet(db, own, j1, 1, SheetStatus.submitted, {c1: 8, c2: 4, c3: 6})
    sheet(db, own, j2, 1, SheetStatus.locked, {c1: 6, c2: 8})
    sheet(db, own, j3, 1, SheetStatus.draft, {c1: 0, c2: 0, c3: 0})  # does not count
    sheet(db, own, j1, 2, SheetStatus.submitted, {c4: 7})
    sheet(db, peer, j1, 1, SheetStatus.submitted, {c1: 10, c2: 9, c3: 2})
    sheet(db, stranger, j1, 1, SheetStatus.submitted, {c1: 0, c2: 0, c3: 0})
    db.session.commit()
    return own, peer


def test_feedback_scores_by_hand(scored):
    own, peer = scored
    rows = [
        (r.area_name, r.stage, r.own, r.category_average, r.offices_scored)
        for r in feedback.feedback_scores(own)
    ]
    # Every criterion here is scored out of 10, so the maximum is 10 x weight.
    # A/1 own: (8*1 + 4*3 + 6*1 + 8*3) / (10*(1+3+1+3)) = 50/80 = 62.5 %
    #     peer: (10*1 + 9*3) / 40 = 92.5 %; average (62.5 + 92.5) / 2 = 77.5
    # B/1 own: 6*2 / 20 = 60 %; peer: 2*2 / 20 = 20 %; average 40
    # A/2 own: 7 / 10 = 70 %, nobody else: 70
    assert rows == [
        ("A", 1, 62.5, 77.5, 2),
        ("B", 1, 60.0, 40.0, 2),
        ("A", 2, 70.0, 70.0, 1),
    ]
    peer_rows = {(r.area_name, r.stage): r.own for r in feedback.feedback_scores(peer)}
    assert peer_rows == {("A", 1): 92.5, ("B", 1): 20.0, ("A", 2): None}


def test_feedback_puts_criteria_with_different_maxima_on_one_scale(make, db):
    edition = make.edition(status=EditionStatus.results_published, areas=0)
    area = make.area(edition=edition, name="A")
    out_of_10 = make.criterion(area=area, stage=1, max_score=10, weight=1)
    out_of_20 = make.criterion(area=area, stage=1, max_score=20, weight=1)
    application = make.application(edition=edition, status=ApplicationStatus.qualified)
    juror = make.juror(edition=edition)
    sheet(db, application, juror, 1, SheetStatus.submitted, {out_of_10: 10, out_of_20: 10})
    # Full marks on one, half on the other: (10 + 10) / (10 + 20) = 66.67 %
    [row] = feedback.feedback_scores(application)
    assert row.own == 66.67


def test_feedback_scores_empty_without_scores(make):
    application = make.application()
    assert feedback.feedback_scores(application) == []


@pytest.fixture
def awarded(scored, make, db):
    own, _peer = scored
    user = make.office_user(office=own.office)
    award = Award(
        edition=own.edition,
        category=own.category,
        application=own,
        kind=AwardKind.distinction,
        justification="Za wzorową kartę usług",
    )
    folder = uploads.diplomas_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "d1.pdf").write_bytes(b"%PDF-1.4 dyplom")
    (folder / "d0.pdf").write_bytes(b"%PDF-1.4 stary")
    award.diplomas = [
        Diploma(
            application=own,
            version=1,
            verification_code="OLD1",
            stored_name="d0.pdf",
            generated_at=utcnow() - dt.timedelta(days=1),
            revoked_at=utcnow(),
        ),
        Diploma(application=own, version=2, verification_code="ABC123", stored_name="d1.pdf"),
    ]
    db.session.add(award)
    own.edition.feedback_published = True
    db.session.commit()
    return own, user, award


def test_office_sees_its_results(client, login_as, awarded):
    application, user, award = awarded
    login_as(user)
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Wyróżnienie" in html and "Za wzorową kartę usług" in html
    valid, revoked = award.diplomas[1], award.diplomas[0]
    assert f"/diplomas/{valid.id}" in html and f"/diplomas/{revoked.id}" not in html
    assert "62.5 %" in html and "77.5 %" in html
    response = client.get(f"/diplomas/{valid.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 dyplom"
    assert client.get(f"/diplomas/{revoked.id}").status_code == 404


def test_feedback_hidden_until_published(client, login_as, awarded, db):
    application, user, _award = awarded
    application.edition.feedback_published = False
    db.session.commit()
    login_as(user)
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Za wzorową kartę usług" in html
    assert "62.5 %" not in html


def test_results_hidden_before_publication(client, login_as, awarded, db):
    application, user, award = awarded
    application.edition.status = EditionStatus.chapter
    db.session.commit()
    login_as(user)
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Za wzorową kartę usług" not in html
    assert client.get(f"/diplomas/{award.diplomas[1].id}").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("organizer", 200), ("assigned_juror", 403), ("other_office", 403), ("anonymous", 302)],
)
def test_diploma_permissions(client, make, login_as, awarded, db, who, status):
    application, _user, award = awarded
    if who == "organizer":
        login_as("organizer")
    elif who == "assigned_juror":
        login_as(application.assignments[0].juror)
    elif who == "other_office":
        login_as("office")
    assert client.get(f"/diplomas/{award.diplomas[1].id}").status_code == status


def test_missing_diploma_is_404(client, login_as):
    login_as("organizer")
    assert client.get("/diplomas/999").status_code == 404
