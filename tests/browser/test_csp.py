"""Under the strict Content-Security-Policy the pages still work in a real
browser: nothing is blocked, and the confirmation before a delete (now a
static script, no inline handler) still asks and still stops the form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.editions.models import Category, EditionStatus
from tests.factories import PASSWORD

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_pages_run_under_the_policy_and_deletes_still_ask(live_server, page, db, make):
    organizer = make.organizer(email="org@example.org")
    edition = make.edition(status=EditionStatus.draft, categories=2)
    db.session.commit()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.get_by_text("Zalogowano jako", exact=False)).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []

    page.goto(f"{live_server.url}/organizer/editions/{edition.id}/categories")
    delete = page.get_by_role("button", name=re.compile("^Usuń: Kategoria 1"))
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    delete.click()
    expect(delete).to_be_visible()
    assert questions and "Kategoria 1" in questions[0]
    db.session.expire_all()
    assert db.session.query(Category).filter_by(edition_id=edition.id).count() == 2

    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    expect(page.get_by_text("Usunięto kategorię", exact=False)).to_be_visible()
    db.session.expire_all()
    assert db.session.query(Category).filter_by(edition_id=edition.id).count() == 1

    for path in ("/", "/account/", f"/organizer/editions/{edition.id}/criteria"):
        page.goto(live_server.url + path)
        assert page.evaluate("window.__cspViolations") == [], path
    assert not [line for line in console if "Content Security Policy" in line]
