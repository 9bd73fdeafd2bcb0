"""Shared fixtures.

The suite runs on SQLite by default. With LAUREL_TEST_DATABASE_URL set (the
Makefile sets it to the local PostgreSQL for the second run) it runs on that
database instead. Each test starts from empty tables.
"""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db
from tests import factories

TEST_DB_URL = os.environ.get("LAUREL_TEST_DATABASE_URL", "")

# Per-request caches that extensions keep on `g`. A test holds one app context
# open (the `db` fixture), and the test client reuses it for every request, so
# without this the signed-in user and the language would leak between requests.
_PER_REQUEST_G = ("_login_user", "_flask_babel", "_counts_token")


class IsolatedClient(FlaskClient):
    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if ctx is not None:
            for key in _PER_REQUEST_G:
                ctx.g.pop(key, None)
        return super().open(*args, **kwargs)


def pytest_report_header(config):
    return f"laurel database: {TEST_DB_URL or 'sqlite (temporary file)'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DB_URL or f"sqlite:///{instance / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "MAIL_SERVER": "",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    # DELETE, children first: on the few rows a test leaves it is far quicker
    # than TRUNCATE, which rebuilds every table and index file on PostgreSQL.
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def db(app):
    """An app context with empty tables; the session is cleaned afterwards."""
    with app.app_context():
        _empty_tables()
        app.extensions["laurel_outbox"] = []
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def outbox(app, db):
    return app.extensions.setdefault("laurel_outbox", [])


@pytest.fixture
def make(db):
    """Factory functions: make.user(...), make.edition(...), make.application(...), ..."""
    return factories.Factories(db)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=factories.PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post(
            "/account/login", data={"email": email, "password": password}, follow_redirects=False
        )

    def logout(self):
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(client, make):
    """login_as("organizer") -> the signed-in user (a new one of that role)."""

    def login(role_or_user, **kw):
        user = role_or_user
        if isinstance(role_or_user, str):
            user = {
                "organizer": make.organizer,
                "juror": make.juror,
                "office": make.office_user,
            }[role_or_user](**kw)
        _db.session.commit()
        response = Auth(client).login(user)
        assert response.status_code == 302, "login failed in a fixture"
        return user

    return login


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def request_ctx(app, db):
    """Services translate their messages, which needs a request (the locale lives in it)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def english_request_ctx(app, db):
    """A request context in English, for service tests that match messages."""
    from flask import session

    with app.test_request_context("/"):
        session["lang"] = "en"
        yield
