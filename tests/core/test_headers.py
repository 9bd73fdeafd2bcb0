"""Security headers: a strict Content-Security-Policy on every page (the
templates carry no inline script, style or event handler for it to block),
Secure cookies and HSTS when the site is reached over HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from app.offices.uploads import INLINE_HEADERS
from tests.factories import PASSWORD

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("url", ["/", "/account/login", "/no/such/page"])
def test_pages_get_a_strict_content_security_policy(client, url):
    policy = _policy(client.get(url))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


def test_signed_in_pages_get_the_policy_too(client, login_as):
    login_as("organizer")
    assert _policy(client.get("/account/"))["script-src"] == "'self'"


def test_inline_documents_keep_their_sandbox_policy(client, db, make, login_as):
    application = make.application()
    pdf = make.document(application=application)
    db.session.commit()
    login_as(make.office_user(office=application.office))
    response = client.get(f"/documents/{pdf.id}/view")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == INLINE_HEADERS["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def _templates():
    # PDF templates are rendered by WeasyPrint on the server, never by a browser.
    return [p for p in sorted(APP_DIR.rglob("templates/**/*.html")) if "pdf" not in p.parts]


INLINE = [
    ("a style attribute", re.compile(r"<[^>]*\sstyle\s*=", re.I | re.S)),
    ("a <style> element", re.compile(r"<style[\s>]", re.I)),
    ("an inline <script>", re.compile(r"<script(?![^>]*\ssrc\s*=)[^>]*>", re.I | re.S)),
    ("an event-handler attribute", re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)),
    ("a javascript: URL", re.compile(r"javascript:", re.I)),
]


def test_templates_have_no_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 40
    found = [
        f"{path.relative_to(APP_DIR)}: {what}"
        for path in templates
        for what, pattern in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ('<p style="color:red">x</p>', "a style attribute"),
        ("<style>p{}</style>", "a <style> element"),
        ("<script>alert(1)</script>", "an inline <script>"),
        ('<button type="button"\n  onclick="go()">x</button>', "an event-handler attribute"),
        ('<a href="javascript:go()">x</a>', "a javascript: URL"),
    ],
)
def test_the_template_scan_finds_each_kind(html, what):
    assert [w for w, pattern in INLINE if pattern.search(html)] == [what]
    ok = '<script src="/static/x.js" defer></script><p class="one">{{ x }}</p>'
    assert not any(pattern.search(ok) for _w, pattern in INLINE)


def _login_over(client, email, base_url):
    return client.post(
        "/account/login",
        data={"email": email, "password": PASSWORD, "remember": "y"},
        base_url=base_url,
    )


def _cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_cookies_are_secure_and_hsts_is_sent_over_https(client, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    response = _login_over(client, "jan@example.org", "https://localhost")
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= cookies.keys()
    for header in cookies.values():
        assert "; Secure" in header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1]) >= 180 * 24 * 3600


def test_no_secure_cookies_or_hsts_over_plain_http(client, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    response = _login_over(client, "jan@example.org", "http://localhost")
    assert all("Secure" not in h for h in _cookies(response).values())
    assert "Strict-Transport-Security" not in response.headers


@pytest.fixture
def make_app(app, tmp_path, clean_https_env):
    def make(**config):
        return create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path),
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SECRET_KEY": "https",
                **config,
            }
        )

    return make


@pytest.fixture
def clean_https_env(monkeypatch):
    for key in ("PREFER_HTTPS", "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_https_behind_a_trusted_proxy(make_app, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    client = make_app(TRUSTED_PROXIES=1).test_client()
    response = client.post(
        "/account/login",
        data={"email": "jan@example.org", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "; Secure" in _cookies(response)["session"]
    assert "Strict-Transport-Security" in response.headers


def test_a_forged_forwarded_proto_is_ignored_without_a_trusted_proxy(make_app, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    client = make_app().test_client()
    response = client.post(
        "/account/login",
        data={"email": "jan@example.org", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" not in _cookies(response)["session"]
    assert "Strict-Transport-Security" not in response.headers


def test_prefer_https_from_the_environment(make_app, clean_https_env, make, db):
    clean_https_env.setenv("PREFER_HTTPS", "true")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    make.juror(email="jan@example.org")
    db.session.commit()
    # Even when the proxy does not say so, the cookies are marked Secure.
    response = _login_over(app.test_client(), "jan@example.org", "http://localhost")
    assert all("; Secure" in h for h in _cookies(response).values())
    assert "Strict-Transport-Security" in response.headers


def test_session_cookie_secure_from_the_environment(make_app, clean_https_env):
    clean_https_env.setenv("SESSION_COOKIE_SECURE", "1")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
