"""The offices' feedback reports: what the PDF says (Polish letters, the
jurors' remarks without their names, the consensus text where a review was
finalised, band or exact results equal to the ranking's), the job that makes
one per entry, publishing, and who may download."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.editions.models import EditionStatus, FeedbackResultMode
from app.errors import LaurelError
from app.jobs_models import JobRun, JobStatus
from app.jury.consensus.models import (
    Consensus,
    ConsensusScore,
    ConsensusStatus,
    ConsensusVersion,
)
from app.jury.models import Score, SheetStatus
from app.jury.visits.models import ChecklistItemKind, VisitChannel
from app.offices.models import ApplicationStatus
from app.results import feedback_batch, snapshot
from app.results import feedback_report as reports
from app.results.office_view import office_result, snapshot_result
from app.timeutil import utcnow
from tests.conftest import csrf_token_from
from tests.diplomas.conftest import pdf_text

STRENGTH = "Zażółć gęślą jaźń: świetna obsługa klientów"
IMPROVEMENT = "Źle oznakowane wejście, brak pętli indukcyjnej"
AGREED = "Wspólna ocena: ŻÓŁTA karta usług łączy wszystkie wydziały"
JUROR_NAMES = ("Grzegorz Brzęczyszczykiewicz", "Łucja Ślęzak", "Żaneta Ćwiklińska")


@pytest.fixture(autouse=True)
def own_upload_dir(app, tmp_path):
    """Each test its own upload folder (the app's is shared by the session)."""
    before = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield
    app.config["UPLOAD_DIR"] = before


@pytest.fixture
def world(make, db):
    """Three entries of one category scored in both stages by three named
    jurors, one remark per juror on the first entry, a mystery-shopper visit,
    the ranking snapshot taken; the edition in the chapter."""
    edition = make.edition(status=EditionStatus.chapter, areas=0, name="Przyjazny Urząd 2025")
    edition.categories[0].name = "Gminy wiejskie"
    area = make.area(edition=edition, name="Obsługa klienta")
    c1 = make.criterion(area=area, stage=1, max_score=10, name="Standardy obsługi")
    c2 = make.criterion(area=area, stage=2, max_score=10, name="Wizyta w urzędzie")
    jurors = [make.juror(edition=edition, full_name=name) for name in JUROR_NAMES]
    table = {
        "Urząd Gminy Żółkiewka": ([8, 7, 6], [9, 8, 4]),
        "Urząd Gminy Łęczna": ([6, 9, 2], [7, 9, 2]),
        "Urząd Gminy Świdnik": ([5, 5, 1], [6, 6, 3]),
    }
    entries = {}
    for name, (first, second) in table.items():
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        for juror, v1, v2 in zip(jurors, first, second, strict=True):
            make.sheet(application=entry, juror=juror, stage=1, values={c1: v1})
            make.sheet(
                application=entry, juror=juror, stage=2, status=SheetStatus.locked, values={c2: v2}
            )
        entries[name] = entry
    own = entries["Urząd Gminy Żółkiewka"]
    scores = db.session.scalars(
        sa.select(Score).where(Score.criterion_id == c1.id).order_by(Score.id)
    ).all()
    scores[0].strengths = STRENGTH
    scores[1].improvements = IMPROVEMENT
    item = make.checklist_item(edition=edition, prompt="Czy pracownik się przedstawił?")
    make.checklist_item(edition=edition, kind=ChecklistItemKind.minutes, prompt="Czas oczekiwania")
    make.visit(
        application=own,
        visitor=jurors[2],
        channel=VisitChannel.in_person,
        answers={item: True},
        notes="Poczekalnia czysta, kolejka krótka.",
    )
    snapshot.take(edition, actor=make.organizer())
    db.session.commit()
    return edition, entries, (c1, c2), jurors


def test_report_text(world, app):
    edition, entries, _c, _jurors = world
    own = entries["Urząd Gminy Żółkiewka"]
    with app.test_request_context():
        text = pdf_text(reports.render_report(own))
    flat = " ".join(text.split())
    assert "Urząd Gminy Żółkiewka" in flat
    assert "Gminy wiejskie" in flat
    assert STRENGTH in flat
    assert IMPROVEMENT in flat
    assert "Juror A" in flat and "Juror B" in flat
    for name in JUROR_NAMES:
        assert name not in flat
        assert name.split()[1] not in flat
    # The mystery shopper: the checklist answered, the notes, never the visitor.
    assert "Czy pracownik się przedstawił?" in flat
    assert "Poczekalnia czysta, kolejka krótka." in flat


def test_juror_letters_are_stable_and_anonymous(world, app):
    _edition, entries, _c, jurors = world
    own = entries["Urząd Gminy Żółkiewka"]
    with app.test_request_context():
        report = reports.build_report(own)
    [section] = [s for s in report.areas if s.stage == 1]
    authors = [m.author for m in section.remarks]
    assert len(authors) == 2 and authors[0] != authors[1]
    assert all(a for a in authors)
    assert not any(j.full_name in a for j in jurors for a in authors)
    assert not section.consensus


def test_band_and_exact_equal_the_ranking(world, app, db):
    edition, entries, _c, _jurors = world
    own = entries["Urząd Gminy Łęczna"]
    result = snapshot_result(own)
    assert result is not None and result.final is not None
    with app.test_request_context():
        banded = reports.build_report(own)
        edition.feedback_result_mode = FeedbackResultMode.exact
        exact = reports.build_report(own)
    lo, hi = reports.band_of(result.final, 15)
    assert banded.final.lo == lo and banded.final.hi == hi and hi - lo == 15
    assert lo <= result.final < hi
    assert banded.final.text == f"{lo:g}–{hi:g} %"
    assert exact.final.value == result.final
    assert exact.final.text == f"{round(result.final, 1):.1f} %".replace(".", ",")
    # The category's numbers are the ranking's own.
    assert banded.result == result
    assert exact.result.category_mean == result.category_mean
    assert exact.result.category_best == result.category_best
    # ... and what the office's own page shows once results and feedback are out.
    edition.status = EditionStatus.results_published
    edition.feedback_published = True
    assert office_result(own) == result


def test_band_edges():
    assert reports.band_of(0, 15) == (0, 15)
    assert reports.band_of(57.3, 15) == (45, 60)
    assert reports.band_of(60, 15) == (60, 75)
    assert reports.band_of(100, 15) == (85, 100)
    assert reports.band_of(97, 10) == (90, 100)


def test_consensus_text_replaces_the_jurors_own(world, app, db):
    edition, entries, (c1, _c2), jurors = world
    own = entries["Urząd Gminy Żółkiewka"]
    edition.consensus_stage1 = True
    review = Consensus(
        application_id=own.id,
        stage=1,
        lead_id=jurors[0].id,
        status=ConsensusStatus.final,
        finalised_at=utcnow(),
    )
    db.session.add(review)
    db.session.flush()
    version = ConsensusVersion(consensus_id=review.id, stage=1, number=1, author_id=jurors[0].id)
    db.session.add(version)
    db.session.flush()
    db.session.add(
        ConsensusScore(
            version_id=version.id,
            criterion_id=c1.id,
            stage=1,
            max_score=c1.max_score,
            step=c1.step,
            value=7,
            strengths=AGREED,
        )
    )
    db.session.commit()
    with app.test_request_context():
        report = reports.build_report(own)
        text = " ".join(pdf_text(reports.render_report(own)).split())
    [section] = [s for s in report.areas if s.stage == 1]
    assert section.consensus
    assert [(m.author, m.strengths) for m in section.remarks] == [("", AGREED)]
    assert AGREED in text and STRENGTH not in text


def test_job_makes_one_pdf_per_entry_and_replaces(world, app, db, make):
    edition, entries, _c, _jurors = world
    make.application(edition=edition, status=ApplicationStatus.draft)  # no report for a draft
    organizer = make.organizer()
    with app.test_request_context():
        run = feedback_batch.start_generation(edition, actor=organizer)
        db.session.commit()
        feedback_batch.queue(run)
    run = db.session.get(JobRun, run.id)
    assert run.status is JobStatus.done and run.done == run.total == 3
    files = sorted(p.name for p in reports.reports_dir().iterdir())
    assert files == sorted(f"{a.id}.pdf" for a in entries.values())
    first = {a.id: reports.report_path(a).read_bytes() for a in entries.values()}
    assert all(pdf.startswith(b"%PDF") for pdf in first.values())
    edition.feedback_result_mode = FeedbackResultMode.exact
    with app.test_request_context():
        run = feedback_batch.start_generation(edition, actor=organizer)
        db.session.commit()
        feedback_batch.queue(run)
    assert len(list(reports.reports_dir().iterdir())) == 3
    assert all(reports.report_path(a).read_bytes() != first[a.id] for a in entries.values())
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.edition_id == edition.id)
    ).all()
    assert actions.count("feedback_reports.generate") == 2


