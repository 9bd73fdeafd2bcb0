"""One place for each rule (issue 16, item 14): the can_* methods that replaced
checks written out in views, templates and services, and the services
refusing exactly when the method says no."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jury import services as jury_services
from app.jury.models import MembershipStatus
from app.offices import services as office_services
from app.offices.models import ApplicationStatus, OfficeStatus
from app.timeutil import utcnow


class Anonymous:
    is_authenticated = False


# ---- applications --------------------------------------------------------------------


def test_a_pending_office_cannot_edit_its_draft(make, db):
    """can_edit left out the office's approval, which the edit page and the
    services required: the dashboard and the application page offered an
    edit link that led nowhere. (Failed before: can_edit said yes.)"""
    office = make.office(status=OfficeStatus.pending)
    user = make.office_user(office=office)
    application = make.application(office=office)
    assert application.accepts_changes()
    assert application.can_manage(user)
    assert not application.can_edit(user)
    office.status = OfficeStatus.approved
    assert application.can_edit(user)


def test_application_detail_offers_no_edit_link_to_a_pending_office(make, db, auth, client):
    office = make.office(status=OfficeStatus.pending)
    user = make.office_user(office=office)
    application = make.application(office=office)
    db.session.commit()
    auth.login(user)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"/office/applications/{application.id}" not in page.replace(
        f"/office/applications/{application.id}/", ""
    )


@pytest.mark.parametrize(
    ("member", "approved", "status", "window_open"),
    list(itertools.product((True, False), (True, False), ("draft", "submitted"), (True, False))),
)
def test_saving_answers_is_refused_exactly_when_can_edit_says_no(
    make, db, member, approved, status, window_open
):
    edition = make.edition()
    if not window_open:
        edition.applications_close_at = utcnow() - dt.timedelta(hours=1)
    office = make.office(status=OfficeStatus.approved if approved else OfficeStatus.pending)
    application = make.application(edition=edition, office=office, status=ApplicationStatus(status))
    user = make.office_user(office=office if member else make.office())
    allowed = application.can_edit(user)
    assert allowed == (member and approved and status == "draft" and window_open)
    try:
        office_services.save_answers(application, {}, actor=user, version=application.version)
    except LaurelError:
        refused = True
    else:
        refused = False
    assert refused is not allowed


def test_the_owner_and_nobody_else_manages_an_application(make, db):
    application = make.application()
    owner = make.office_user(office=application.office)
    assert application.can_manage(owner)
    for user in (make.office_user(), make.organizer(), make.juror(), Anonymous()):
        assert not application.can_manage(user)


def test_results_are_seen_by_the_office_and_organizers_once_public(make, db):
    edition = make.edition(status=EditionStatus.chapter)
    application = make.application(edition=edition, status=ApplicationStatus.qualified)
    owner = make.office_user(office=application.office)
    organizer = make.organizer()
    juror = make.juror(edition=edition)
    make.assignment(application=application, juror=juror)
    others = (make.office_user(), juror, Anonymous())
    assert not any(application.can_see_results(u) for u in (owner, organizer, *others))
    edition.status = EditionStatus.results_published
    assert application.can_see_results(owner)
    assert application.can_see_results(organizer)
    assert not any(application.can_see_results(u) for u in others)


@pytest.mark.parametrize(
    ("edition_status", "status", "expected"),
    [
        (EditionStatus.applications_open, ApplicationStatus.submitted, True),
        (EditionStatus.stage1, ApplicationStatus.submitted, True),
        (EditionStatus.applications_open, ApplicationStatus.draft, False),
        (EditionStatus.stage2, ApplicationStatus.submitted, False),
        (EditionStatus.stage2, ApplicationStatus.qualified, False),
    ],
)
def test_reopen_is_refused_by_the_service_exactly_when_can_reopen_says_no(
    make, db, request_ctx, edition_status, status, expected
):
    edition = make.edition(status=edition_status)
    application = make.application(edition=edition, status=status)
    organizer = make.organizer()
    assert application.can_reopen(organizer) is expected
    assert not application.can_reopen(make.office_user(office=application.office))
    assert not application.can_reopen(Anonymous())
    deadline = utcnow() + dt.timedelta(days=3)
    try:
        office_services.reopen_application(
            application, actor=organizer, reason="Brak podpisu", deadline=deadline
        )
    except LaurelError:
        refused = True
    else:
        refused = False
    assert refused is not expected


def test_the_reopen_form_shows_only_when_the_application_can_be_reopened(
    make, db, login_as, client
):
    edition = make.edition(status=EditionStatus.stage1)
    submitted = make.application(edition=edition, status=ApplicationStatus.submitted)
    draft = make.application(edition=edition)
    login_as("organizer")
    reopen = "/reopen"
    assert reopen in client.get(f"/applications/{submitted.id}").get_data(as_text=True)
    assert reopen not in client.get(f"/applications/{draft.id}").get_data(as_text=True)


# ---- the jury ----------------------------------------------------------------------


def test_only_the_invited_juror_answers_and_works_in_the_jury(make, db):
    edition = make.edition()
    juror = make.juror()
    membership = make.membership(edition=edition, user=juror, status=MembershipStatus.invited)
    others = (make.juror(edition=edition), make.organizer(), make.office_user(), Anonymous())
    assert membership.can_respond(juror)
    assert not membership.can_work(juror)
    membership.status = MembershipStatus.accepted
    assert membership.can_work(juror)
    assert not any(membership.can_respond(u) or membership.can_work(u) for u in others)


def test_confirming_another_jurors_declaration_is_refused(make, db):
    """The service checked the membership's state but not whose it was.
    (Failed before: it confirmed someone else's declaration.)"""
    edition = make.edition()
    juror = make.juror()
    membership = make.membership(edition=edition, user=juror)
    intruder = make.juror(edition=edition)
    with pytest.raises(LaurelError):
        jury_services.confirm_conflicts(membership, juror=intruder)
    assert membership.conflicts_confirmed_at is None
    jury_services.confirm_conflicts(membership, juror=juror)
    assert membership.conflicts_confirmed_at is not None


def test_only_the_declaring_juror_removes_a_conflict(make, db):
    edition = make.edition()
    juror = make.juror(edition=edition)
    conflict = make.conflict(edition=edition, juror=juror, office=make.office())
    other = make.juror(edition=edition)
    assert conflict.can_remove(juror)
    assert not any(conflict.can_remove(u) for u in (other, make.organizer(), Anonymous()))
    with pytest.raises(LaurelError):
        jury_services.remove_conflict(conflict, juror=other)
    jury_services.remove_conflict(conflict, juror=juror)
