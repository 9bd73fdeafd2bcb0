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


def test_scoring_migration_keeps_existing_scores(empty_database_url, tmp_path):
    """0002 copies each score's scale from its criterion and its comment into
    the strengths; the database then refuses a value above the maximum."""
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        upgrade(revision="bc685d1d201d")
        with db.engine.begin() as conn:
            run = conn.execute
            run(
                sa.text(
                    "INSERT INTO edition (id, name, slug, year, description, organizer_name, status,"
                    " gala_place, jurors_per_application, feedback_published, created_at)"
                    " VALUES (1, 'E', 'e', 2026, '', '', 'stage1', '', 3, false, '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO category (id, edition_id, name, description, allowed_office_types, position) VALUES (1, 1, 'K', '', '[]', 0)"
                )
            )
            run(
                sa.text(
                    "INSERT INTO area (id, edition_id, name, description, position) VALUES (1, 1, 'A', '', 0)"
                )
            )
            run(
                sa.text(
                    "INSERT INTO criterion (id, area_id, stage, name, guidance, max_score, weight, position) VALUES (7, 1, 1, 'C', '', 20, 1, 0)"
                )
            )
            run(
                sa.text(
                    "INSERT INTO office (id, name, office_type, voivodeship, city, address, postal_code,"
                    " contact_name, contact_email, phone, status, rejection_reason, created_at)"
                    " VALUES (1, 'U', 'municipal', 'mazowieckie', 'X', '', '', '', '', '', 'approved', '', '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO application (id, edition_id, category_id, office_id, status, submitted_at,"
                    " reopen_reason, created_at, updated_at, version)"
                    " VALUES (1, 1, 1, 1, 'submitted', '2026-01-02', '', '2026-01-01', '2026-01-01', 1)"
                )
            )
            run(
                sa.text(
                    "INSERT INTO \"user\" (id, email, full_name, role, is_active_account, created_at) VALUES (1, 'j@x.pl', 'J', 'juror', true, '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO assignment (id, application_id, juror_id, stage, created_at) VALUES (1, 1, 1, 1, '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO score_sheet (id, assignment_id, status, general_comment, updated_at, version) VALUES (1, 1, 'submitted', '', '2026-01-03', 1)"
                )
            )
            run(
                sa.text(
                    "INSERT INTO score (id, sheet_id, criterion_id, value, comment) VALUES (1, 1, 7, 15, 'Dobra karta usług')"
                )
            )
        upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(
                sa.text("SELECT stage, max_score, step, value, strengths FROM score WHERE id = 1")
            ).one()
            assert (row.stage, row.max_score, float(row.step), float(row.value), row.strengths) == (
                1,
                20,
                1.0,
                15.0,
                "Dobra karta usług",
            )
            sheet = conn.execute(sa.text("SELECT stage, submitted_at FROM score_sheet")).one()
            assert sheet.stage == 1 and sheet.submitted_at is not None
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE score SET value = 21 WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE score SET value = 14.5 WHERE id = 1"))
        db.engine.dispose()


def test_results_settings_migration_gives_existing_editions_the_defaults(
    empty_database_url, tmp_path
):
    """0003 fills an existing edition with the declared defaults; the database
    then refuses stage weights that do not add up to 100."""
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        upgrade(revision="0002_scoring")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO edition (id, name, slug, year, description, organizer_name, status,"
                    " gala_place, jurors_per_application, feedback_published, peer_scores_visible,"
                    " created_at)"
                    " VALUES (1, 'E', 'e', 2026, '', '', 'stage1', '', 3, false, false, '2026-01-01')"
                )
            )
        upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT score_mode, stage1_weight, stage2_weight, tie_rule,"
                    " qualification_mode, qualification_value FROM edition"
                )
            ).one()
        assert (row[0], float(row[1]), float(row[2]), row[3], row[4], float(row[5])) == (
            "normalised",
            40.0,
            60.0,
            "stage2,checklist,stage1",
            "top_k",
            10.0,
        )
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE edition SET stage1_weight = 50"))
        downgrade(revision="0002_scoring")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("edition")}
        assert "score_mode" not in columns
        db.engine.dispose()


