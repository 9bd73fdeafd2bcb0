"""app/read_commits.py: on PostgreSQL a request that only read ends in
COMMIT (psycopg keeps its prepared statements), anything that wrote still
ends in ROLLBACK unless the view committed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.extensions import db as _db
from app.read_commits import _is_read


@pytest.mark.parametrize(
    ("statement", "read"),
    [
        ("SELECT 1", True),
        ("  select user.id FROM user", True),
        ("SELECT id FROM audit_head FOR UPDATE", False),
        ("UPDATE score SET value = 1", False),
        ("INSERT INTO x VALUES (1)", False),
        ("DELETE FROM x", False),
        ("WITH t AS (DELETE FROM x RETURNING id) SELECT * FROM t", False),
        ("SAVEPOINT sa_1", False),
    ],
)
def test_only_plain_selects_count_as_reads(statement, read):
    assert _is_read(statement) is read


@pytest.fixture
def postgres(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("read-only commits are a PostgreSQL matter (psycopg's prepared statements)")


@pytest.fixture
def endings(app, postgres):
    seen = []

    def on_commit(conn):
        seen.append("commit")

    def on_rollback(conn):
        seen.append("rollback")

    sa.event.listen(_db.engine, "commit", on_commit)
    sa.event.listen(_db.engine, "rollback", on_rollback)
    yield seen
    sa.event.remove(_db.engine, "commit", on_commit)
    sa.event.remove(_db.engine, "rollback", on_rollback)


def test_a_request_that_only_read_commits(app, endings):
    # Its own app context, as in production (the test's own one outlives requests).
    with app.app_context():
        _db.session.scalar(sa.select(sa.func.count(User.id)))
    assert endings == ["commit"]


def test_a_request_that_wrote_without_committing_is_rolled_back(app, endings):
    with app.app_context():
        _db.session.add(User(email="half@example.org", full_name="Half", role=Role.juror))
        _db.session.flush()
    assert endings == ["rollback"]
    assert _db.session.scalar(sa.select(User).where(User.email == "half@example.org")) is None


def test_a_locking_read_is_rolled_back(app, endings):
    with app.app_context():
        _db.session.execute(sa.select(User.id).with_for_update())
    assert endings == ["rollback"]


def test_a_request_that_failed_after_reading_is_not_committed_twice(app, endings):
    with app.app_context():
        _db.session.scalar(sa.select(sa.func.count(User.id)))
        _db.session.commit()
    # The view committed; the session then holds no transaction to end.
    assert endings == ["commit"]


def test_prepared_statements_survive_read_only_requests(app, postgres):
    query = sa.select(User.id).where(User.email == sa.bindparam("email"))
    # One connection in the pool, so every request below gets the same one
    # (prepared statements live in a connection).
    _db.engine.dispose()
    for _ in range(8):
        with app.app_context():
            _db.session.execute(query, {"email": "nobody@example.org"}).all()
    with app.app_context():
        names = _db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")).all()
    assert any('WHERE "user".email' in name for name in names)


def test_mail_queued_without_a_commit_is_still_dropped(app, endings, outbox):
    from app.mail import send_mail

    with app.app_context():
        _db.session.scalar(sa.select(sa.func.count(User.id)))
        send_mail("someone@example.org", "Temat", "Treść")
    assert endings == ["rollback"]
    assert outbox == []
