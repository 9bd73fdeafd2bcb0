"""Self-registration, e-mail confirmation and the waiting page."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.offices import services
from app.offices.models import Office, OfficeStatus
from tests.factories import PASSWORD, valid_nip, valid_regon


def form_data(**kw):
    data = {
        "name": "Urząd Gminy Zielonka",
        "office_type": "municipal",
        "voivodeship": "mazowieckie",
        "city": "Zielonka",
        "address": "ul. Literacka 20",
        "postal_code": "05-220",
        "regon": valid_regon(9001),
        "nip": valid_nip(9001),
        "contact_name": "Anna Nowak",
        "email": "anna@zielonka.example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(kw)
    return data


def test_registration_page_is_linked_from_login(client):
    html = client.get("/account/login").get_data(as_text=True)
    assert "/office/register" in html
    assert client.get("/office/register").status_code == 200


def test_register_creates_a_pending_office_and_sends_a_confirmation(client, db, outbox):
    response = client.post("/office/register", data=form_data())
    assert response.status_code == 302
    office = db.session.query(Office).one()
    assert office.status is OfficeStatus.pending
    assert office.postal_code == "05-220"
    user = db.session.query(User).one()
    assert user.role is Role.office and user.office_id == office.id
    assert user.email_confirmed_at is None
    assert user.check_password(PASSWORD)
    assert [m.to for m in outbox] == ["anna@zielonka.example.org"]
    assert "office.registered" in [e.action for e in db.session.query(AuditEvent)]

    link = re.search(r"http://\S+/office/confirm/\S+", outbox[0].body).group(0)
    path = link.split("localhost", 1)[-1]
    assert client.get(path).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_a_forged_confirmation_token_is_refused(client, db):
    client.post("/office/register", data=form_data())
    response = client.get("/office/confirm/not-a-token", follow_redirects=True)
    assert "nieprawidłowy" in response.get_data(as_text=True)
    assert db.session.query(User).one().email_confirmed_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nip", "1234567890", "To nie jest prawidłowy NIP"),
        ("regon", "123456789", "To nie jest prawidłowy REGON"),
        ("postal_code", "05220", "NN-NNN"),
        ("password", "short", "10"),
        ("confirm", "something else entirely", "Hasła nie są takie same"),
        ("email", "not-an-email", "e-mail"),
    ],
)
def test_register_validation_keeps_the_typed_data(client, db, field, value, message):
    data = form_data(**{field: value})
    if field == "password":
        data["confirm"] = value
    response = client.post("/office/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Urząd Gminy Zielonka" in html
    assert db.session.query(Office).count() == 0


@pytest.mark.parametrize("field", ["regon", "nip", "email"])
def test_register_refuses_duplicates(client, db, make, field):
    existing = make.office_user(email="anna@zielonka.example.org")
    existing.office.regon = valid_regon(9001) if field == "regon" else valid_regon(9002)
    existing.office.nip = valid_nip(9001) if field == "nip" else valid_nip(9002)
    db.session.commit()
    if field == "email":
        data = form_data(regon=valid_regon(9003), nip=valid_nip(9003))
    else:
        data = form_data(email="other@zielonka.example.org")
    response = client.post("/office/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "już" in html  # "already"
    assert "Urząd Gminy Zielonka" in html
    assert db.session.query(Office).count() == 1


@pytest.mark.parametrize(
    ("status", "text"),
    [(OfficeStatus.pending, "oczekuje"), (OfficeStatus.rejected, "odrzucił")],
)
def test_unapproved_office_sees_only_the_waiting_page(
    client, make, questionnaire, login_as, status, text
):
    office = make.office(status=status, rejection_reason="Brak danych")
    user = login_as(make.office_user(office=office))
    html = client.get("/office/").get_data(as_text=True)
    assert text in html
    if status is OfficeStatus.rejected:
        assert "Brak danych" in html
    assert questionnaire.edition.name not in html
    response = client.get(f"/office/editions/{questionnaire.edition.id}/apply")
    assert response.status_code == 302
    response = client.post(
        f"/office/editions/{questionnaire.edition.id}/apply",
        data={"category": questionnaire.edition.categories[0].id},
    )
    assert response.status_code == 302
    assert user.office.applications == []


def test_resend_confirmation(client, make, login_as, outbox, db):
    office = make.office(status=OfficeStatus.pending)
    user = make.office_user(office=office)
    user.email_confirmed_at = None
    login_as(user)
    assert client.post("/office/confirm/resend").status_code == 302
    assert len(outbox) == 1
    token = outbox[0].body.split("/office/confirm/")[1].split()[0]
    assert services.confirm_email(token) == user


def test_signed_in_users_are_sent_away_from_registration(client, login_as):
    login_as("organizer")
    assert client.get("/office/register").status_code == 302


def test_registration_form_offers_office_types_in_polish(client):
    html = client.get("/office/register").get_data(as_text=True)
    assert '<option value="marshal">Urząd marszałkowski</option>' in html
    assert "Marshal office" not in html
