"""The visit form on a 320 px phone screen, with JavaScript switched off:
one column, no sideways scrolling, touch targets of at least 44 px, and a
draft that saves through plain HTML."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db as _db
from app.jury.visits.models import MysteryVisit, VisitStatus
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 320, "height": 640}


def _signed_in(browser, browser_context_args, live_server, user, **options):
    context = browser.new_context(**browser_context_args, viewport=PHONE, **options)
    page = context.new_page()
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(lambda url: "/account/login" not in url)
    return page


def test_visit_form_fits_a_phone(browser, browser_context_args, live_server, world, make):
    visit = make.visit(application=world.application, visitor=world.juror, status=VisitStatus.draft)
    _db.session.commit()
    page = _signed_in(browser, browser_context_args, live_server, world.juror)
    page.goto(f"{live_server.url}/jury/visits/{visit.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    targets = ".field-check, main .actions button, main .actions input[type=submit], main select"
    for box in [e.bounding_box() for e in page.locator(targets).all()]:
        assert box and box["height"] >= 43.9, box
    page.context.close()


def test_visit_draft_saves_without_javascript(
    browser, browser_context_args, live_server, world, make
):
    visit = make.visit(application=world.application, visitor=world.juror, status=VisitStatus.draft)
    _db.session.commit()
    page = _signed_in(
        browser, browser_context_args, live_server, world.juror, java_script_enabled=False
    )
    page.goto(f"{live_server.url}/jury/visits/{visit.id}")
    page.get_by_label("Data i godzina wizyty").fill("2026-01-10T10:30")
    page.get_by_role("group", name=world.items.yes_no.prompt).get_by_label("Tak").check()
    page.get_by_label("Uwagi").fill("Wszystko sprawnie")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.wait_for_load_state()
    assert "Wersja robocza została zapisana." in page.content()
    page.context.close()
    _db.session.expire_all()
    saved = _db.session.get(MysteryVisit, visit.id)
    assert saved.notes == "Wszystko sprawnie" and saved.visited_at is not None
