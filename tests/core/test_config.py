from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.config import normalise_database_url


@pytest.fixture
def clean_env(monkeypatch):
    for key in (
        "DATABASE_URL",
        "SECRET_KEY",
        "UPLOAD_DIR",
        "MAIL_SERVER",
        "MAIL_PORT",
        "REDIS_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_defaults_need_nothing_set(tmp_path, clean_env):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'laurel.db'}"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert Path(app.config["UPLOAD_DIR"]).is_dir()
    assert app.config["BABEL_DEFAULT_LOCALE"] == "pl"
    assert app.config["MAX_FILE_MB"] == 20 and app.config["MAX_APPLICATION_MB"] == 100
    key = app.config["SECRET_KEY"]
    assert len(key) == 64
    # The generated key is kept, so sessions survive a restart.
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides(tmp_path, clean_env):
    clean_env.setenv("DATABASE_URL", "postgres://u:p@db.example.org/laurel")
    clean_env.setenv("SECRET_KEY", "from-env")
    clean_env.setenv("UPLOAD_DIR", str(tmp_path / "files"))
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    clean_env.setenv("MAIL_PORT", "587")
    clean_env.setenv("MAIL_USE_TLS", "true")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.org/laurel"
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "files")
    assert app.config["MAIL_SERVER"] == "smtp.example.org"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["MAIL_USE_TLS"] is True
    assert not (tmp_path / "secret_key").exists()


def test_testing_overrides_win_over_environment(tmp_path, clean_env):
    clean_env.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "override", "TESTING": True})
    assert app.config["SECRET_KEY"] == "override"
    assert app.testing


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path, clean_env):
    import sqlalchemy as sa

    from app.extensions import db

    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()
