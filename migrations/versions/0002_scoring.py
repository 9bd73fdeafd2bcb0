"""Scoring in both stages: score scale copied from the criterion, comments per criterion, site-visit issues, mystery-shopper checklist, visits and findings

Revision ID: 0002_scoring
Revises: bc685d1d201d
Create Date: 2026-11-25 22:04:43.152478

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0002_scoring'
down_revision = 'bc685d1d201d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checklist_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('in_person', 'phone', 'email', 'website', 'e_service', name='visitchannel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.Enum('yes_no', 'scale', 'minutes', 'text', name='checklistitemkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('prompt', sa.String(length=500), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('criterion_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'scale') = (scale_max IS NOT NULL)", name=op.f('ck_checklist_item_scale_max_only_for_scale')),
    sa.CheckConstraint('scale_max IS NULL OR scale_max BETWEEN 1 AND 100', name=op.f('ck_checklist_item_scale_max')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_checklist_item_criterion_id_criterion'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_checklist_item_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_item'))
    )
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_item_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklist_item_edition_id'), ['edition_id'], unique=False)

    op.create_table('visit_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('bool_value', sa.Boolean(), nullable=True),
    sa.Column('number_value', sa.Integer(), nullable=True),
    sa.Column('text_value', sa.Text(), nullable=False),
    sa.CheckConstraint('number_value IS NULL OR number_value >= 0', name=op.f('ck_visit_answer_number_value')),
    sa.ForeignKeyConstraint(['item_id'], ['checklist_item.id'], name=op.f('fk_visit_answer_item_id_checklist_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['mystery_visit.id'], name=op.f('fk_visit_answer_visit_id_mystery_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_answer')),
    sa.UniqueConstraint('visit_id', 'item_id', name=op.f('uq_visit_answer_visit_id_item_id'))
    )
    with op.batch_alter_table('visit_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_answer_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_answer_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_visit_photo_size_positive')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_visit_photo_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['mystery_visit.id'], name=op.f('fk_visit_photo_visit_id_mystery_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_photo')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_visit_photo_stored_name'))
    )
    with op.batch_alter_table('visit_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_photo_uploaded_by_id'), ['uploaded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_photo_visit_id'), ['visit_id'], unique=False)

    op.create_table('site_visit_issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('check', sa.Enum('not_checked', 'confirmed', 'not_confirmed', name='issuecheck', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('check_note', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_site_visit_issue_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_site_visit_issue_checked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_site_visit_issue_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_visit_issue'))
    )
    with op.batch_alter_table('site_visit_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_visit_issue_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_visit_issue_checked_by_id'), ['checked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_visit_issue_sheet_id'), ['sheet_id'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_assignment_id_stage', ['id', 'stage'])

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step', sa.Numeric(precision=2, scale=1, asdecimal=False), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('comment_rule', sa.Enum('always', 'extremes', 'never', name='commentrule', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='extremes'))
        batch_op.create_unique_constraint('uq_criterion_scale', ['id', 'stage', 'max_score', 'step'])
        batch_op.create_check_constraint('step', 'step IN (0.5, 1)')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('peer_scores_visible', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('external_finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url', sa.String(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attachment_stored_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('attachment_type', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attachment_size', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_external_finding_attachment_stored_name'), ['attachment_stored_name'])

    # Visits: the juror becomes the visitor; an existing report counts as submitted.
    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visitor_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status', sa.Enum('planned', 'draft', 'submitted', name='visitstatus', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='submitted'))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.execute("UPDATE mystery_visit SET visitor_id = juror_id, updated_at = created_at, submitted_at = created_at")
    # A report whose juror account is gone keeps a name so the has_visitor rule holds.
    op.execute("UPDATE mystery_visit SET visitor_name = '?' WHERE visitor_id IS NULL")
    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column('visited_at',
               existing_type=sa.DATETIME(),
               nullable=True)
        batch_op.drop_index(batch_op.f('ix_mystery_visit_juror_id'))
        batch_op.create_index(batch_op.f('ix_mystery_visit_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mystery_visit_visitor_id'), ['visitor_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_mystery_visit_juror_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_mystery_visit_overall_score'), type_='check')
        batch_op.create_foreign_key(batch_op.f('fk_mystery_visit_created_by_id_user'), 'user', ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_mystery_visit_visitor_id_user'), 'user', ['visitor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('has_visitor', "visitor_id IS NOT NULL OR visitor_name <> ''")
        batch_op.create_check_constraint('submitted_has_time', "status <> 'submitted' OR (visited_at IS NOT NULL AND submitted_at IS NOT NULL)")
        batch_op.drop_column('checklist')
        batch_op.drop_column('overall_score')
        batch_op.drop_column('juror_id')

    # Sheets carry their stage (copied from the assignment) so scores can be tied to it.
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('last_saved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopen_reason', sa.Text(), nullable=False, server_default=''))
    op.execute("UPDATE score_sheet SET stage = (SELECT stage FROM assignment WHERE assignment.id = score_sheet.assignment_id)")
    op.execute("UPDATE score_sheet SET submitted_at = updated_at WHERE status <> 'draft' AND submitted_at IS NULL")
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.alter_column('stage', existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_last_saved_by_id'), ['last_saved_by_id'], unique=False)
        batch_op.create_unique_constraint('uq_score_sheet_id_stage', ['id', 'stage'])
        batch_op.drop_constraint(batch_op.f('fk_score_sheet_assignment_id_assignment'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_score_sheet_last_saved_by_id_user'), 'user', ['last_saved_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_score_sheet_assignment_stage', 'assignment', ['assignment_id', 'stage'], ['id', 'stage'], ondelete='CASCADE')
        batch_op.create_check_constraint('stage', 'stage IN (1, 2)')
        batch_op.create_check_constraint('submitted_has_time', "status = 'draft' OR submitted_at IS NOT NULL")

    # Scores carry their criterion's scale; the old single comment becomes the strengths.
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('max_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('step', sa.Numeric(precision=2, scale=1, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('strengths', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('improvements', sa.Text(), nullable=False, server_default=''))
    op.execute(
        "UPDATE score SET stage = (SELECT stage FROM criterion WHERE criterion.id = score.criterion_id), "
        "max_score = (SELECT max_score FROM criterion WHERE criterion.id = score.criterion_id), "
        "step = (SELECT step FROM criterion WHERE criterion.id = score.criterion_id), "
        "strengths = comment"
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.alter_column('stage', existing_type=sa.SmallInteger(), nullable=False)
        batch_op.alter_column('max_score', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('step', existing_type=sa.Numeric(precision=2, scale=1, asdecimal=False), nullable=False)
        batch_op.alter_column('value',
               existing_type=sa.NUMERIC(precision=7, scale=2),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_score_value_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_score_criterion_id_criterion'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_score_sheet_id_score_sheet'), type_='foreignkey')
        batch_op.create_foreign_key('fk_score_criterion_scale', 'criterion', ['criterion_id', 'stage', 'max_score', 'step'], ['id', 'stage', 'max_score', 'step'], onupdate='CASCADE', ondelete='RESTRICT')
        batch_op.create_foreign_key('fk_score_sheet_stage', 'score_sheet', ['sheet_id', 'stage'], ['id', 'stage'], ondelete='CASCADE')
        batch_op.create_check_constraint('value_range', 'value IS NULL OR (value >= 0 AND value <= max_score)')
        batch_op.create_check_constraint('value_step', 'value IS NULL OR round(value / step) = value / step')
        batch_op.drop_column('comment')



def downgrade():
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.TEXT(), nullable=False, server_default=''))
    op.execute("UPDATE score SET comment = strengths")
    # A draft score without a value cannot go back to a NOT NULL column.
    op.execute("DELETE FROM score WHERE value IS NULL")
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_score_value_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_score_value_step'), type_='check')
        batch_op.drop_constraint('fk_score_sheet_stage', type_='foreignkey')
        batch_op.drop_constraint('fk_score_criterion_scale', type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_score_sheet_id_score_sheet'), 'score_sheet', ['sheet_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_score_criterion_id_criterion'), 'criterion', ['criterion_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('value_not_negative', 'value >= 0')
        batch_op.alter_column('value',
               existing_type=sa.NUMERIC(precision=7, scale=2),
               nullable=False)
        batch_op.drop_column('improvements')
        batch_op.drop_column('strengths')
        batch_op.drop_column('step')
        batch_op.drop_column('max_score')
        batch_op.drop_column('stage')

    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_score_sheet_stage'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_score_sheet_submitted_has_time'), type_='check')
        batch_op.drop_constraint('fk_score_sheet_assignment_stage', type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_score_sheet_last_saved_by_id_user'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_score_sheet_assignment_id_assignment'), 'assignment', ['assignment_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint('uq_score_sheet_id_stage', type_='unique')
        batch_op.drop_index(batch_op.f('ix_score_sheet_last_saved_by_id'))
        batch_op.drop_column('reopen_reason')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('last_saved_by_id')
        batch_op.drop_column('stage')

    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('juror_id', sa.INTEGER(), nullable=True))
        batch_op.add_column(sa.Column('overall_score', sa.INTEGER(), nullable=True))
        batch_op.add_column(sa.Column('checklist', sa.JSON(), nullable=False, server_default='{}'))
    op.execute("UPDATE mystery_visit SET juror_id = visitor_id")
    # The old table required a visit time.
    op.execute("DELETE FROM mystery_visit WHERE visited_at IS NULL")
    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_mystery_visit_has_visitor'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_mystery_visit_visitstatus'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_mystery_visit_submitted_has_time'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_mystery_visit_visitor_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_mystery_visit_created_by_id_user'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_mystery_visit_juror_id_user'), 'user', ['juror_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('overall_score', 'overall_score IS NULL OR (overall_score BETWEEN 0 AND 10)')
        batch_op.drop_index(batch_op.f('ix_mystery_visit_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_mystery_visit_status'))
        batch_op.create_index(batch_op.f('ix_mystery_visit_juror_id'), ['juror_id'], unique=False)
        batch_op.alter_column('visited_at',
               existing_type=sa.DATETIME(),
               nullable=False)
        batch_op.drop_column('version')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('due_on')
        batch_op.drop_column('status')
        batch_op.drop_column('visitor_name')
        batch_op.drop_column('visitor_id')

    with op.batch_alter_table('external_finding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_external_finding_attachment_stored_name'), type_='unique')
        batch_op.drop_column('attachment_size')
        batch_op.drop_column('attachment_type')
        batch_op.drop_column('attachment_stored_name')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('url')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('peer_scores_visible')

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_criterion_step'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_criterion_commentrule'), type_='check')
        batch_op.drop_constraint('uq_criterion_scale', type_='unique')
        batch_op.drop_column('comment_rule')
        batch_op.drop_column('step')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assignment_id_stage', type_='unique')

    with op.batch_alter_table('site_visit_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_visit_issue_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_site_visit_issue_checked_by_id'))
        batch_op.drop_index(batch_op.f('ix_site_visit_issue_application_id'))

    op.drop_table('site_visit_issue')
    with op.batch_alter_table('visit_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_photo_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_photo_uploaded_by_id'))

    op.drop_table('visit_photo')
    with op.batch_alter_table('visit_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_answer_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_answer_item_id'))

    op.drop_table('visit_answer')
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_item_edition_id'))
        batch_op.drop_index(batch_op.f('ix_checklist_item_criterion_id'))

    op.drop_table('checklist_item')
