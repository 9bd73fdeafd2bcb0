"""An application reopened after the deadline gets a deadline of its own

Revision ID: 0014_reopen_deadline
Revises: 0012_public_site
Create Date: 2026-11-26 04:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014_reopen_deadline'
down_revision = '0012_public_site'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopen_deadline', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('reopen_deadline')
