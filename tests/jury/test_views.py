from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.editions.models import EditionStatus
from app.jury.models import (
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    MembershipStatus,
    ScoreSheet,
    SheetStatus,
)
from app.offices.models import ApplicationStatus
from tests.factories import PASSWORD
from tests.jury.conftest import add_conflict


def _actions(db):
    return [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def world(make, db):
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    assignment = make.assignment(application=application, juror=juror)
    conflict = add_conflict(db, edition=edition, juror=juror, office=make.office())
    membership = db.session.scalar(
        sa.select(JuryMembership).where(JuryMembership.user_id == juror.id)
    )
    db.session.commit()
    return {
        "edition": edition.id,
        "application": application.id,
        "juror": juror.id,
        "assignment": assignment.id,
        "conflict": conflict.id,
        "membership": membership.id,
    }


ORGANIZER_ROUTES = [
    ("get", "/organizer/editions/{edition}/jurors"),
    ("post", "/organizer/editions/{edition}/jurors"),
    ("post", "/organizer/jury/memberships/{membership}/resend"),
    ("get", "/organizer/editions/{edition}/assignments"),
    ("post", "/organizer/editions/{edition}/assignments/auto"),
    ("post", "/organizer/editions/{edition}/assignments/add"),
    ("post", "/organizer/editions/{edition}/assignments/remove"),
]
JUROR_ROUTES = [
    ("get", "/jury/editions"),
    ("post", "/jury/memberships/{membership}/respond"),
    ("get", "/jury/editions/{edition}/conflicts"),
    ("post", "/jury/editions/{edition}/conflicts"),
    ("post", "/jury/conflicts/{conflict}/remove"),
    ("post", "/jury/editions/{edition}/conflicts/confirm"),
]


@pytest.mark.parametrize("method,url", ORGANIZER_ROUTES)
@pytest.mark.parametrize("role,expected", [(None, 302), ("juror", 403), ("office", 403)])
def test_organizer_routes_refuse_others(client, login_as, world, method, url, role, expected):
    if role:
        login_as(role)
    response = getattr(client, method)(url.format(**world))
    assert response.status_code == expected
    if expected == 302:
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("method,url", JUROR_ROUTES)
@pytest.mark.parametrize(
    "role,expected", [(None, 302), ("organizer", 403), ("office", 403), ("juror", 403)]
)
def test_juror_routes_refuse_others(client, login_as, world, method, url, role, expected):
    """Another juror (not in this jury, not the owner) is refused too."""
    if role:
        login_as(role)
    response = getattr(client, method)(url.format(**world))
    if role == "juror" and url == "/jury/editions":
        expected = 200  # every juror has their own list
    assert response.status_code == expected


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/organizer/editions/999/jurors"),
        ("post", "/organizer/jury/memberships/999/resend"),
        ("get", "/organizer/editions/999/assignments"),
        ("get", "/organizer/editions/{edition}/assignments?stage=3"),
        ("post", "/organizer/editions/999/assignments/auto"),
        ("post", "/organizer/editions/999/assignments/add"),
        ("post", "/organizer/editions/{edition}/assignments/remove"),  # no assignment named
    ],
)
def test_organizer_404(client, login_as, world, method, url):
    login_as("organizer")
    assert getattr(client, method)(url.format(**world)).status_code == 404


@pytest.mark.parametrize(
    "method,url",
    [
        ("post", "/jury/memberships/999/respond"),
        ("get", "/jury/editions/999/conflicts"),
        ("post", "/jury/conflicts/999/remove"),
        ("post", "/jury/editions/999/conflicts/confirm"),
    ],
)
def test_juror_404(client, login_as, method, url):
    login_as("juror")
    assert getattr(client, method)(url).status_code == 404


# ---- organizer: jurors ------------------------------------------------------


def _link(outbox) -> str:
    match = re.search(r"(/jury/invitation/\S+)", outbox[-1].body)
    assert match
    return match.group(1)


