"""Outgoing e-mail. With no MAIL_SERVER configured, messages go to the log, so
a fresh install can still reset passwords by reading the console."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs import enqueue, job

log = logging.getLogger("laurel.mail")
# Messages waiting for their transaction to commit, in the session's info.
PENDING = "laurel_mail_pending"


@dataclass
class SentMail:
    to: str
    subject: str
    body: str


def outbox() -> list[SentMail]:
    """Messages sent by this app (kept in TESTING mode, for tests to read)."""
    return current_app.extensions.setdefault("laurel_outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a message once the current database transaction commits.

    The message is only queued here: if the request fails and rolls back,
    nothing goes out (an e-mail about a change that did not happen would be a
    lie); when it commits, each message becomes a background job with
    retries, so a slow or failing SMTP server never holds up a request. The
    caller renders the text in the recipient's language (force_locale)."""
    # Begin the transaction now if nothing has yet, so that its rollback, not
    # only its commit, is seen (a session without a transaction rolls back
    # silently).
    db.session.connection()
    db.session.info.setdefault(PENDING, []).append((to, subject, body))


@job(retries=3, retry_delay=60)
def deliver(to: str, subject: str, body: str) -> None:
    """Hand one message to the SMTP server (or the log, with none configured)."""
    cfg = current_app.config
    if cfg.get("TESTING"):
        outbox().append(SentMail(to, subject, body))
    if not cfg.get("MAIL_SERVER"):
        log.info("E-mail (no MAIL_SERVER configured)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    smtp_cls = smtplib.SMTP_SSL if cfg.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_cls(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=20) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(msg)


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for message in session.info.pop(PENDING, []):
        enqueue(deliver, *message)


@sa.event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)
