"""The counts cache's token (app/counts_cache.py)

Revision ID: 0018_counts_cache
Revises: 0017_feedback_reports
Create Date: 2026-11-26 08:05:00.000000
"""
import secrets

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0018_counts_cache'
down_revision = '0017_feedback_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counts_cache_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_counts_cache_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counts_cache_state'))
    )
    op.execute(f"INSERT INTO counts_cache_state (id, token) VALUES (1, '{secrets.token_hex(16)}')")


def downgrade():
    op.drop_table('counts_cache_state')