def test_results_record_migration_moves_outcomes_into_awards(empty_database_url, tmp_path):
    """0004: a special award's free title becomes the edition's special-award
    definition, and the outcome statuses become qualified / not qualified
    (by whether the entry had a stage-2 assignment). Downgrading brings the
    title back."""
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with app.app_context():
        upgrade(revision="0003_results")
        with db.engine.begin() as conn:
            run = conn.execute
            run(
                sa.text(
                    "INSERT INTO edition (id, name, slug, year, description, organizer_name, status,"
                    " gala_place, jurors_per_application, feedback_published, peer_scores_visible,"
                    " created_at)"
                    " VALUES (1, 'E', 'e', 2026, '', '', 'results_published', '', 3, false, false,"
                    " '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO category (id, edition_id, name, description, allowed_office_types,"
                    " position) VALUES (1, 1, 'K', '', '[]', 0)"
                )
            )
            for office_id in (1, 2):
                run(
                    sa.text(
                        "INSERT INTO office (id, name, office_type, voivodeship, city, address,"
                        " postal_code, contact_name, contact_email, phone, status,"
                        " rejection_reason, created_at) VALUES (:id, :name, 'municipal',"
                        " 'mazowieckie', 'X', '', '', '', '', '', 'approved', '', '2026-01-01')"
                    ),
                    {"id": office_id, "name": f"U{office_id}"},
                )
            for app_id, status in ((1, "laureate"), (2, "participant")):
                run(
                    sa.text(
                        "INSERT INTO application (id, edition_id, category_id, office_id, status,"
                        " submitted_at, reopen_reason, created_at, updated_at, version)"
                        " VALUES (:id, 1, 1, :id, :status, '2026-01-02', '', '2026-01-01',"
                        " '2026-01-01', 1)"
                    ),
                    {"id": app_id, "status": status},
                )
            run(
                sa.text(
                    'INSERT INTO "user" (id, email, full_name, role, is_active_account, created_at)'
                    " VALUES (1, 'j@x.pl', 'J', 'juror', true, '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO assignment (id, application_id, juror_id, stage, created_at)"
                    " VALUES (1, 1, 1, 2, '2026-01-01')"
                )
            )
            run(
                sa.text(
                    "INSERT INTO award (id, edition_id, category_id, application_id, kind, title,"
                    " justification, decided_at) VALUES"
                    " (1, 1, 1, 1, 'laureate', '', 'Najlepszy', '2026-02-01'),"
                    " (2, 1, NULL, 1, 'special', 'Urząd innowacyjny', 'E-usługi', '2026-02-01')"
                )
            )
        upgrade()
        with db.engine.begin() as conn:
            statuses = dict(conn.execute(sa.text("SELECT id, status FROM application")).all())
            assert statuses == {1: "qualified", 2: "not_qualified"}
            [(special_id, name)] = conn.execute(sa.text("SELECT id, name FROM special_award")).all()
            assert name == "Urząd innowacyjny"
            awards = dict(conn.execute(sa.text("SELECT id, special_award_id FROM award")).all())
            assert awards == {1: None, 2: special_id}
        # The database refuses the removed statuses and a second category award.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE application SET status = 'laureate' WHERE id = 2"))
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO award (edition_id, category_id, application_id, kind,"
                    " justification, departure_reason, decided_at)"
                    " VALUES (1, 1, 1, 'distinction', '', '', '2026-02-01')"
                )
            )
        downgrade(revision="0003_results")
        with db.engine.begin() as conn:
            titles = dict(conn.execute(sa.text("SELECT id, title FROM award")).all())
        assert titles == {1: "", 2: "Urząd innowacyjny"}
        db.engine.dispose()
