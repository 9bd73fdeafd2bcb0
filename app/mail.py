"""Outgoing e-mail. With no MAIL_SERVER configured, messages go to the log, so
a fresh install can still reset passwords by reading the console."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("laurel.mail")


@dataclass
class SentMail:
    to: str
    subject: str
    body: str


def outbox() -> list[SentMail]:
    """Messages sent by this app (kept in TESTING mode, for tests to read)."""
    return current_app.extensions.setdefault("laurel_outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
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