def test_generation_refused_before_the_chapter(make, db):
    edition = make.edition(status=EditionStatus.stage2)
    with pytest.raises(LaurelError):
        feedback_batch.start_generation(edition, actor=make.organizer())


def _made(world, app, db):
    edition, entries, _c, _jurors = world
    with app.test_request_context():
        feedback_batch.make_reports(edition, processes=1)
    return edition, entries


def test_download_permissions(world, app, db, make, client, auth):
    edition, entries = _made(world, app, db)
    own = entries["Urząd Gminy Żółkiewka"]
    other = entries["Urząd Gminy Łęczna"]
    member = make.office_user(office=own.office)
    stranger = make.office_user(office=other.office)
    organizer = make.organizer()
    juror = world[3][0]
    db.session.commit()
    url = f"/applications/{own.id}/feedback-report.pdf"

    assert client.get(url).status_code == 302  # anonymous: to the login page

    def status(user):
        auth.login(user)
        code = client.get(url).status_code
        auth.logout()
        return code

    # In the chapter: organizers only.
    assert status(organizer) == 200
    assert status(member) == 403
    # Results public but reports not published: still organizers only.
    edition.status = EditionStatus.results_published
    db.session.commit()
    assert status(member) == 403
    feedback_batch.publish_reports(edition, actor=organizer)
    db.session.commit()
    assert status(member) == 200
    assert status(stranger) == 403
    assert status(juror) == 403
    auth.login(member)
    response = client.get(url)
    assert response.mimetype == "application/pdf"
    assert "Urząd Gminy Żółkiewka" in " ".join(pdf_text(response.data).split())
    page = client.get(f"/applications/{own.id}").get_data(as_text=True)
    assert "feedback-report.pdf" in page
    auth.logout()
    feedback_batch.unpublish_reports(edition, actor=organizer)
    db.session.commit()
    assert status(member) == 403


