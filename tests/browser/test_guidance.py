"""Every user knows what to do next (issue 18): an office finds registration
from the home page in one click; a juror's and an organizer's empty pages
name the next step; a form's error summary takes focus and its links move
focus to the fields."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from app.editions.models import EditionStatus, QuestionKind
from app.offices.models import ApplicationStatus
from tests.factories import PASSWORD


def _sign_in(page, url, email):
    page.goto(url + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_office_finds_registration_from_the_home_page_in_one_click(live_server, page, db, make):
    make.edition(name="Przyjazny Urząd 2027")
    db.session.commit()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Zarejestruj urząd").click()
    expect(page).to_have_url(re.compile(r"/office/register$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zarejestruj urząd")


def test_login_error_summary_takes_focus_and_links_move_focus(live_server, page, db):
    page.goto(live_server.url + "/account/login")
    page.get_by_role("button", name="Zaloguj się").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Wystąpił problem")
    # One box: the summary, no flash beside it; each field keeps its own message.
    expect(page.locator(".flash-error")).to_have_count(0)
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#password-error")).to_be_visible()
    summary.get_by_role("link", name=re.compile("^Hasło")).click()
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # the field before, as the keyboard would go
    expect(page.locator("#email")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^E-mail")).click()
    expect(page.locator("#email")).to_be_focused()

    # A wrong password: the message is in the same summary, which takes focus again.
    page.get_by_label("E-mail").fill("nikt@example.org")
    page.get_by_label("Hasło").fill("zle-haslo")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nieprawidłowy e-mail lub hasło.")
    expect(page.locator(".flash-error")).to_have_count(0)


def test_questionnaire_error_summary_says_save(live_server, page, db, make):
    edition = make.edition(areas=0)
    area = make.area(edition=edition, name="Standardy obsługi")
    make.criterion(area=area)
    make.question(
        area=area, kind=QuestionKind.number, prompt="Liczba stanowisk", min_value=0, max_value=200
    )
    user = make.office_user(email="urzad@example.org")
    application = make.application(edition=edition, office=user.office)
    db.session.commit()
    _sign_in(page, live_server.url, "urzad@example.org")
    page.goto(f"{live_server.url}/office/applications/{application.id}")
    page.get_by_label("Liczba stanowisk").fill("250")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("[data-error-summary], .flash-error")).to_have_count(1)
    expect(summary).to_contain_text("zapisz ponownie")
    assert "wyślij" not in summary.inner_text().lower()
    summary.get_by_role("link", name=re.compile("^Liczba stanowisk")).click()
    expect(page.get_by_label("Liczba stanowisk")).to_be_focused()


def test_juror_empty_state_names_the_next_step(live_server, page, db, make):
    edition = make.edition(name="Przyjazny Urząd 2027", stage1_start=dt.date(2027, 4, 12))
    offices = [make.office(name=f"Urząd Gminy {n}") for n in ("Alfa", "Beta", "Gamma")]
    for office in offices:
        make.application(edition=edition, office=office, status=ApplicationStatus.submitted)
    make.juror(edition=edition, email="jurorka@example.org")
    db.session.commit()
    _sign_in(page, live_server.url, "jurorka@example.org")
    page.goto(live_server.url + "/jury/editions")
    next_step = page.get_by_role("region", name="Co dalej")
    expect(next_step).to_contain_text("Najpierw zgłoś konflikty interesów")
    next_step.get_by_role("link", name=re.compile("Zgłoś konflikty interesów")).click()

    # The office is picked from the edition's applicants, not typed.
    options = page.locator("#office_id option").all_inner_texts()
    assert any(o.startswith("Urząd Gminy Beta (") for o in options)
    beta = next(o for o in options if o.startswith("Urząd Gminy Beta ("))
    page.get_by_label("Urząd", exact=True).select_option(label=beta)
    page.get_by_label("Powód konfliktu").fill("Pracowałam tam do 2024 roku.")
    page.get_by_role("button", name="Zgłoś konflikt").click()
    expect(page.get_by_role("cell", name=beta)).to_be_visible()
    page.get_by_role("button", name="Nie mam innych konfliktów interesów").click()

    # Before scoring starts: when it starts and how many entries to expect.
    next_step = page.get_by_role("region", name="Co dalej")
    expect(next_step).to_contain_text("Ocenianie (etap 1) zaczyna się 12 kwietnia 2027.")
    expect(next_step).to_contain_text("Możesz się spodziewać około 3 zgłoszeń do oceny.")
    page.goto(f"{live_server.url}/jury/editions/{edition.id}/entries")
    expect(page.get_by_role("region", name="Czego się spodziewać")).to_contain_text(
        "12 kwietnia 2027"
    )


def test_organizer_dashboard_names_the_next_step(live_server, page, db, make):
    edition = make.edition(name="Przyjazny Urząd 2027", status=EditionStatus.stage1)
    for _ in range(4):
        make.application(edition=edition, status=ApplicationStatus.submitted)
    make.juror(edition=edition)
    make.organizer(email="org@example.org")
    db.session.commit()
    _sign_in(page, live_server.url, "org@example.org")
    page.goto(f"{live_server.url}/organizer/editions/{edition.id}/")
    next_step = page.get_by_role("region", name="Co dalej")
    expect(next_step).to_contain_text("4 zgłoszenia do oceny w etapie 1, 0 przydziałów.")
    next_step.get_by_role("link", name="Następny krok: przydziel jurorów").click()
    expect(page).to_have_url(re.compile(rf"/organizer/editions/{edition.id}/assignments\?stage=1$"))
