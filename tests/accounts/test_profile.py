"""My account: every signed-in user changes their own name, language and password."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from tests.factories import PASSWORD

NEW = "another long password"


def test_anonymous_users_are_sent_to_login(client):
    assert "/account/login" in client.get("/account/").location
    assert "/account/login" in client.post("/account/password").location


@pytest.mark.parametrize("role", ["organizer", "juror", "office"])
def test_every_role_has_an_account_page(client, login_as, role):
    user = login_as(role)
    html = client.get("/account/").get_data(as_text=True)
    assert "Moje konto" in html and user.email in html
    assert 'href="/account/"' in client.get("/").get_data(as_text=True)  # the header links it


def test_change_name_and_language(client, login_as, db):
    user = login_as("juror")
    response = client.post("/account/", data={"full_name": "  Nowe Imię  ", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.locale) == ("Nowe Imię", "en")
    # The saved language is used from now on.
    assert '<html lang="en">' in client.get("/account/").get_data(as_text=True)
    assert db.session.query(AuditEvent).filter_by(action="profile.updated").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "locale": "pl"}, "To pole jest wymagane"),
        ({"full_name": "X", "locale": "de"}, "Nieprawidłow"),
    ],
)
def test_bad_profile_is_refused_and_nothing_saved(client, login_as, db, data, message):
    user = login_as("juror")
    name = user.full_name
    response = client.post("/account/", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.full_name == name and user.locale is None


def test_change_password(client, login_as, auth, db):
    user = login_as("office")
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW)
    auth.logout()
    assert auth.login(user.email, NEW).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current": "wrong password!", "password": NEW, "confirm": NEW},
            "Obecne hasło jest nieprawidłowe.",
        ),
        ({"current": PASSWORD, "password": "short", "confirm": "short"}, "od 10 do 200 znaków"),
        ({"current": PASSWORD, "password": NEW, "confirm": NEW + "x"}, "Hasła nie są takie same."),
    ],
)
def test_bad_password_change_is_refused(client, login_as, db, data, message):
    user = login_as("organizer")
    response = client.post("/account/password", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