def test_invite_new_juror_and_accept_with_password(client, make, login_as, auth, db, outbox):
    edition = make.edition(status=EditionStatus.stage1)
    organizer = login_as("organizer")
    response = client.post(
        f"/organizer/editions/{edition.id}/jurors",
        data={"email": "Nowy@Example.org", "full_name": "Nowy Juror"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "nowy@example.org"))
    assert user.role is Role.juror and user.password_hash is None
    membership = db.session.scalar(
        sa.select(JuryMembership).where(JuryMembership.user_id == user.id)
    )
    assert membership.status is MembershipStatus.invited
    assert outbox[-1].to == "nowy@example.org"
    assert "jury.invited" in _actions(db)
    assert organizer is not None
    html = client.get(f"/organizer/editions/{edition.id}/jurors").get_data(as_text=True)
    assert "Nowy Juror" in html
    link = _link(outbox)
    auth.logout()

    page = client.get(link).get_data(as_text=True)
    assert 'name="password"' in page
    # accepting without a password is refused
    response = client.post(link, data={"accept": "1"})
    assert response.status_code == 200
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.invited
    response = client.post(link, data={"accept": "1", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(membership)
    db.session.refresh(user)
    assert membership.status is MembershipStatus.accepted and membership.responded_at
    assert user.check_password(PASSWORD)
    assert "Nowy Juror" in client.get("/jury/editions").get_data(as_text=True)
    # the link cannot be used again
    again = client.post(link, data={"decline": "1"})
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.accepted
    assert again.status_code == 200


def test_decline_invitation(client, make, db, outbox):
    edition = make.edition()
    juror = make.juror(edition=edition, status=MembershipStatus.invited)
    db.session.commit()
    from app.jury.services import invitation_token

    membership = db.session.scalar(
        sa.select(JuryMembership).where(JuryMembership.user_id == juror.id)
    )
    with client.application.test_request_context():
        token = invitation_token(membership)
    response = client.post(f"/jury/invitation/{token}", data={"decline": "1"})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.declined


def test_forged_and_expired_juror_invitations(
    client, app, make, login_as, auth, db, outbox, monkeypatch
):
    edition = make.edition()
    login_as("organizer")
    client.post(
        f"/organizer/editions/{edition.id}/jurors",
        data={"email": "j@example.org", "full_name": "J"},
    )
    link = _link(outbox)
    auth.logout()
    assert client.get(link + "x").status_code == 404
    assert client.get("/jury/invitation/abc.def.ghi").status_code == 404
    monkeypatch.setitem(app.config, "INVITATION_MAX_AGE", -1)
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("role", ["organizer", "office"])
def test_invite_refuses_other_roles_email(client, make, login_as, db, outbox, role):
    edition = make.edition()
    other = make.organizer() if role == "organizer" else make.office_user()
    login_as("organizer")
    response = client.post(
        f"/organizer/editions/{edition.id}/jurors", data={"email": other.email, "full_name": "X"}
    )
    assert response.status_code == 200
    assert outbox == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JuryMembership)) == 0


def test_invite_validation_and_duplicate(client, make, login_as, db, outbox):
    edition = make.edition()
    juror = make.juror(edition=edition)
    login_as("organizer")
    bad = client.post(
        f"/organizer/editions/{edition.id}/jurors", data={"email": "nie-email", "full_name": ""}
    )
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    dup = client.post(
        f"/organizer/editions/{edition.id}/jurors", data={"email": juror.email, "full_name": "X"}
    )
    assert dup.status_code == 200
    assert outbox == []


def test_existing_juror_is_invited_to_another_edition(client, make, login_as, db, outbox):
    first = make.edition()
    second = make.edition()
    juror = make.juror(edition=first)
    login_as("organizer")
    response = client.post(
        f"/organizer/editions/{second.id}/jurors", data={"email": juror.email, "full_name": "X"}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JuryMembership)) == 2


