"""Submission with its checklist and deadline; reopening by an organizer."""

from __future__ import annotations

import datetime as dt

import pytest

from app.audit.models import AuditEvent
from app.errors import LaurelError
from app.offices import services
from app.offices.models import Answer, ApplicationStatus
from app.timeutil import utcnow
from tests.offices.conftest import PDF


@pytest.fixture
def complete(draft, questionnaire, db):
    """A draft with every required answer and one document."""
    draft.answers.append(Answer(question=questionnaire.text, text_value="Karta klienta"))
    draft.answers.append(Answer(question=questionnaire.yes_no, bool_value=False))
    db.session.commit()
    return draft


def test_checklist_lists_what_is_missing(client, draft, office_user, login_as):
    login_as(office_user)
    html = client.get(f"/office/applications/{draft.id}/submit").get_data(as_text=True)
    assert "Opisz standardy" in html and "Czy macie ISO?" in html
    assert "Ilu pracowników?" not in html  # optional
    assert "dokument" in html
    response = client.post(f"/office/applications/{draft.id}/submit")
    assert response.status_code == 302
    assert draft.status is ApplicationStatus.draft


def test_submit_locks_the_application(client, complete, office_user, login_as, upload, db, outbox):
    login_as(office_user)
    upload(complete, PDF, "a.pdf")
    html = client.get(f"/office/applications/{complete.id}/submit").get_data(as_text=True)
    assert "Opisz standardy" not in html
    response = client.post(f"/office/applications/{complete.id}/submit")
    assert response.headers["Location"].endswith(f"/applications/{complete.id}")
    db.session.refresh(complete)
    assert complete.status is ApplicationStatus.submitted
    assert complete.submitted_at is not None
    assert "application.submitted" in [e.action for e in db.session.query(AuditEvent)]
    # A receipt, in Polish, with the time and the link.
    [receipt] = outbox
    assert receipt.to == office_user.email
    assert "otrzymaliśmy" in receipt.body.lower() and f"/applications/{complete.id}" in receipt.body
    # Read-only from now on.
    html = client.get(f"/applications/{complete.id}").get_data(as_text=True)
    assert "Karta klienta" in html and "a.pdf" in html
    assert f'/office/applications/{complete.id}"' not in html
    assert client.get(f"/office/applications/{complete.id}").status_code == 302
    assert client.post(f"/office/applications/{complete.id}/submit").status_code == 302


def test_cannot_submit_after_the_deadline(client, complete, office_user, login_as, upload, db):
    login_as(office_user)
    upload(complete, PDF, "a.pdf")
    complete.edition.applications_close_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    html = client.get(f"/office/applications/{complete.id}/submit").get_data(as_text=True)
    assert "Termin" in html
    client.post(f"/office/applications/{complete.id}/submit")
    db.session.refresh(complete)
    assert complete.status is ApplicationStatus.draft


def test_submit_uses_server_time(complete, office_user, db, request_ctx):
    from app.offices.models import Document

    complete.documents.append(
        Document(
            original_name="a.pdf",
            stored_name="x.pdf",
            content_type="application/pdf",
            size_bytes=1,
            sha256="0" * 64,
        )
    )
    close = complete.edition.applications_close_at
    with pytest.raises(LaurelError):
        services.submit_application(complete, actor=office_user, now=close)
    services.submit_application(complete, actor=office_user, now=close - dt.timedelta(seconds=1))
    assert complete.status is ApplicationStatus.submitted


@pytest.fixture
def submitted(make, questionnaire, office_user):
    return make.application(
        edition=questionnaire.edition, office=office_user.office, status=ApplicationStatus.submitted
    )


def test_organizer_reopens_with_a_reason(client, submitted, office_user, login_as, outbox, db):
    login_as("organizer")
    html = client.get(f"/applications/{submitted.id}").get_data(as_text=True)
    assert f"/organizer/applications/{submitted.id}/reopen" in html
    response = client.post(
        f"/organizer/applications/{submitted.id}/reopen", data={"reason": "Brak podpisu"}
    )
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is ApplicationStatus.draft
    assert submitted.reopen_reason == "Brak podpisu" and submitted.reopened_at
    assert [m.to for m in outbox] == [office_user.email]
    assert "Brak podpisu" in outbox[0].body
    event = db.session.query(AuditEvent).filter_by(action="application.reopened").one()
    assert event.before["status"] == "submitted" and event.after["status"] == "draft"


