"""A demo user signs in and out, in Polish, then switches the site to English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD, ORGANIZER, seed_demo


def test_demo_organizer_logs_in_and_out_in_polish(live_server, page, db):
    seed_demo()
    db.session.commit()

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_role("link", name="Zaloguj się", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zaloguj się")

    # A wrong password first: the message is in Polish and nothing else happens.
    page.get_by_label("E-mail").fill(ORGANIZER[0])
    page.get_by_label("Hasło").fill("niepoprawne-haslo")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text("Nieprawidłowy e-mail lub hasło.")).to_be_visible()

    page.get_by_label("Hasło").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text(f"Zalogowano jako {ORGANIZER[1]}.")).to_be_visible()
    expect(page.get_by_text("Organizator", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Wyloguj się").click()
    expect(page.get_by_text("Wylogowano.")).to_be_visible()
    expect(page.get_by_role("link", name="Zaloguj się", exact=True)).to_be_visible()


def test_language_switch_to_english_and_back(live_server, page):
    page.goto(live_server.url + "/account/login")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert re.search(r"/account/login$", page.url)
    page.get_by_role("link", name="Polski").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zaloguj się")


def test_skip_link_is_the_first_thing_the_keyboard_reaches(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Przejdź do treści głównej"
