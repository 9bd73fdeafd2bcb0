"""Sign-in limits behind a reverse proxy: failed sign-ins are counted per
visitor address (from ProxyFix) and per account, successes are not counted,
a refusal says when to retry, and an unknown e-mail costs the same password
check as a known one."""

from __future__ import annotations

import pytest

from app import create_app
from app.accounts import models as account_models
from app.accounts import services
from app.audit.models import AuditEvent
from tests.factories import PASSWORD

WRONG = "wrong password"


@pytest.fixture
def limited_app(app, tmp_path):
    """The test database, rate limits on, behind one trusted proxy."""

    def make(**config):
        return create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path),
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "WTF_CSRF_ENABLED": False,
                "SECRET_KEY": "limits",
                "TRUSTED_PROXIES": 1,
                **config,
            }
        )

    return make


def _post(client, email, password, ip):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": ip},
    )


def test_visitors_behind_one_proxy_are_limited_separately(limited_app, make, db):
    for n in range(25):
        make.organizer(email=f"o{n}@example.org")
    db.session.commit()
    client = limited_app().test_client()
    # One visitor tries many accounts: its 21st failure in a minute is refused...
    codes = [
        _post(client, f"o{n}@example.org", WRONG, "203.0.113.1").status_code for n in range(21)
    ]
    assert codes == [200] * 20 + [429]
    # ... while another visitor behind the same proxy still signs in.
    assert _post(client, "o0@example.org", PASSWORD, "203.0.113.2").status_code == 302


def test_failed_logins_are_limited_per_account_from_any_address(limited_app, make, db):
    make.organizer(email="target@example.org")
    make.organizer(email="other@example.org")
    db.session.commit()
    client = limited_app().test_client()
    codes = [
        _post(client, "Target@example.org ", WRONG, f"198.51.100.{n}").status_code
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]
    refused = _post(client, "target@example.org", PASSWORD, "198.51.100.99")
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 300
    assert "Zbyt wiele prób" in refused.get_data(as_text=True)
    # Other accounts are not affected.
    assert _post(client, "other@example.org", PASSWORD, "198.51.100.1").status_code == 302


def test_successful_logins_do_not_count(limited_app, make, db):
    make.juror(email="busy@example.org")
    db.session.commit()
    app = limited_app()
    for _ in range(25):
        fresh_browser = app.test_client()
        assert _post(fresh_browser, "busy@example.org", PASSWORD, "192.0.2.1").status_code == 302


def test_limits_are_configurable(limited_app, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    client = limited_app(LOGIN_LIMIT_PER_ACCOUNT="2/hour").test_client()
    codes = [_post(client, "jan@example.org", WRONG, "192.0.2.7").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert int(_post(client, "jan@example.org", WRONG, "192.0.2.8").headers["Retry-After"]) > 300


def test_audit_log_records_the_visitor_address_from_the_proxy(limited_app, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    client = limited_app(RATELIMIT_ENABLED=False).test_client()
    _post(client, "jan@example.org", WRONG, "203.0.113.9, 10.0.0.5")
    _post(client, "jan@example.org", PASSWORD, "203.0.113.10")
    db.session.expire_all()
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [(e.action, e.ip_address) for e in events] == [
        ("login.failed", "10.0.0.5"),  # one trusted proxy: the address it saw
        ("login", "203.0.113.10"),
    ]


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(limited_app, make, db):
    make.juror(email="jan@example.org")
    db.session.commit()
    client = limited_app(TRUSTED_PROXIES=0, RATELIMIT_ENABLED=False).test_client()
    _post(client, "jan@example.org", PASSWORD, "203.0.113.10")
    db.session.expire_all()
    assert db.session.query(AuditEvent).one().ip_address == "127.0.0.1"


def test_trusted_proxies_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert app.config["TRUSTED_PROXIES"] == 2
    client = app.test_client()

    @app.get("/_addr")
    def addr():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = client.get(
        "/_addr",
        headers={
            "X-Forwarded-For": "1.1.1.1, 203.0.113.4, 10.0.0.1",
            "X-Forwarded-Proto": "https, https",
        },
    )
    assert response.get_data(as_text=True) == "203.0.113.4 https"


class CountingHasher:
    def __init__(self, inner):
        self.inner = inner
        self.verified = 0

    def hash(self, password):
        return self.inner.hash(password)

    def verify(self, hashed, password):
        self.verified += 1
        return self.inner.verify(hashed, password)


@pytest.mark.parametrize("case", ["unknown", "wrong password", "no password", "deactivated"])
def test_every_failed_login_costs_one_password_check(case, make, db, monkeypatch):
    hasher = CountingHasher(account_models._CHEAP)
    monkeypatch.setattr(account_models, "_hasher", lambda: hasher)
    if case == "no password":
        make.juror(email="jan@example.org", password=None)
    elif case == "deactivated":
        make.juror(email="jan@example.org", is_active_account=False)
    elif case == "wrong password":
        make.juror(email="jan@example.org")
    password = PASSWORD if case == "deactivated" else WRONG
    hasher.verified = 0
    assert services.authenticate("jan@example.org", password) is None
    assert hasher.verified == 1


def test_the_dummy_check_uses_the_production_parameters(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        account_models.check_no_password("anything")
        dummy = account_models._DUMMY_HASHES[id(account_models._STRONG)]
    assert "m=65536" in dummy
