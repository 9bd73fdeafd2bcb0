"""Revocable sessions: a random session token per user, part of the login id in session and remember cookies

Revision ID: 0011_session_token
Revises: 0011_audit_chain
Create Date: 2026-11-26 10:05:00.000000

Every existing user gets a token of their own; sessions opened before the
upgrade (whose login id has no token) end, so everybody signs in once more.
"""
import secrets

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_session_token'
down_revision = '0011_audit_chain'
branch_labels = None
depends_on = None

users = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(24)))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')