def test_publish_needs_public_results(world, make, db):
    edition = world[0]
    organizer = make.organizer()
    with pytest.raises(LaurelError):
        feedback_batch.publish_reports(edition, actor=organizer)
    assert edition.feedback_reports_published_at is None
    edition.status = EditionStatus.results_published
    feedback_batch.publish_reports(edition, actor=organizer)
    assert edition.feedback_reports_published_at is not None
    with pytest.raises(LaurelError):
        feedback_batch.publish_reports(edition, actor=organizer)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.edition_id == edition.id)
    ).all()
    assert "feedback_reports.publish" in actions


def test_organizer_page_flow(world, app, db, make, login_as, client):
    edition = world[0]
    login_as("organizer")
    base = f"/organizer/editions/{edition.id}/feedback-reports"
    page = client.get(base)
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(
        base + "/settings", data={"csrf_token": token, "mode": "exact", "band_width": "10"}
    )
    assert response.status_code == 302
    db.session.refresh(edition)
    assert edition.feedback_result_mode is FeedbackResultMode.exact
    assert edition.feedback_band_width == 10
    bad = client.post(
        base + "/settings", data={"csrf_token": token, "mode": "band", "band_width": "99"}
    )
    assert bad.status_code == 302
    db.session.refresh(edition)
    assert edition.feedback_band_width == 10
    client.post(base + "/generate", data={"csrf_token": token})
    page = client.get(base).get_data(as_text=True)
    assert "3 z 3" in page or "3 of 3" in page
    assert db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 1


def test_organizer_page_refused(make, db, client, login_as):
    edition = make.edition(status=EditionStatus.stage2)
    login_as("organizer")
    assert client.get(f"/organizer/editions/{edition.id}/feedback-reports").status_code == 403
    client.get("/account/logout")
    login_as("juror")
    assert client.get(f"/organizer/editions/{edition.id}/feedback-reports").status_code in (
        302,
        403,
    )


def test_reports_render_in_the_process_pool(world, app, db):
    """With two processes (the job's default on two cores) every report is made too."""
    edition, entries, _c, _jurors = world
    with app.test_request_context():
        made = feedback_batch.make_reports(edition, processes=2)
    assert made == 3
    for application in entries.values():
        text = " ".join(pdf_text(reports.report_path(application).read_bytes()).split())
        assert application.office.name in text


def test_refused_while_a_blinded_chapter_hides_the_names(world, make, db):
    edition = world[0]
    organizer = make.organizer()
    assert edition.can_manage_feedback_reports(organizer)
    edition.blind_chapter = True
    assert not edition.can_manage_feedback_reports(organizer)
    with pytest.raises(LaurelError):
        feedback_batch.start_generation(edition, actor=organizer)
