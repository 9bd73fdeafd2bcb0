"""Deadline reminders: offices with drafts and jurors with open sheets, each
once, in their own language."""

from __future__ import annotations

import datetime as dt

import pytest

from app.editions.models import EditionStatus
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.reminders import send_deadline_reminders
from app.timeutil import WARSAW

pytestmark = pytest.mark.usefixtures("request_ctx")

TODAY = dt.date(2027, 3, 10)


def close_at(days_ahead: int) -> dt.datetime:
    """18:00 Warsaw time, `days_ahead` days after TODAY, as stored (naive UTC)."""
    local = dt.datetime.combine(TODAY + dt.timedelta(days=days_ahead), dt.time(18), WARSAW)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def test_offices_with_drafts_are_reminded_7_and_1_days_before(make, db, outbox):
    edition = make.edition(
        status=EditionStatus.applications_open, applications_close_at=close_at(7)
    )
    office = make.office(name="Urząd Gminy Zielonka")
    english = make.office_user(office=office, email="en@zielonka.pl", locale="en")
    make.office_user(office=office, email="pl@zielonka.pl")
    make.application(edition=edition, office=office, status=ApplicationStatus.draft)
    done = make.office(name="Urząd Gotowy")
    make.office_user(office=done, email="gotowy@urzad.pl")
    make.application(edition=edition, office=done, status=ApplicationStatus.submitted)
    db.session.commit()

    assert send_deadline_reminders(TODAY) == {"offices": 2, "jurors": 0}
    db.session.commit()
    by_to = {m.to: m for m in outbox}
    assert set(by_to) == {"en@zielonka.pl", "pl@zielonka.pl"}
    assert "still a draft" in by_to[english.email].body
    assert "wciąż wersją roboczą" in by_to["pl@zielonka.pl"].body
    # Running again the same day sends nothing more; 6 days before, nothing.
    assert send_deadline_reminders(TODAY) == {"offices": 0, "jurors": 0}
    assert send_deadline_reminders(TODAY + dt.timedelta(days=1)) == {"offices": 0, "jurors": 0}
    # The day before, once more.
    assert send_deadline_reminders(TODAY + dt.timedelta(days=6))["offices"] == 2


def test_a_reopened_draft_is_reminded_before_its_own_deadline(make, db, outbox):
    """Issue 16, item 10: after a reopen the office's own deadline counts."""
    edition = make.edition(status=EditionStatus.stage1, applications_close_at=close_at(-20))
    office = make.office(name="Urząd Gminy Zielonka")
    make.office_user(office=office, email="pl@zielonka.pl")
    application = make.application(edition=edition, office=office, status=ApplicationStatus.draft)
    application.reopen_deadline = close_at(1)
    other = make.office(name="Urząd Bez Terminu")
    make.office_user(office=other, email="bez@urzad.pl")
    make.application(edition=edition, office=other, status=ApplicationStatus.draft)
    db.session.commit()

    assert send_deadline_reminders(TODAY)["offices"] == 1
    db.session.commit()
    [mail] = outbox
    assert mail.to == "pl@zielonka.pl" and "11 marca 2027, 18:00" in mail.body


def test_jurors_with_open_sheets_are_reminded_before_they_are_due(make, db, outbox):
    edition = make.edition(status=EditionStatus.stage1, stage1_end=TODAY + dt.timedelta(days=1))
    juror = make.juror(edition=edition, email="jurorka@example.org")
    finished = make.juror(edition=edition, email="gotowy@example.org")
    for _ in range(2):
        entry = make.application(edition=edition, status=ApplicationStatus.submitted)
        make.assignment(application=entry, juror=juror)
        make.sheet(application=entry, juror=finished, status=SheetStatus.submitted)
    # One of the juror's sheets has its own, later due date.
    other = make.application(edition=edition, status=ApplicationStatus.submitted)
    later = make.assignment(application=other, juror=juror)
    later.due_date = TODAY + dt.timedelta(days=30)
    db.session.commit()

    assert send_deadline_reminders(TODAY) == {"offices": 0, "jurors": 1}
    db.session.commit()
    [mail] = outbox
    assert mail.to == "jurorka@example.org" and "2 Twoje karty" in mail.body
    assert send_deadline_reminders(TODAY)["jurors"] == 0


def test_closed_stages_and_other_phases_send_nothing(make, db, outbox):
    edition = make.edition(status=EditionStatus.stage2, stage1_end=TODAY + dt.timedelta(days=1))
    entry = make.application(edition=edition, status=ApplicationStatus.qualified)
    make.assignment(application=entry, juror=make.juror(edition=edition))  # a stage-1 one
    make.edition(status=EditionStatus.stage1, applications_close_at=close_at(7))
    db.session.commit()
    assert send_deadline_reminders(TODAY) == {"offices": 0, "jurors": 0}


def test_the_command(app, make, db, outbox):
    make.edition(status=EditionStatus.applications_open, applications_close_at=close_at(7))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["remind-deadlines"])
    assert result.exit_code == 0 and "Reminders sent: offices=0 jurors=0" in result.output
