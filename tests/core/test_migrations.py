"""The one Alembic history builds exactly the schema the models describe."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import TEST_DB_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DB_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    name = f"laurel_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        TEST_DB_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_on_empty_database_matches_models(empty_database_url, tmp_path):
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"edition", "application", "score", "audit_event", "diploma", "news_post"} <= tables
        # Constraints live in the database, not only in Python.
        checks = {c["name"] for c in sa.inspect(db.engine).get_check_constraints("criterion")}
        assert "ck_criterion_max_score" in checks
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migration_test_database_choice_follows_environment():
    # Guard against the PostgreSQL run silently testing SQLite.
    if os.environ.get("LAUREL_TEST_DATABASE_URL", "").startswith("postgresql"):
        assert TEST_DB_URL.startswith("postgresql")
