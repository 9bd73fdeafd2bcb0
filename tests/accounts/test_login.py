from __future__ import annotations

from app.accounts.models import Role
from app.audit.models import AuditEvent
from tests.factories import PASSWORD


def test_login_page_is_polish_by_default(client):
    response = client.get("/account/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert "Zaloguj się" in html


def test_login_and_logout(client, auth, make, db):
    user = make.organizer(email="anna@example.org")
    db.session.commit()
    response = auth.login("ANNA@example.org ")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert user.full_name in home
    assert auth.logout().status_code == 302
    assert user.full_name not in client.get("/").get_data(as_text=True)
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-2:] == ["login", "logout"]


def test_wrong_password_is_refused_with_a_message(client, auth, make, db):
    make.organizer(email="anna@example.org")
    db.session.commit()
    response = auth.login("anna@example.org", "wrong password")
    assert response.status_code == 200
    assert "Nieprawidłowy e-mail lub hasło" in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, auth, make, db):
    make.organizer(email="gone@example.org", is_active_account=False)
    db.session.commit()
    assert auth.login("gone@example.org").status_code == 200


def test_password_is_hashed_with_argon2(make):
    user = make.user(Role.juror, password=PASSWORD)
    assert user.password_hash.startswith("$argon2")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_production_hashes_use_the_strong_argon2_profile(tmp_path):
    from app import create_app
    from app.accounts.models import User

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        user = User(email="x@example.org", full_name="X", role=Role.juror)
        user.set_password(PASSWORD)
    assert "m=65536" in user.password_hash
    assert user.check_password(PASSWORD)
