"""Feedback reports: the result as a band or exactly, the band's width, and
when the reports were published to the offices

Revision ID: 0017_feedback_reports
Revises: 0016_diplomas
Create Date: 2026-11-26 05:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017_feedback_reports'
down_revision = '0016_diplomas'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'feedback_result_mode',
                sa.Enum(
                    'band',
                    'exact',
                    name='feedbackresultmode',
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default='band',
            )
        )
        batch_op.add_column(
            sa.Column('feedback_band_width', sa.Integer(), nullable=False, server_default='15')
        )
        batch_op.add_column(
            sa.Column('feedback_reports_published_at', sa.DateTime(), nullable=True)
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_edition_feedback_band_width'), 'feedback_band_width BETWEEN 5 AND 50'
        )


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_edition_feedback_band_width'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_edition_feedbackresultmode'), type_='check')
        batch_op.drop_column('feedback_reports_published_at')
        batch_op.drop_column('feedback_band_width')
        batch_op.drop_column('feedback_result_mode')
