"""Diplomas: a text snapshot, SHA-256 and validity per diploma, participation
certificates (a diploma of an entry, without an award), one live document
per award or entry (partial unique indexes), the edition's diploma design,
and the job runs organizers follow

Revision ID: 0016_diplomas
Revises: 0015_blind_chapter
Create Date: 2026-11-26 04:05:19.197674

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_diplomas'
down_revision = '0015_blind_chapter'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diploma_design',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('template_laureate', sa.String(length=32), nullable=False),
    sa.Column('template_distinction', sa.String(length=32), nullable=False),
    sa.Column('participation', sa.Boolean(), nullable=False),
    sa.Column('certificate_valid_years', sa.Integer(), nullable=False),
    sa.Column('logo_name', sa.String(length=80), nullable=True),
    sa.Column('signer1_name', sa.String(length=200), nullable=False),
    sa.Column('signer1_role', sa.String(length=200), nullable=False),
    sa.Column('signer1_image', sa.String(length=80), nullable=True),
    sa.Column('signer2_name', sa.String(length=200), nullable=False),
    sa.Column('signer2_role', sa.String(length=200), nullable=False),
    sa.Column('signer2_image', sa.String(length=80), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("template_distinction IN ('distinction', 'quality_mark')", name=op.f('ck_diploma_design_distinction_template')),
    sa.CheckConstraint("template_laureate IN ('laureate', 'quality_mark')", name=op.f('ck_diploma_design_laureate_template')),
    sa.CheckConstraint('certificate_valid_years BETWEEN 1 AND 10', name=op.f('ck_diploma_design_valid_years')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_diploma_design_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_diploma_design'))
    )
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'retrying', 'done', 'failed', name='jobstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('result_name', sa.String(length=120), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_job_run_attempts')),
    sa.CheckConstraint('done >= 0 AND total >= 0 AND done <= total', name=op.f('ck_job_run_progress')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_job_run_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_job_run_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index('uq_job_run_active', ['kind', 'edition_id'], unique=True, sqlite_where=sa.text("status IN ('queued', 'running', 'retrying')"), postgresql_where=sa.text("status IN ('queued', 'running', 'retrying')"))

    # Existing rows (none were ever rendered) get their entry from their award.
    with op.batch_alter_table('diploma', schema=None) as batch_op:
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('generated_by_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE diploma SET sha256 = '', snapshot = '{}', "
        "application_id = (SELECT award.application_id FROM award WHERE award.id = diploma.award_id)"
    )
    with op.batch_alter_table('diploma', schema=None) as batch_op:
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('snapshot', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('award_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_diploma_application_id'), ['application_id'], unique=False)
        batch_op.create_index('uq_diploma_live_award', ['award_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.create_index('uq_diploma_live_participation', ['application_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL AND award_id IS NULL'), postgresql_where=sa.text('revoked_at IS NULL AND award_id IS NULL'))
        batch_op.create_index('uq_diploma_participation_version', ['application_id', 'version'], unique=True, sqlite_where=sa.text('award_id IS NULL'), postgresql_where=sa.text('award_id IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_diploma_generated_by_id_user'), 'user', ['generated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_diploma_application_id_application'), 'application', ['application_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(
            'award_matches_template',
            "(award_id IS NULL AND template = 'participation') "
            "OR (award_id IS NOT NULL AND template != 'participation')",
        )
        batch_op.create_check_constraint(
            'template_known',
            "template IN ('laureate', 'distinction', 'special', 'quality_mark', 'participation')",
        )
        batch_op.create_check_constraint('revoked_after', 'revoked_at IS NULL OR revoked_at >= generated_at')



def downgrade():
    # Participation certificates have no award: they cannot survive the downgrade.
    op.execute("DELETE FROM diploma WHERE award_id IS NULL")
    with op.batch_alter_table('diploma', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_diploma_revoked_after'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_diploma_template_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_diploma_award_matches_template'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_diploma_application_id_application'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_diploma_generated_by_id_user'), type_='foreignkey')
        batch_op.drop_index('uq_diploma_participation_version', sqlite_where=sa.text('award_id IS NULL'), postgresql_where=sa.text('award_id IS NULL'))
        batch_op.drop_index('uq_diploma_live_participation', sqlite_where=sa.text('revoked_at IS NULL AND award_id IS NULL'), postgresql_where=sa.text('revoked_at IS NULL AND award_id IS NULL'))
        batch_op.drop_index('uq_diploma_live_award', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_diploma_application_id'))
        batch_op.alter_column('award_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('generated_by_id')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('snapshot')
        batch_op.drop_column('sha256')
        batch_op.drop_column('application_id')

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index('uq_job_run_active', sqlite_where=sa.text("status IN ('queued', 'running', 'retrying')"), postgresql_where=sa.text("status IN ('queued', 'running', 'retrying')"))
        batch_op.drop_index(batch_op.f('ix_job_run_edition_id'))

    op.drop_table('job_run')
    op.drop_table('diploma_design')
