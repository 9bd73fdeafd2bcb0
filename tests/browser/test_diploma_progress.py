"""The batch's progress bar in a real browser, under the strict CSP: the
static script polls the job's status, moves the bar, and reloads the page
when the job ends."""

from __future__ import annotations

from playwright.sync_api import expect

from app.editions.models import EditionStatus
from app.jobs_models import JobRun, JobStatus
from tests.factories import PASSWORD

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_progress_bar_follows_the_job(live_server, page, db, make):
    organizer = make.organizer(email="org@example.org")
    edition = make.edition(status=EditionStatus.chapter)
    run = JobRun(
        kind="diplomas",
        edition_id=edition.id,
        status=JobStatus.running,
        done=3,
        total=10,
        details={},
    )
    db.session.add(run)
    db.session.commit()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()

    page.goto(f"{live_server.url}/organizer/editions/{edition.id}/diplomas")
    bar = page.get_by_role("progressbar", name="Wszystkie dyplomy")
    expect(bar).to_have_attribute("value", "3")
    run.done = 7
    db.session.commit()
    expect(bar).to_have_attribute("value", "7", timeout=10_000)
    expect(page.locator("[data-job-done]")).to_have_text("7")
    run.status, run.done = JobStatus.done, 10
    db.session.commit()
    # The job ended: the page reloads and shows it finished.
    expect(page.locator("[data-job-label]")).to_have_text("Zakończone", timeout=10_000)
    expect(page.locator("[data-job-active]")).to_have_attribute("data-job-active", "false")
    assert page.evaluate("window.__cspViolations") == []
