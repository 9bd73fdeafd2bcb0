"""Configuration: defaults that work with nothing set, then the environment.

Order (later wins): `Config` defaults -> `instance/config.py` if present ->
environment variables -> `create_app(overrides)`.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "UPLOAD_DIR",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_DEFAULT_SENDER",
    "REDIS_URL",
    "SERVER_NAME",
    "PREFERRED_URL_SCHEME",
    "MAX_FILE_MB",
    "MAX_APPLICATION_MB",
    "CONSENSUS_STUCK_DAYS",
    "TRUSTED_PROXIES",
    "PREFER_HTTPS",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_DAYS",
    "LOGIN_LIMIT_PER_IP",
    "LOGIN_LIMIT_PER_ACCOUNT",
    "DIPLOMA_PROCESSES",
)
_INTEGERS = {
    "MAIL_PORT",
    "MAX_FILE_MB",
    "MAX_APPLICATION_MB",
    "TRUSTED_PROXIES",
    "CONSENSUS_STUCK_DAYS",
    "DIPLOMA_PROCESSES",
}
_BOOLEANS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "PREFER_HTTPS", "SESSION_COOKIE_SECURE"}


class Config:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a long application form must still save after hours
    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
    LANGUAGES = ("pl", "en")
    # Processes rendering a diploma batch; 0 = one per core (app/pdf/render.py).
    DIPLOMA_PROCESSES = 0
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_DEFAULT_SENDER = "laurel@localhost"
    MAX_FILE_MB = 20
    MAX_APPLICATION_MB = 100
    # An objection to a consensus draft older than this makes the review "stuck".
    CONSENSUS_STUCK_DAYS = 3
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    INVITATION_MAX_AGE = 14 * 24 * 3600
    # Days before a deadline when offices with drafts and jurors with open
    # sheets are reminded (app/reminders.py).
    DEADLINE_REMINDER_DAYS = (7, 1)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # "Keep me signed in" lasts this many days (the cookie dies sooner when the
    # user signs out everywhere or changes the password).
    REMEMBER_COOKIE_DAYS = 14
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS only (directly or behind a proxy): every cookie is
    # Secure and HSTS is sent. Requests that arrive over HTTPS get both anyway.
    PREFER_HTTPS = False
    HSTS_MAX_AGE = 365 * 24 * 3600
    # How many reverse proxies in front of Laurel set X-Forwarded-For/-Proto;
    # 0 = none, the headers are ignored (a client could forge them).
    TRUSTED_PROXIES = 0
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    # Failed sign-ins only; a successful one does not count.
    LOGIN_LIMIT_PER_IP = "20/minute"
    LOGIN_LIMIT_PER_ACCOUNT = "10/5 minutes"


def _coerce(key: str, value: str):
    if key in _INTEGERS:
        return int(value)
    if key == "REMEMBER_COOKIE_DAYS":
        return float(value)
    if key in _BOOLEANS:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return value


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out (postgres://, postgresql://)
    and point them at psycopg 3, the driver Laurel installs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def persistent_secret_key(instance_path: Path) -> str:
    """A random key generated once and kept in instance/, so sessions survive
    restarts without anybody having to invent a secret."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(app, overrides: dict | None = None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if key in os.environ and os.environ[key] != "":
            app.config[key] = _coerce(key, os.environ[key])
    if overrides:
        app.config.update(overrides)

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{instance / 'laurel.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(instance)
    upload_dir = Path(app.config.get("UPLOAD_DIR") or instance / "uploads")
    upload_dir.mkdir(parents=True, exist_ok=True)
    app.config["UPLOAD_DIR"] = str(upload_dir)
    if app.config.get("REDIS_URL") and "RATELIMIT_STORAGE_URI" not in (overrides or {}):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.config["REMEMBER_COOKIE_DURATION"] = dt.timedelta(
        days=float(app.config["REMEMBER_COOKIE_DAYS"])
    )
    if app.config["PREFER_HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config.setdefault("PREFERRED_URL_SCHEME", "https")
        if app.config["PREFERRED_URL_SCHEME"] == "http":
            app.config["PREFERRED_URL_SCHEME"] = "https"
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config["SESSION_COOKIE_SECURE"])
    # Werkzeug refuses a body over this before any view runs (413).
    app.config["MAX_CONTENT_LENGTH"] = (int(app.config["MAX_FILE_MB"]) + 1) * 1024 * 1024
