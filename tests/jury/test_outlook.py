"""A juror's empty states (issue 18 item 2): before scoring starts, the
workspace says when it starts, how many entries to expect and that the
conflict declaration comes first; the declaration picks offices from a list."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.editions.models import EditionStatus
from app.jury import services, workspace
from app.jury.models import ConflictOfInterest, JuryMembership, MembershipStatus, SheetStatus
from app.offices.models import ApplicationStatus, Voivodeship
from app.timeutil import utcnow


@pytest.mark.parametrize(
    ("entries", "jurors", "per_application", "expected"),
    [
        (0, 5, 3, 0),  # nothing submitted yet: not known
        (10, 0, 3, 0),  # no juror yet: not known
        (10, 5, 3, 6),  # 30 seats shared by 5
        (10, 3, 3, 10),  # every juror scores every entry
        (10, 2, 3, 10),  # fewer jurors than seats per entry
        (7, 3, 2, 5),  # 14 seats over 3: rounded up
    ],
)
def test_expected_entries(entries, jurors, per_application, expected):
    assert workspace.expected_entries(entries, jurors, per_application) == expected


def _membership(db, juror):
    return db.session.scalar(sa.select(JuryMembership).where(JuryMembership.user_id == juror.id))


def test_outlook_follows_the_juror_and_the_edition(make, db):
    edition = make.edition(jurors_per_application=2, stage1_start=dt.date(2027, 4, 1))
    for _ in range(6):
        make.application(edition=edition, status=ApplicationStatus.submitted)
    make.application(edition=edition)  # a draft does not count
    juror = make.juror(edition=edition)
    make.juror(edition=edition)
    make.juror(edition=edition)
    invited = make.juror(edition=edition, status=MembershipStatus.invited)
    membership = _membership(db, juror)
    [o] = workspace.outlooks(juror, [membership])
    assert o.key == "declare"  # the declaration comes first
    assert workspace.outlooks(invited, [_membership(db, invited)])[0].key == "answer"
    membership.conflicts_confirmed_at = utcnow()
    [o] = workspace.outlooks(juror, [membership])
    assert (o.key, o.stage, o.starts, o.expected) == ("wait", 1, dt.date(2027, 4, 1), 4)
    edition.status = EditionStatus.stage1
    assert workspace.outlooks(juror, [membership])[0].key == "unassigned"
    entries = edition.applications
    make.assignment(application=entries[0], juror=juror)
    done = make.assignment(application=entries[1], juror=juror)
    make.sheet(assignment=done, status=SheetStatus.submitted)
    [o] = workspace.outlooks(juror, [membership])
    assert (o.key, o.assigned, o.open_sheets) == ("score", 2, 1)
    edition.status = EditionStatus.chapter
    assert workspace.outlooks(juror, [membership])[0].key == ""


def test_my_editions_says_what_to_do_next(client, make, login_as, db):
    edition = make.edition(name="Edycja próbna", stage1_start=dt.date(2027, 4, 1))
    for _ in range(3):
        make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = login_as("juror", edition=edition)
    html = client.get("/jury/editions").get_data(as_text=True)
    assert 'data-outlook="declare"' in html
    assert "Najpierw zgłoś konflikty interesów" in html
    assert f'href="/jury/editions/{edition.id}/conflicts"' in html
    _membership(db, juror).conflicts_confirmed_at = utcnow()
    db.session.commit()
    html = client.get("/jury/editions").get_data(as_text=True)
    assert 'data-outlook="wait"' in html
    assert "Ocenianie (etap 1) zaczyna się 1 kwietnia 2027." in html
    assert "Możesz się spodziewać około 3 zgłoszeń do oceny." in html
    # The empty "My entries" page says the same.
    html = client.get(f"/jury/editions/{edition.id}/entries").get_data(as_text=True)
    assert 'data-outlook="wait"' in html and "1 kwietnia 2027" in html


def test_conflicts_are_picked_from_the_applicants_list(client, make, login_as, db):
    edition = make.edition(status=EditionStatus.stage1)
    near = make.office(name="Urząd Bliski", city="Kielce", voivodeship=Voivodeship.swietokrzyskie)
    far = make.office(name="Urząd Daleki", city="Gdańsk", voivodeship=Voivodeship.pomorskie)
    make.office(name="Urząd Obcy")  # has not applied: not in the list
    for office in (near, far):
        make.application(edition=edition, office=office, status=ApplicationStatus.submitted)
    juror = login_as("juror", edition=edition)
    url = f"/jury/editions/{edition.id}/conflicts"
    html = client.get(url).get_data(as_text=True)
    assert '<select id="office_id" name="office_id"' in html
    assert '<optgroup label="pomorskie">' in html and '<optgroup label="świętokrzyskie">' in html
    assert "Urząd Bliski (Kielce)" in html and "Urząd Obcy" not in html
    assert html.index("Urząd Daleki") < html.index("Urząd Bliski")  # pomorskie first
    # No office chosen: an error linked to the list.
    response = client.post(url, data={"office_id": "0", "reason": "Brat"})
    assert response.status_code == 200
    assert 'href="#office_id"' in response.text
    assert client.post(url, data={"office_id": near.id, "reason": "Brat"}).status_code == 302
    conflict = db.session.scalars(sa.select(ConflictOfInterest)).one()
    assert (conflict.office_id, conflict.juror_id) == (near.id, juror.id)
    # A declared office leaves the list.
    assert services.applicant_offices(edition, juror) == [
        ("pomorskie", [(far.id, "Urząd Daleki (Gdańsk)")])
    ]