def test_resend_invitation(client, make, login_as, db, outbox):
    edition = make.edition()
    declined = make.juror(edition=edition, status=MembershipStatus.declined)
    accepted = make.juror(edition=edition)
    m_declined, m_accepted = (
        db.session.scalar(sa.select(JuryMembership).where(JuryMembership.user_id == u.id))
        for u in (declined, accepted)
    )
    login_as("organizer")
    assert client.post(f"/organizer/jury/memberships/{m_declined.id}/resend").status_code == 302
    db.session.refresh(m_declined)
    assert m_declined.status is MembershipStatus.invited and outbox[-1].to == declined.email
    client.post(f"/organizer/jury/memberships/{m_accepted.id}/resend")
    assert len(outbox) == 1


def test_jurors_page_shows_conflicts(client, make, login_as, db):
    edition = make.edition()
    juror = make.juror(edition=edition, full_name="Sędzia Anna")
    office = make.office(name="Urząd Konfliktowy")
    add_conflict(db, edition=edition, juror=juror, office=office, reason="Pracowałam tam")
    login_as("organizer")
    html = client.get(f"/organizer/editions/{edition.id}/jurors").get_data(as_text=True)
    assert "Sędzia Anna" in html and "Urząd Konfliktowy" in html and "Pracowałam tam" in html
    assert 'aria-current="page"' in html  # the edition's own menu is shown


# ---- juror side --------------------------------------------------------------


def test_my_editions_and_respond(client, make, login_as, db):
    edition = make.edition(name="Edycja Próbna")
    juror = make.juror(edition=edition, status=MembershipStatus.invited)
    login_as(juror)
    membership = db.session.scalar(
        sa.select(JuryMembership).where(JuryMembership.user_id == juror.id)
    )
    assert "Edycja Próbna" in client.get("/jury/editions").get_data(as_text=True)
    assert (
        client.post(
            f"/jury/memberships/{membership.id}/respond", data={"decision": "maybe"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/jury/memberships/{membership.id}/respond", data={"decision": "accept"}
        ).status_code
        == 302
    )
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.accepted
    # answering twice is refused
    client.post(f"/jury/memberships/{membership.id}/respond", data={"decision": "decline"})
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.accepted


def test_declare_conflict_removes_assignment_and_tells_organizers(
    client, make, login_as, db, outbox
):
    edition = make.edition(status=EditionStatus.stage1)
    make.organizer(email="org@example.org")
    office = make.office(name="Urząd Bliski", city="Kielce")
    application = make.application(
        edition=edition, office=office, status=ApplicationStatus.submitted
    )
    juror = make.juror(edition=edition)
    assignment = make.assignment(application=application, juror=juror)
    login_as(juror)
    url = f"/jury/editions/{edition.id}/conflicts"
    html = client.get(url + "?q=kielce").get_data(as_text=True)
    assert "Urząd Bliski" in html
    assert "Urząd Bliski" in client.get(f"{url}?office_id={office.id}").get_data(as_text=True)
    bad = client.post(f"{url}?office_id={office.id}", data={"office_id": office.id, "reason": ""})
    assert bad.status_code == 200
    response = client.post(
        f"{url}?office_id={office.id}",
        data={"office_id": office.id, "reason": "Mój brat tam pracuje"},
    )
    assert response.status_code == 302
    assert db.session.get(Assignment, assignment.id) is None
    conflict = db.session.scalars(sa.select(ConflictOfInterest)).one()
    assert conflict.reason == "Mój brat tam pracuje"
    assert outbox[-1].to == "org@example.org"
    assert "jury.conflict_declared" in _actions(db)
    # the same conflict twice is refused
    again = client.post(
        f"{url}?office_id={office.id}", data={"office_id": office.id, "reason": "x"}
    )
    assert again.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictOfInterest)) == 1
    # remove, then confirm
    assert client.post(f"/jury/conflicts/{conflict.id}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictOfInterest)) == 0
    assert client.post(f"/jury/editions/{edition.id}/conflicts/confirm").status_code == 302
    membership = db.session.scalar(
        sa.select(JuryMembership).where(JuryMembership.user_id == juror.id)
    )
    assert membership.conflicts_confirmed_at is not None


def test_conflict_refused_when_sheet_submitted(client, make, login_as, db, outbox):
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    assignment = make.assignment(application=application, juror=juror)
    make.sheet(assignment=assignment, status=SheetStatus.submitted)
    login_as(juror)
    url = f"/jury/editions/{edition.id}/conflicts?office_id={application.office_id}"
    response = client.post(url, data={"office_id": application.office_id, "reason": "Powód"})
    assert response.status_code == 200
    assert db.session.get(Assignment, assignment.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictOfInterest)) == 0


