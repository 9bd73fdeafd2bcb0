"""Results settings per edition: score mode, stage weights, tie-break rule, qualification rule

Revision ID: 0003_results
Revises: 0002_scoring
Create Date: 2026-11-25 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003_results'
down_revision = '0002_scoring'
branch_labels = None
depends_on = None


def upgrade():
    # Existing editions get the defaults the model declares (server defaults
    # fill the rows; the model keeps Python-side defaults only, as elsewhere).
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_mode', sa.Enum('raw', 'normalised', name='scoremode', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='normalised'))
        batch_op.add_column(sa.Column('stage1_weight', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False, server_default='40'))
        batch_op.add_column(sa.Column('stage2_weight', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('tie_rule', sa.String(length=100), nullable=False, server_default='stage2,checklist,stage1'))
        batch_op.add_column(sa.Column('qualification_mode', sa.Enum('top_k', 'threshold', name='qualificationmode', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='top_k'))
        batch_op.add_column(sa.Column('qualification_value', sa.Numeric(precision=7, scale=2, asdecimal=False), nullable=False, server_default='10'))
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.create_check_constraint('stage_weights', 'stage1_weight BETWEEN 0 AND 100 AND stage2_weight BETWEEN 0 AND 100 AND stage1_weight + stage2_weight = 100')
        batch_op.create_check_constraint('qualification_value', "(qualification_mode = 'top_k' AND qualification_value >= 1 AND qualification_value = round(qualification_value)) OR (qualification_mode = 'threshold' AND qualification_value BETWEEN 0 AND 100)")


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_edition_qualification_value'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_edition_stage_weights'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_edition_qualificationmode'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_edition_scoremode'), type_='check')
        batch_op.drop_column('qualification_value')
        batch_op.drop_column('qualification_mode')
        batch_op.drop_column('tie_rule')
        batch_op.drop_column('stage2_weight')
        batch_op.drop_column('stage1_weight')
        batch_op.drop_column('score_mode')
