"""E-mail leaves only after the transaction commits, as a background job."""

from __future__ import annotations

import pytest

from app import create_app, jobs
from app.extensions import db as _db
from app.mail import PENDING, deliver, send_mail


def test_mail_waits_for_the_commit(db, outbox):
    send_mail("jan@example.org", "Temat", "Treść")
    assert outbox == []
    db.session.commit()
    assert [(m.to, m.subject, m.body) for m in outbox] == [("jan@example.org", "Temat", "Treść")]
    assert PENDING not in db.session.info


def test_a_rolled_back_request_sends_nothing(db, outbox):
    send_mail("jan@example.org", "Temat", "Treść")
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_a_failed_request_sends_nothing(client, make, db, outbox, monkeypatch):
    """A view that queued a message and then failed (500) leaves no mail."""
    from app.offices import services

    user = make.office_user()
    user.email_confirmed_at = None
    db.session.commit()

    def explode(*args, **kwargs):
        send_mail(user.email, "Potwierdzenie", "Link")
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "send_email_confirmation", explode)
    from tests.factories import PASSWORD

    client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    with pytest.raises(RuntimeError):
        client.post("/office/confirm/resend")
    db.session.rollback()
    db.session.commit()
    assert outbox == []


def test_outside_tests_mail_is_queued_not_sent(tmp_path, monkeypatch):
    """In production configuration the commit enqueues a job in the SQLite
    queue of the instance folder; the request sends nothing itself."""
    sent = []
    monkeypatch.setattr("smtplib.SMTP", lambda *a, **k: sent.append(a))
    app = create_app(
        {
            "TESTING": False,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'q.db'}",
            "MAIL_SERVER": "smtp.example.org",
        }
    )
    try:
        with app.app_context():
            before = jobs.huey.pending_count()
            send_mail("jan@example.org", "Temat", "Treść")
            _db.session.commit()
            assert jobs.huey.pending_count() == before + 1
            assert sent == []
            assert (tmp_path / "jobs.db").exists()
            jobs.huey.flush()
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_delivery_is_retried(db):
    assert deliver.retries == 3 and deliver.retry_delay == 60
