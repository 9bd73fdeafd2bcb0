"""0011_audit_chain re-chains the existing events with the new hash (the old
chain checked first, its result and head kept in a last event), then makes
prev_hash unique; 0011_session_token gives every user a token of their own."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.audit import services as audit
from app.audit.models import GENESIS
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401  (fixture)


def _old_digest(e: dict) -> str:
    """The hash before 0011 (it left out the actor's e-mail and the IP)."""
    body = json.dumps(
        {
            "prev": e["prev_hash"],
            "at": e["created_at"],
            "actor": e["actor_id"],
            "action": e["action"],
            "type": e["object_type"],
            "id": e["object_id"],
            "edition": e["edition_id"],
            "before": e["before"],
            "after": e["after"],
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _old_events(fork: bool = False, tamper: bool = False) -> list[dict]:
    events, prev = [], GENESIS
    for n in range(1, 4):
        e = {
            "id": n,
            "created_at": f"2026-01-0{n}T10:00:00.123456",
            "actor_id": 1,
            "actor_email": "anna@example.org",
            "action": "test.event",
            "object_type": "User",
            "object_id": 1,
            "edition_id": None,
            "before": None,
            "after": {"n": n, "note": "zażółć"},
            "ip_address": "192.0.2.1",
            "prev_hash": GENESIS if fork and n == 3 else prev,
        }
        e["hash"] = prev = _old_digest(e)
        events.append(e)
    if tamper:
        events[1]["after"] = {"n": 99}
    return events


def _insert(conn, events):
    for e in events:
        conn.execute(
            sa.text(
                "INSERT INTO audit_event (id, created_at, actor_id, actor_email, action,"
                " object_type, object_id, edition_id, before, after, ip_address, prev_hash, hash)"
                " VALUES (:id, :created_at, :actor_id, :actor_email, :action, :object_type,"
                " :object_id, :edition_id, :before, :after, :ip_address, :prev_hash, :hash)"
            ),
            {
                **e,
                "created_at": e["created_at"].replace("T", " "),
                "before": None,
                "after": json.dumps(e["after"], ensure_ascii=False),
            },
        )


def _users(conn):
    for n in (1, 2):
        conn.execute(
            sa.text(
                'INSERT INTO "user" (id, email, full_name, role, is_active_account, created_at)'
                " VALUES (:id, :email, 'U', 'juror', true, '2026-01-01')"
            ),
            {"id": n, "email": f"u{n}@example.org"},
        )


@pytest.fixture
def migrating_app(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "TESTING": True,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("old", ["intact", "tampered", "forked"])
def test_existing_events_are_rechained(migrating_app, old):
    upgrade(revision="0003_results")
    events = _old_events(fork=old == "forked", tamper=old == "tampered")
    with db.engine.begin() as conn:
        _users(conn)
        _insert(conn, events)
    upgrade()

    check = audit.verify_chain()
    assert check.intact and check.checked == 4
    rows = db.session.execute(
        sa.text("SELECT id, actor_email, ip_address, action, after FROM audit_event ORDER BY id")
    ).all()
    assert [r.actor_email for r in rows[:3]] == ["anna@example.org"] * 3
    rechained = rows[3]
    assert rechained.action == "audit.rechained"
    after = rechained.after if isinstance(rechained.after, dict) else json.loads(rechained.after)
    assert after == {
        "events": 3,
        "previous_head": events[-1]["hash"],
        "previous_chain_intact": old == "intact",
        "previous_first_mismatch": {"intact": None, "tampered": 2, "forked": 3}[old],
    }
    head = db.session.execute(sa.text("SELECT event_id, hash FROM audit_head")).one()
    assert (head.event_id, head.hash) == (4, check.head_hash)

    # The actor's e-mail is now covered by the hash; parents are unique.
    db.session.execute(sa.text("UPDATE audit_event SET actor_email = 'x@example.org' WHERE id = 1"))
    assert audit.verify_chain().event_id == 1
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO audit_event (id, created_at, action, prev_hash, hash)"
                " VALUES (99, '2026-02-01', 'x', :prev, :hash)"
            ),
            {"prev": GENESIS, "hash": "e" * 64},
        )
    db.session.rollback()

    # New events continue the chain.
    audit.record("test.after_upgrade")
    db.session.commit()
    assert audit.verify_chain().intact
    db.session.commit()  # PostgreSQL: an open read would block the downgrade's DDL

    downgrade(revision="0003_results")
    tables = set(sa.inspect(db.engine).get_table_names())
    assert not {"audit_head", "audit_checkpoint"} & tables
    # The old code's hash is back, so the old verification holds.
    with db.engine.connect() as conn:
        old_rows = conn.execute(sa.text("SELECT * FROM audit_event ORDER BY id")).mappings().all()
    prev = GENESIS
    for r in old_rows:
        e = dict(r)
        created = e["created_at"]
        e["created_at"] = created if isinstance(created, str) else created.isoformat()
        e["created_at"] = e["created_at"].replace(" ", "T")
        for key in ("before", "after"):
            if isinstance(e[key], str):
                e[key] = json.loads(e[key])
        assert e["prev_hash"] == prev and _old_digest(e) == e["hash"]
        prev = e["hash"]


def test_an_empty_trail_gets_an_empty_head(migrating_app):
    upgrade()
    head = db.session.execute(sa.text("SELECT id, event_id, hash FROM audit_head")).one()
    assert tuple(head) == (1, None, GENESIS)
    assert db.session.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 0
    event = audit.record("test.first")
    db.session.commit()
    assert event.id == 1 and event.prev_hash == GENESIS
    assert audit.verify_chain().intact


def test_every_user_gets_a_session_token_of_their_own(migrating_app):
    upgrade(revision="0011_audit_chain")
    with db.engine.begin() as conn:
        _users(conn)
    upgrade()
    tokens = db.session.execute(sa.text('SELECT session_token FROM "user"')).scalars().all()
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text('UPDATE "user" SET session_token = NULL'))
    db.session.rollback()
    db.session.commit()
    downgrade(revision="0011_audit_chain")
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("user")}
    assert "session_token" not in columns
