"""Audit chain: every column hashed, unique parents, a head row that serialises appends, a verification checkpoint

Revision ID: 0011_audit_chain
Revises: 0013_consensus
Create Date: 2026-11-26 10:00:00.000000

Existing events are re-chained in id order with the new hash (the canonical
JSON of every column but the hash). The old chain is checked first with the
old hash; what was found (and the old head hash, which may have been
published) is recorded in a last "audit.rechained" event, so the new chain
carries the link to the old one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_audit_chain'
down_revision = '0013_consensus'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
# The hashed columns as this revision defines them (frozen: the app may add columns later).
COLUMNS = ("id", "created_at", "actor_id", "actor_email", "action", "object_type", "object_id",
           "edition_id", "before", "after", "ip_address", "prev_hash")

events = sa.table(
    "audit_event",
    sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime),
    sa.column("actor_id", sa.Integer), sa.column("actor_email", sa.String),
    sa.column("action", sa.String), sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer), sa.column("edition_id", sa.Integer),
    sa.column("before", sa.JSON), sa.column("after", sa.JSON),
    sa.column("ip_address", sa.String), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
head_table = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("event_id", sa.Integer), sa.column("hash", sa.String))


def new_digest(row) -> str:
    body = {name: row[name].isoformat() if isinstance(row[name], dt.datetime) else row[name] for name in COLUMNS}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def old_digest(row) -> str:
    body = json.dumps(
        {"prev": row["prev_hash"], "at": row["created_at"].isoformat(), "actor": row["actor_id"],
         "action": row["action"], "type": row["object_type"], "id": row["object_id"],
         "edition": row["edition_id"], "before": row["before"], "after": row["after"]},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _rows(conn):
    return [dict(r) for r in conn.execute(sa.select(events).order_by(events.c.id)).mappings()]


def _check(rows, digest):
    """(intact, first mismatching id) of a chain under a hash function."""
    prev = GENESIS
    for row in rows:
        if row["prev_hash"] != prev or digest(row) != row["hash"]:
            return False, row["id"]
        prev = row["hash"]
    return True, None


def _rechain(conn, rows, digest) -> str:
    prev = GENESIS
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = digest(row)
        conn.execute(events.update().where(events.c.id == row["id"]).values(prev_hash=row["prev_hash"], hash=row["hash"]))
    return prev


def upgrade():
    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_checkpoint_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )

    conn = op.get_bind()
    rows = _rows(conn)
    old_intact, old_mismatch = _check(rows, old_digest)
    old_head = rows[-1]["hash"] if rows else GENESIS
    prev = _rechain(conn, rows, new_digest)
    last_id = rows[-1]["id"] if rows else None
    if rows:
        event = {
            "id": last_id + 1, "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "actor_id": None, "actor_email": None, "action": "audit.rechained",
            "object_type": None, "object_id": None, "edition_id": None, "before": None,
            "after": {"events": len(rows), "previous_head": old_head,
                      "previous_chain_intact": old_intact, "previous_first_mismatch": old_mismatch},
            "ip_address": None, "prev_hash": prev,
        }
        event["hash"] = prev = new_digest(event)
        conn.execute(events.insert().values(**event))
        last_id = event["id"]
    conn.execute(head_table.insert().values(id=1, event_id=last_id, hash=prev))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_prev_hash'), ['prev_hash'])


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_prev_hash'), type_='unique')
    conn = op.get_bind()
    _rechain(conn, _rows(conn), old_digest)
    op.drop_table('audit_head')
    op.drop_table('audit_checkpoint')