def test_conflict_for_non_applicant_refused(client, make, login_as, db):
    edition = make.edition()
    outsider = make.office()
    juror = make.juror(edition=edition)
    login_as(juror)
    url = f"/jury/editions/{edition.id}/conflicts?office_id={outsider.id}"
    assert client.post(url, data={"office_id": outsider.id, "reason": "x"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictOfInterest)) == 0
    assert client.get(f"/jury/editions/{edition.id}/conflicts?office_id=999").status_code == 404


def test_invited_juror_cannot_declare_yet(client, make, login_as, db):
    edition = make.edition()
    juror = make.juror(edition=edition, status=MembershipStatus.invited)
    login_as(juror)
    assert client.get(f"/jury/editions/{edition.id}/conflicts").status_code == 403


def test_other_jurors_conflict_cannot_be_removed(client, make, login_as, db):
    edition = make.edition()
    owner = make.juror(edition=edition)
    conflict = add_conflict(db, edition=edition, juror=owner, office=make.office())
    login_as("juror", edition=edition)
    assert client.post(f"/jury/conflicts/{conflict.id}/remove").status_code == 403


# ---- organizer: assignments -----------------------------------------------------


def test_assignments_page_and_auto_assign(client, make, login_as, db):
    edition = make.edition(status=EditionStatus.stage1, jurors_per_application=2)
    apps = [make.application(edition=edition, status=ApplicationStatus.submitted) for _ in range(3)]
    jurors = [make.juror(edition=edition) for _ in range(3)]
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments"
    html = client.get(url).get_data(as_text=True)
    assert apps[0].office.name in html and jurors[0].full_name in html
    bad = client.post(url + "/auto", data={"stage": "1", "per_application": "0"})
    assert bad.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    response = client.post(url + "/auto", data={"stage": "1", "per_application": "2"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 6
    assert "assignment.auto" in _actions(db)
    missing = client.get(url + "?missing=1&n=3").get_data(as_text=True)
    cell = f">{apps[0].office.name} ("
    assert cell in missing
    complete = client.get(url + "?missing=1&n=2").get_data(as_text=True)
    assert cell not in complete
    assert client.get(url + "?stage=2").status_code == 200


def test_assignments_page_warns_while_applications_are_open(client, make, login_as, db):
    """Issue 16, item 9: assigning while offices can still submit is allowed,
    but the organizer is told that late entries will need jurors too."""
    import datetime as dt

    from app.timeutil import utcnow

    edition = make.edition(
        status=EditionStatus.applications_open,
        applications_close_at=utcnow() + dt.timedelta(days=3),
    )
    make.application(edition=edition, status=ApplicationStatus.submitted)
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments"
    assert "Nabór zgłoszeń wciąż trwa." in client.get(url).get_data(as_text=True)
    assert "Nabór zgłoszeń wciąż trwa." not in client.get(url + "?stage=2").get_data(as_text=True)
    edition.status = EditionStatus.stage1
    db.session.commit()
    assert "Nabór zgłoszeń wciąż trwa." not in client.get(url).get_data(as_text=True)


def test_assignments_page_query_count_is_constant(client, make, login_as, db, app):
    edition = make.edition(status=EditionStatus.stage1)
    jurors = [make.juror(edition=edition) for _ in range(3)]
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments"

    def count_queries(n_apps):
        for _ in range(n_apps):
            application = make.application(edition=edition, status=ApplicationStatus.submitted)
            for juror in jurors:
                make.assignment(application=application, juror=juror)
        db.session.commit()
        statements = []

        def listener(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_queries(2) == count_queries(10)


def test_manual_assign_and_remove(client, make, login_as, db):
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition)
    conflicted = make.juror(edition=edition)
    add_conflict(db, edition=edition, juror=conflicted, office=application.office)
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments/add"
    ok = client.post(
        url, data={"stage": "1", "application_id": application.id, "juror_id": juror.id}
    )
    assert ok.status_code == 302
    refused = client.post(
        url, data={"stage": "1", "application_id": application.id, "juror_id": conflicted.id}
    )
    assert refused.status_code == 302
    client.post(url, data={"stage": "1", "application_id": application.id, "juror_id": juror.id})
    client.post(url, data={"stage": "1", "application_id": 999, "juror_id": juror.id})
    rows = db.session.scalars(sa.select(Assignment)).all()
    assert [(a.juror_id, a.stage) for a in rows] == [(juror.id, 1)]
    assert (
        client.post(
            url, data={"stage": "7", "application_id": application.id, "juror_id": juror.id}
        ).status_code
        == 404
    )
    # remove refused with a submitted sheet, allowed without
    make.sheet(assignment=rows[0], status=SheetStatus.submitted)
    db.session.commit()
    remove = f"/organizer/editions/{edition.id}/assignments/remove"
    client.post(remove, data={"assignment_id": rows[0].id})
    assert db.session.get(Assignment, rows[0].id) is not None
    sheet = db.session.scalars(sa.select(ScoreSheet)).one()
    db.session.delete(sheet)
    db.session.commit()
    other = make.edition()
    foreign = f"/organizer/editions/{other.id}/assignments/remove"
    assert client.post(foreign, data={"assignment_id": rows[0].id}).status_code == 404
    assert client.post(remove, data={"assignment_id": rows[0].id}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    assert "assignment.removed" in _actions(db)


def test_assignments_page_offers_each_entry_only_free_jurors(client, make, login_as, db):
    """Assign by hand from the entry's row: jurors already on it or conflicted are not offered."""
    from app.offices.models import ApplicationStatus

    login_as("organizer")
    edition = make.edition()
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    on_it = make.juror(edition=edition, full_name="Already Assigned")
    conflicted = make.juror(edition=edition, full_name="Has Conflict")
    free = make.juror(edition=edition, full_name="Free Juror")
    make.assignment(application=application, juror=on_it)
    make.conflict(edition=edition, juror=conflicted, office=application.office)
    db.session.commit()
    html = client.get(f"/organizer/editions/{edition.id}/assignments?stage=1").get_data(
        as_text=True
    )
    select = html[html.index(f'id="juror-{application.id}"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{free.id}">Free Juror</option>' in select
    assert "Already Assigned" not in select and "Has Conflict" not in select


def test_assignments_page_juror_choice_starts_empty_and_says_none(client, make, login_as, db):
    """Issue 18, item 8: a row's juror list starts on an empty, required
    "— wybierz —" (no juror assigned by a careless click), and a row with no
    juror says so; the tables stack on a narrow screen (data-label per cell)."""
    login_as("organizer")
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    make.juror(edition=edition, full_name="Free Juror")
    db.session.commit()
    html = client.get(f"/organizer/editions/{edition.id}/assignments?stage=1").get_data(
        as_text=True
    )
    select = html[html.index(f'id="juror-{application.id}"') :]
    select = select[: select.index("</select>")]
    assert 'name="juror_id" required>' in select
    first = select[select.index("<option") :]
    assert first.startswith('<option value="" selected>— wybierz —</option>')
    assert select.count("selected") == 1
    assert "Nie przydzielono jeszcze żadnego jurora." in html
    assert 'class="table-stack"' in html and 'data-label="Przydzieleni jurorzy"' in html
    # The empty choice, sent anyway, assigns nobody and says why.
    response = client.post(
        f"/organizer/editions/{edition.id}/assignments/add",
        data={"stage": "1", "application_id": application.id, "juror_id": ""},
        follow_redirects=True,
    )
    assert "Wybierz jurora." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_auto_assign_race_gives_a_message_not_an_error(client, make, login_as, db, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from app.jury import services
    from app.jury.models import Assignment

    login_as("organizer")
    edition = make.edition()
    db.session.commit()

    def clash(*args, **kwargs):
        raise IntegrityError("INSERT INTO assignment", {}, Exception("duplicate key"))

    monkeypatch.setattr(services, "auto_assign", clash)
    response = client.post(
        f"/organizer/editions/{edition.id}/assignments/auto",
        data={"stage": "1", "per_application": "3"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Przydziały zmieniły się w trakcie ich tworzenia" in response.get_data(as_text=True)
    assert db.session.query(Assignment).count() == 0


def test_assignments_page_counts_pages_and_remove_buttons(client, make, login_as, db, monkeypatch):
    """The page's rows come from app/jury/board.py: counts in the database, a
    page at a time, one form per row whose "Remove" buttons post to their
    assignment's own address (formaction); a juror no longer on the jury still
    shows on the entries they have."""
    from app.jury import board

    monkeypatch.setattr(board, "PER_PAGE", 2)
    edition = make.edition(status=EditionStatus.stage1)
    apps = [
        make.application(
            edition=edition,
            status=ApplicationStatus.submitted,
            office=make.office(name=f"Urząd {n}"),
        )
        for n in range(3)
    ]
    make.application(edition=edition, status=ApplicationStatus.draft)  # not in the stage
    active = make.juror(edition=edition, full_name="Juror Czynny")
    gone = make.juror(edition=edition, full_name="Juror Odszedł")
    draft = make.assignment(application=apps[0], juror=active)
    done = make.assignment(application=apps[0], juror=gone)
    make.sheet(assignment=done, status=SheetStatus.submitted)
    db.session.flush()
    gone_membership = db.session.scalars(
        sa.select(JuryMembership).where(JuryMembership.user_id == gone.id)
    ).one()
    gone_membership.status = MembershipStatus.declined
    db.session.commit()
    login_as("organizer")
    url = f"/organizer/editions/{edition.id}/assignments"

    html = client.get(url + "?n=2").get_data(as_text=True)
    assert "Zgłoszenia w tym etapie: <strong>3</strong>" in html
    assert "Z mniej niż 2 jurorami: <strong>2</strong>" in html
    assert "Strona 1 z 2" in html
    assert "Urząd 0" in html and "Urząd 1" in html and "Urząd 2" not in html
    assert "Juror Odszedł" in html  # assigned before leaving the jury
    assert f'formaction="/organizer/editions/{edition.id}/assignments/remove"' in html
    assert f'name="assignment_id" value="{draft.id}"' in html
    assert f'name="assignment_id" value="{done.id}"' not in html  # submitted: kept
    assert "Urząd 2" in client.get(url + "?n=2&page=2").get_data(as_text=True)

    only_short = client.get(url + "?n=2&missing=1").get_data(as_text=True)
    assert "Urząd 0" not in only_short and "Urząd 1" in only_short and "Urząd 2" in only_short
    assert "Strona" not in only_short  # 2 rows fit one page

    # The row form's "Remove" button, as the browser sends it.
    response = client.post(
        f"/organizer/editions/{edition.id}/assignments/remove",
        data={
            "stage": "1",
            "application_id": apps[0].id,
            "juror_id": "",
            "assignment_id": draft.id,
        },
    )
    assert response.status_code == 302
    assert db.session.get(Assignment, draft.id) is None


def test_assignments_page_escapes_juror_names_in_the_choice(client, make, login_as, db):
    edition = make.edition(status=EditionStatus.stage1)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition, full_name='<script>alert("x")</script> & Co')
    db.session.commit()
    login_as("organizer")
    html = client.get(f"/organizer/editions/{edition.id}/assignments").get_data(as_text=True)
    select = html[html.index(f'id="juror-{application.id}"') :]
    select = select[: select.index("</select>")]
    assert (
        f'<option value="{juror.id}">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co</option>'
        in select
    )
    assert "<script>" not in html
