"""CSRF, role guards, safe redirects, error pages."""

from __future__ import annotations

import pytest
from flask import Blueprint

from app import create_app
from app.accounts.decorators import juror_required, office_required, organizer_required
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD


@pytest.fixture
def csrf_app(app):
    """The same database, but CSRF on, as in production."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "csrf-secret",
            "RATELIMIT_ENABLED": False,
        }
    )


def test_login_without_csrf_token_is_refused(csrf_app, make, db):
    make.organizer(email="o@example.org")
    db.session.commit()
    client = csrf_app.test_client()
    response = client.post("/account/login", data={"email": "o@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formularz wygasł" in response.get_data(as_text=True)


def test_login_with_csrf_token_works(csrf_app, make, db):
    make.organizer(email="o@example.org")
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    response = client.post(
        "/account/login", data={"email": "o@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_logout_needs_post_with_token(csrf_app, make, db):
    make.organizer(email="o@example.org")
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    client.post(
        "/account/login", data={"email": "o@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400
    home = client.get("/").get_data(as_text=True)
    assert (
        client.post("/account/logout", data={"csrf_token": csrf_token_from(home)}).status_code
        == 302
    )


@pytest.fixture(scope="module")
def guarded_app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("guards")),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "x",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    bp = Blueprint("guarded", __name__)
    bp.route("/only/organizer")(organizer_required(lambda: "organizer page"))
    bp.route("/only/juror", endpoint="j")(juror_required(lambda: "juror page"))
    bp.route("/only/office", endpoint="o")(office_required(lambda: "office page"))

    def boom():
        raise RuntimeError("secret internals")

    bp.route("/boom")(boom)
    app.register_blueprint(bp)
    from app.extensions import db

    with app.app_context():
        db.create_all()
    return app


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("organizer", "/only/organizer", 200),
        ("juror", "/only/organizer", 403),
        ("office", "/only/organizer", 403),
        ("juror", "/only/juror", 200),
        ("organizer", "/only/juror", 403),
        ("office", "/only/juror", 403),
        ("office", "/only/office", 200),
        ("organizer", "/only/office", 403),
        ("juror", "/only/office", 403),
    ],
)
def test_role_guards_answer_403_not_a_redirect(guarded_app, role, url, status):
    from app.accounts.models import Role
    from app.extensions import db
    from tests.factories import Factories

    with guarded_app.app_context():
        make = Factories(db)
        user = {"organizer": make.organizer, "juror": make.juror, "office": make.office_user}[
            role
        ]()
        db.session.commit()
        email = user.email
        assert user.role is Role(role)
    client = guarded_app.test_client()
    assert (
        client.post("/account/login", data={"email": email, "password": PASSWORD}).status_code
        == 302
    )
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "Brak dostępu" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/only/organizer", "/only/juror", "/only/office"])
def test_role_guards_send_anonymous_users_to_login(guarded_app, url):
    response = guarded_app.test_client().get(url)
    assert response.status_code == 302
    assert "/account/login" in response.location and "next=" in response.location


@pytest.mark.parametrize(
    "target", ["https://evil.example.org/", "//evil.example.org/x", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client, make, db, target):
    make.organizer(email="o@example.org")
    db.session.commit()
    response = client.post(
        "/account/login?next=" + target, data={"email": "o@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/organizer/editions/"  # the organizer's own start page


def test_login_follows_a_local_next(client, make, db):
    make.organizer(email="o@example.org")
    db.session.commit()
    response = client.post(
        "/account/login?next=/organizer/audit/",
        data={"email": "o@example.org", "password": PASSWORD},
    )
    assert response.location == "/organizer/audit/"


def test_404_page_is_friendly_and_polish(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.get_data(as_text=True)


def test_500_page_hides_the_stack_trace(guarded_app):
    response = guarded_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Coś poszło nie tak" in body and "secret internals" not in body


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_login_attempts_are_rate_limited_per_app(app, client, tmp_path, make, db):
    limited = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "limits",
        }
    )
    assert limited.config["RATELIMIT_ENABLED"] is True
    make.organizer(email="o@example.org")
    db.session.commit()
    wrong = {"email": "o@example.org", "password": "wrong password"}
    limited_client = limited.test_client()
    # Twenty failures from one address (on as many accounts), then a refusal;
    # tests/accounts/test_login_limits.py has the per-account limit.
    codes = [
        limited_client.post(
            "/account/login", data={**wrong, "email": f"o{n}@example.org"}
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    assert "Zbyt wiele prób" in limited_client.post("/account/login", data=wrong).get_data(
        as_text=True
    )
    # The test app, configured without limits, is not affected by the other app.
    assert all(client.post("/account/login", data=wrong).status_code == 200 for _ in range(25))


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
