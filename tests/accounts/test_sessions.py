"""Sessions can be revoked: each user's session token is part of the login id
kept in the session cookie and the remember cookie, and rotating it (sign out
everywhere, a password change or reset) makes every copy of those cookies
worthless."""

from __future__ import annotations

import datetime as dt
import re

from app.audit.models import AuditEvent
from tests.factories import PASSWORD

NEW = "a brand new password"
PROFILE = "/account/"


def _login(client, email, password=PASSWORD, *, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/account/login", data=data)
    assert response.status_code == 302, "login failed"
    return response


def _copy(app, client, *names):
    """A second browser holding copies of some of the first one's cookies."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        other.set_cookie(name, cookie.value)
    return other


def _signed_in(client) -> bool:
    return client.get(PROFILE).status_code == 200


def test_sign_out_everywhere_ends_session_and_remember_cookies(app, client, make, db):
    user = make.juror(email="jan@example.org")
    db.session.commit()
    _login(client, "jan@example.org", remember=True)
    stolen_session = _copy(app, client, "session")
    stolen_remember = _copy(app, client, "remember_token")
    assert _signed_in(stolen_session) and _signed_in(stolen_remember)

    assert "Wyloguj ze wszystkich urządzeń" in client.get(PROFILE).get_data(as_text=True)
    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302 and "/account/login" in response.location

    assert not _signed_in(client)
    assert not _signed_in(stolen_session)
    assert not _signed_in(stolen_remember)
    assert db.session.query(AuditEvent).filter_by(action="logout.everywhere").count() == 1
    # Signing in again works, with a fresh token.
    _login(client, user.email)
    assert _signed_in(client)


def test_sign_out_everywhere_needs_a_signed_in_post(client, db):
    assert client.get("/account/logout-everywhere").status_code == 405
    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302 and "/account/login" in response.location


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make, db):
    make.office_user(email="urzad@example.org")
    db.session.commit()
    _login(client, "urzad@example.org", remember=True)
    other_browser = _copy(app, client, "session", "remember_token")
    assert _signed_in(other_browser)

    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other_browser)
    # This browser's remember cookie was renewed with the new token.
    assert _signed_in(_copy(app, client, "remember_token"))


def test_password_reset_ends_every_session(app, client, make, db, outbox):
    make.organizer(email="anna@example.org")
    db.session.commit()
    _login(client, "anna@example.org", remember=True)
    stolen = _copy(app, client, "remember_token")

    anonymous = app.test_client()
    anonymous.post("/account/forgot", data={"email": "anna@example.org"})
    link = re.search(r"https?://\S+(/account/reset/\S+)", outbox[0].body).group(1)
    assert anonymous.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302

    assert not _signed_in(client)
    assert not _signed_in(stolen)


def test_a_login_id_without_the_current_token_is_refused(app, make, db):
    from app.accounts.views import load_user

    user = make.juror()
    db.session.commit()
    assert load_user(user.get_id()) == user
    assert load_user(str(user.id)) is None  # the old form of the id
    assert load_user(f"{user.id}:not-the-token") is None
    assert load_user("nonsense") is None
    assert load_user(f"{user.id + 1000}:{user.session_token}") is None
    old = user.get_id()
    user.set_password(NEW)
    assert load_user(old) is None
    assert load_user(user.get_id()) == user


def test_remember_cookie_is_lax_httponly_and_lasts_two_weeks(client, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    response = _login(client, "jan@example.org", remember=True)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes  # plain HTTP in this test
    cookie = client.get_cookie("remember_token")
    lifetime = cookie.expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=13) < lifetime <= dt.timedelta(days=14)


def test_remember_lifetime_is_configurable(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "3")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(days=3)
