"""A juror's work: the conflict declaration first, then an entry read beside its
score sheet (a PDF viewed in the browser), a refused submission that loses
nothing, and a submitted sheet."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.editions.models import CommentRule, EditionStatus
from app.jury.models import ScoreSheet, SheetStatus
from app.offices.models import ApplicationStatus
from tests.factories import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _sign_in(page, url, email):
    page.goto(url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()


def test_juror_declares_reads_and_scores(live_server, page, db, make):
    edition = make.edition(status=EditionStatus.stage1, areas=0, name="Przyjazny Urząd 2026")
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    make.criterion(area=area, stage=1, name="Karta usług", max_score=10, position=1)
    make.criterion(
        area=area,
        stage=1,
        name="Czas oczekiwania",
        max_score=20,
        step=0.5,
        comment_rule=CommentRule.always,
        position=2,
    )
    office = make.office(name="Urząd Gminy Zielonka")
    application = make.application(
        edition=edition, office=office, status=ApplicationStatus.submitted
    )
    make.document(application=application, content=PDF)
    juror = make.juror(edition=edition, email="jurorka@example.org", full_name="Ewa Jurorka")
    assignment = make.assignment(application=application, juror=juror)
    db.session.commit()

    _sign_in(page, live_server.url, "jurorka@example.org")
    # Before the declaration, the entries page sends the juror to it.
    page.goto(live_server.url + f"/jury/editions/{edition.id}/entries")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konflikt")
    page.get_by_role("button", name="Nie mam innych konfliktów interesów").click()
    # "What to do next" and the edition's row both lead to the entries.
    page.get_by_role("link", name="Moje zgłoszenia").first.click()
    expect(page.get_by_role("cell", name="Urząd Gminy Zielonka Miasto")).to_be_visible()
    page.get_by_role("link", name="Oceń: Urząd Gminy Zielonka").click()
    expect(page.get_by_role("heading", name="Karta ocen")).to_be_visible()

    # The evidence opens in the browser, not as a download.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Zobacz w przeglądarce: karta-uslug.pdf").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert viewer.url.endswith(f"/documents/{application.documents[0].id}/view")
    response = viewer.request.get(viewer.url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert "sandbox" in response.headers["content-security-policy"]
    viewer.close()

    # A required comment is missing: the sheet is kept as a draft, nothing typed is lost.
    page.get_by_label("Ocena").first.fill("6")
    page.get_by_label("Ocena").nth(1).fill("12,5")
    page.get_by_label("Kwestia 1").fill("Deklarowany czas oczekiwania: 15 minut")
    page.get_by_role("button", name="Wyślij kartę").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Czas oczekiwania: mocne strony")
    expect(page.get_by_label("Ocena").nth(1)).to_have_value("12,5")
    expect(page.get_by_label("Kwestia 1")).to_have_value("Deklarowany czas oczekiwania: 15 minut")
    summary.get_by_role("link").first.click()
    page.keyboard.type("Krótkie kolejki dzięki systemowi biletowemu")
    page.get_by_role("button", name="Wyślij kartę").click()
    expect(page.get_by_text("Karta ocen została wysłana.")).to_be_visible()
    expect(page.get_by_role("cell", name="Złożony")).to_be_visible()

    db.session.expire_all()
    sheet = db.session.scalars(sa.select(ScoreSheet)).one()
    assert sheet.assignment_id == assignment.id and sheet.status is SheetStatus.submitted
    assert sorted(s.value for s in sheet.scores) == [6.0, 12.5]


def test_stage2_juror_records_a_visit_on_a_phone_and_scores(live_server, page, db, make):
    """At 320 px: a stage-2 juror starts a visit from "My visits", answers the
    channel's checklist and submits it, then scores the entry's stage-2 sheet,
    marking the stage-1 site-visit issue as confirmed."""
    from app.jury.models import IssueCheck, SiteVisitIssue
    from app.jury.visits.models import ChecklistItemKind, MysteryVisit, VisitChannel, VisitStatus

    edition = make.edition(status=EditionStatus.stage2, areas=0, name="Przyjazny Urząd 2026")
    area = make.area(edition=edition, name="Standardy obsługi klienta")
    make.criterion(area=area, stage=1, name="Karta usług")
    courtesy = make.criterion(
        area=area, stage=2, name="Obsługa na miejscu", comment_rule=CommentRule.never
    )
    make.checklist_item(
        edition=edition, channel=VisitChannel.in_person, prompt="Czy oznakowanie jest czytelne?"
    )
    make.checklist_item(
        edition=edition,
        channel=VisitChannel.in_person,
        kind=ChecklistItemKind.minutes,
        prompt="Czas oczekiwania (minuty)",
        criterion=courtesy,
    )
    office = make.office(name="Urząd Gminy Zielonka")
    entry = make.application(edition=edition, office=office, status=ApplicationStatus.qualified)
    stage1 = make.sheet(application=entry, juror=make.juror(edition=edition), fill=5)
    issue = make.site_visit_issue(sheet=stage1, text="Deklarowany czas oczekiwania: 15 minut")
    juror = make.juror(edition=edition, email="wizytator@example.org")
    juror.jury_memberships[0].conflicts_confirmed_at = stage1.submitted_at
    assignment = make.assignment(application=entry, juror=juror, stage=2)
    db.session.commit()

    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in(page, live_server.url, "wizytator@example.org")
    page.goto(live_server.url + f"/jury/editions/{edition.id}/visits")
    page.get_by_label("Kanał kontaktu").select_option("in_person")
    page.get_by_role("button", name="Rozpocznij wizytę: Urząd Gminy Zielonka").click()
    page.get_by_label("Data i godzina wizyty").fill("2026-05-04T10:30")
    page.get_by_role("group", name="Czy oznakowanie jest czytelne?").get_by_label("Tak").check()
    page.get_by_label("Czas oczekiwania (minuty)").fill("12")
    page.get_by_label("Uwagi").fill("Punkt obsługi przy wejściu, kolejka krótka.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Wyślij").click()
    expect(page.locator(".flash-success")).to_be_visible()

    # The stage-2 sheet shows the visit and the stage-1 issue to confirm.
    page.goto(live_server.url + f"/jury/editions/{edition.id}/entries?stage=2")
    page.get_by_role("link", name="Oceń: Urząd Gminy Zielonka").click()
    expect(page.locator(".evidence")).to_contain_text("12 min")
    page.get_by_role("group", name="Deklarowany czas oczekiwania: 15 minut").get_by_label(
        "Potwierdzona", exact=True
    ).check()
    page.get_by_label("Ocena").fill("8")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Wyślij kartę").click()
    expect(page.get_by_text("Karta ocen została wysłana.")).to_be_visible()

    db.session.expire_all()
    visit = db.session.scalars(sa.select(MysteryVisit)).one()
    assert visit.status is VisitStatus.submitted and visit.visitor_id == juror.id
    assert db.session.get(SiteVisitIssue, issue.id).check is IssueCheck.confirmed
    sheet = db.session.scalars(
        sa.select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id)
    ).one()
    assert sheet.status is SheetStatus.submitted and sheet.scores[0].value == 8.0
