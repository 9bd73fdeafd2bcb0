"""Issue 18, items 5 and 8 in the browser: the audit log reads as words, and
the assignments page asks for a juror on purpose and fits a 320 px screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.audit import services as audit
from app.audit.labels import ACTIONS
from app.editions.models import EditionStatus
from app.jury.models import Assignment
from app.offices.models import ApplicationStatus
from tests.factories import PASSWORD

# Elements wider than their table's wrapper make it scroll sideways.
OVERFLOWING_TABLES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => w.getAttribute('aria-label'))"""


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_the_audit_log_speaks_words_not_codes(live_server, page, db, make):
    organizer = make.organizer(email="ewa@example.org", full_name="Ewa Organizator")
    edition = make.edition(name="Przyjazny Urząd 2027", status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition, full_name="Jan Juror")
    assignment = make.assignment(application=application, juror=juror)
    db.session.flush()
    audit.record("login.failed", after={"email": "kto@example.org"})
    audit.record(
        "application.draft_saved",
        actor=organizer,
        obj=application,
        edition_id=edition.id,
        after={"questions": [1, 2], "version": 3},
    )
    audit.record(
        "assignment.created",
        actor=organizer,
        obj=assignment,
        edition_id=edition.id,
        after={"application_id": application.id, "juror_id": juror.id, "stage": 1},
    )
    db.session.commit()
    _sign_in(page, live_server, organizer.email)
    page.goto(live_server.url + "/organizer/audit/")
    table = page.get_by_role("table")
    text = table.inner_text()
    assert not [code for code in ACTIONS if "." in code and code in text], text
    assert not re.search(r"\b(User|Application|Użytkownik|Zgłoszenie) \d+", text), text
    assert "{" not in text
    expect(table.get_by_text("Zapisano wersję roboczą zgłoszenia")).to_be_visible()
    expect(table.get_by_text("Nieudana próba logowania")).to_be_visible()
    expect(table.get_by_text("Juror: Jan Juror")).to_be_visible()
    # The object's name is a link to it.
    name = f"{application.office.name} — Przyjazny Urząd 2027"
    table.get_by_role("link", name=name).first.click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.id}$"))
    # The filter offers actions by their names.
    page.go_back()
    page.get_by_label("Czynność").select_option(label="Nieudana próba logowania")
    page.get_by_role("button", name="Filtruj").click()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nieudana próba logowania")


def test_assignments_page_asks_for_a_juror_and_fits_a_narrow_screen(live_server, page, db, make):
    organizer = make.organizer(email="ewa@example.org")
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    make.juror(edition=edition, full_name="Jan Juror")
    db.session.commit()
    _sign_in(page, live_server, organizer.email)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + f"/organizer/editions/{edition.id}/assignments")
    select = page.locator(f"#juror-{application.id}")
    expect(select).to_have_value("")
    expect(select.locator("option:checked")).to_have_text("— wybierz —")
    expect(page.get_by_text("Nie przydzielono jeszcze żadnego jurora.")).to_be_visible()
    # Assign without choosing: the browser asks for a choice, nothing is sent.
    page.get_by_role("button", name=f"Przydziel: {application.office.name}").click()
    assert select.evaluate("e => e.validity.valueMissing")
    assert db.session.query(Assignment).count() == 0
    # At 320 px the tables stack instead of scrolling sideways.
    assert page.evaluate(OVERFLOWING_TABLES) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    label = page.locator("td[data-label='Przydzieleni jurorzy']").first
    assert "Przydzieleni jurorzy" in page.evaluate(
        "e => getComputedStyle(e, '::before').content", label.element_handle()
    )
    # Choosing a juror assigns them.
    select.select_option(label="Jan Juror")
    page.get_by_role("button", name=f"Przydziel: {application.office.name}").click()
    expect(page.locator(".flash-success")).to_contain_text("Jan Juror")
    db.session.expire_all()
    assert db.session.query(Assignment).count() == 1
    # "Remove" is a link-styled button: link-coloured, not white on white.
    remove = page.get_by_role("button", name=f"Usuń: Jan Juror, {application.office.name}")
    assert remove.evaluate("e => getComputedStyle(e).color") == "rgb(10, 79, 163)"


def test_the_edition_dashboard_fits_a_narrow_screen(live_server, page, db, make):
    """Issue 18, item 8: the dashboard's tables (1,124 px wide before) stack at 320 px."""
    organizer = make.organizer(email="ewa@example.org")
    edition = make.edition(status=EditionStatus.stage1, categories=3)
    for _ in range(3):
        make.application(edition=edition, status=ApplicationStatus.submitted)
    db.session.commit()
    _sign_in(page, live_server, organizer.email)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + f"/organizer/editions/{edition.id}/")
    assert page.evaluate(OVERFLOWING_TABLES) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
