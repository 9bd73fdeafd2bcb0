from __future__ import annotations

import re

import pytest

from app.accounts import services
from tests.factories import PASSWORD

NEW = "a brand new password"


def _link(outbox) -> str:
    assert len(outbox) == 1
    match = re.search(r"https?://\S+/account/reset/(\S+)", outbox[0].body)
    assert match, outbox[0].body
    return "/account/reset/" + match.group(1)


def test_reset_by_emailed_link(client, auth, make, db, outbox):
    user = make.juror(email="jan@example.org")
    db.session.commit()
    response = client.post("/account/forgot", data={"email": "jan@example.org"})
    assert response.status_code == 302
    assert outbox[0].to == "jan@example.org"
    assert "nowe hasło" in outbox[0].subject
    link = _link(outbox)

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    assert auth.login("jan@example.org", NEW).status_code == 302

    # The link dies once used: the password it was made for is gone.
    response = client.get(link)
    assert response.status_code == 302 and "/account/forgot" in response.location


def test_unknown_email_gets_the_same_answer_and_no_mail(client, db, outbox):
    response = client.post(
        "/account/forgot", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert "Jeśli konto z tym adresem e-mail istnieje" in response.get_data(as_text=True)
    assert outbox == []


def test_forged_token_is_refused(client, db):
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 302 and "/account/forgot" in response.location


def test_expired_token_is_refused(app, make, db):
    user = make.juror()
    token = services.reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        assert services.user_from_reset_token(token) is None
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 7200
    assert services.user_from_reset_token(token) == user


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [("short", "short", "od 10 do 200 znaków"), (NEW, NEW + "x", "Hasła nie są takie same.")],
)
def test_new_password_validation(client, make, db, password, confirm, message):
    user = make.juror()
    db.session.commit()
    link = "/account/reset/" + services.reset_token(user)
    response = client.post(link, data={"password": password, "confirm": confirm})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)  # unchanged
