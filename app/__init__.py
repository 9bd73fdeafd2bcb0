"""Laurel: competition and award management."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, has_request_context, request, session
from flask_login import current_user

from app import config
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

# One blueprint per area (and audience where an area has two).
BLUEPRINTS = (
    "app.main",
    "app.accounts.views",
    "app.editions.views",
    "app.offices.admin.views",
    "app.offices.views",
    "app.jury.views",
    "app.jury.sheet_views",
    "app.jury.visits.views",
    "app.jury.consensus.views",
    "app.results.views",
    "app.results.feedback_views",
    "app.awards.views",
    "app.awards.diploma_views",
    "app.awards.verify_views",
    "app.jobs_views",
    "app.audit.views",
    "app.public.views",
    "app.public.admin_views",
)


def select_locale() -> str:
    """The language the user picked (session), else the account's, else Polish.
    The browser's Accept-Language is deliberately not used: Laurel is Polish
    first, and English only on request."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # CLI commands and background work speak the default language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while a writer writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    if overrides and overrides.get("INSTANCE_PATH"):
        app.instance_path = overrides["INSTANCE_PATH"]
    config.load(app, overrides)
    logging.basicConfig(level=logging.INFO)
    # WeasyPrint logs every step of every PDF at INFO: a batch of diplomas
    # would bury the app's own log lines.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)

    from app.i18n import translation_directories

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from app import translating

    translating.install(app, babel)
    # One Limiter object serves every app in the process (tests make many), and
    # its own on/off switch is global; so it is always initialised on, and each
    # app's RATELIMIT_ENABLED is read per request by the filter in extensions.py.
    rate_limits = app.config["RATELIMIT_ENABLED"]
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = rate_limits

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
        from app import read_commits

        read_commits.init_app(app)

    from app import models  # noqa: F401  (registers every table)
    from app.inputs import register as register_inputs

    register_inputs(app)  # the bounded <int:...> converter must precede the blueprints
    for path in BLUEPRINTS:
        module = importlib.import_module(path)
        app.register_blueprint(module.bp)

    from app import cli, counts_cache, errors, jobs, reminders, templating

    counts_cache.init_app(app)

    jobs.init_app(app)
    jobs.register_cli(app)
    reminders.register_cli(app)
    errors.register(app)
    templating.register(app)
    cli.register(app)

    from app import security

    security.register(app)

    @app.before_request
    def remember_language():
        # ?lang=en on any page switches language for the rest of the session.
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang

    return app