def test_reopen_needs_a_reason(client, submitted, login_as, db, outbox):
    login_as("organizer")
    client.post(f"/organizer/applications/{submitted.id}/reopen", data={"reason": "  "})
    db.session.refresh(submitted)
    assert submitted.status is ApplicationStatus.submitted
    assert outbox == []


def test_only_a_submitted_application_can_be_reopened(draft, make, request_ctx):
    with pytest.raises(LaurelError):
        services.reopen_application(draft, actor=make.organizer(), reason="x")


@pytest.mark.parametrize(("role", "status"), [("office", 403), ("juror", 403), (None, 302)])
def test_only_organizers_reopen(client, submitted, login_as, db, role, status):
    if role:
        login_as(role)
    response = client.post(f"/organizer/applications/{submitted.id}/reopen", data={"reason": "x"})
    assert response.status_code == status
    db.session.refresh(submitted)
    assert submitted.status is ApplicationStatus.submitted


def test_the_owner_cannot_reopen_its_own(client, submitted, office_user, login_as):
    login_as(office_user)
    html = client.get(f"/applications/{submitted.id}").get_data(as_text=True)
    assert "/reopen" not in html
    response = client.post(f"/organizer/applications/{submitted.id}/reopen", data={"reason": "x"})
    assert response.status_code == 403


# ---- reopening after the deadline (issue 16, item 10) ---------------------------


def _close_applications(application, db, *, status=None):
    from app.editions.models import EditionStatus

    edition = application.edition
    edition.applications_close_at = utcnow() - dt.timedelta(hours=1)
    edition.status = status or EditionStatus.stage1
    db.session.commit()


def test_reopen_after_the_deadline_needs_a_new_deadline(client, submitted, login_as, db, outbox):
    _close_applications(submitted, db)
    login_as("organizer")
    response = client.post(
        f"/organizer/applications/{submitted.id}/reopen", data={"reason": "Brak podpisu"}
    )
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is ApplicationStatus.submitted
    assert outbox == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nowy termin" in page


def test_reopened_with_a_deadline_the_office_can_change_and_submit_until_it(
    client, submitted, office_user, login_as, auth, db, outbox
):
    _close_applications(submitted, db)
    login_as("organizer")
    # 12:00 in Warsaw on a winter day is 11:00 UTC.
    deadline = dt.datetime(utcnow().year + 1, 1, 15, 12, 0)
    client.post(
        f"/organizer/applications/{submitted.id}/reopen",
        data={"reason": "Brak podpisu", "deadline": deadline.strftime("%Y-%m-%dT%H:%M")},
    )
    db.session.refresh(submitted)
    assert submitted.status is ApplicationStatus.draft
    assert submitted.reopen_deadline == deadline - dt.timedelta(hours=1)
    [mail] = outbox
    assert f"15 stycznia {deadline.year}, 12:00" in mail.body
    assert submitted.can_edit(office_user)
    assert not submitted.can_edit(office_user, now=submitted.reopen_deadline)
    auth.logout()
    login_as(office_user)
    assert client.get(f"/office/applications/{submitted.id}").status_code == 200
    # Another office's draft in the same closed edition stays closed.
    assert not submitted.edition.accepts_applications()


def test_reopen_deadline_must_be_in_the_future(submitted, make, db, request_ctx):
    _close_applications(submitted, db)
    with pytest.raises(LaurelError, match="w przyszłości"):
        services.reopen_application(
            submitted,
            actor=make.organizer(),
            reason="x",
            deadline=utcnow() - dt.timedelta(minutes=1),
        )
    assert submitted.status is ApplicationStatus.submitted


def test_no_reopen_once_stage_one_has_closed(submitted, make, db, request_ctx):
    from app.editions.models import EditionStatus

    _close_applications(submitted, db, status=EditionStatus.stage2)
    with pytest.raises(LaurelError, match="Etap I"):
        services.reopen_application(
            submitted, actor=make.organizer(), reason="x", deadline=utcnow() + dt.timedelta(days=2)
        )


def test_a_reopen_deadline_ends_with_stage_one(submitted, make, db, request_ctx):
    from app.editions.models import EditionStatus

    _close_applications(submitted, db)
    services.reopen_application(
        submitted, actor=make.organizer(), reason="x", deadline=utcnow() + dt.timedelta(days=2)
    )
    assert submitted.accepts_changes()
    submitted.edition.status = EditionStatus.stage2
    assert not submitted.accepts_changes()
