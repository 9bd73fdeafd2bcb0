"""NUL bytes in forms that reach the database (issue 16, item 5): on
PostgreSQL a NUL in text used to end in a server error; now the form says
which field holds a control character and nothing is saved."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.offices.models import Office
from tests.factories import PASSWORD, valid_nip, valid_regon


def _registration(**kw):
    data = {
        "name": "Urząd Gminy Testowo",
        "office_type": "municipal",
        "voivodeship": "mazowieckie",
        "city": "Testowo",
        "address": "ul. Polna 1",
        "postal_code": "00-950",
        "regon": valid_regon(31337),
        "nip": valid_nip(31337),
        "contact_name": "Jan Kowalski",
        "email": "jan@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(kw)
    return data


def test_a_nul_in_an_otherwise_valid_registration_is_a_form_error(client, db):
    response = client.post(
        "/office/register", data=_registration(name="Urząd\x00Gminy", contact_name="Jan\x1b")
    )
    assert response.status_code == 200
    # Each field's own message, and the same two in the error summary's links.
    assert response.text.count("znaki sterujące") == 4
    assert 'href="#name"' in response.text and 'href="#contact_name"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 0
    # The same registration without them goes through.
    assert client.post("/office/register", data=_registration()).status_code == 302


def test_a_nul_in_the_profile_is_a_form_error(client, login_as, db):
    user = login_as("organizer")
    response = client.post("/account/", data={"full_name": "Anna\x00Nowak", "locale": "pl"})
    assert response.status_code in (200, 422)
    assert "znaki sterujące" in response.text
    db.session.expire_all()
    assert "\x00" not in db.session.get(User, user.id).full_name
