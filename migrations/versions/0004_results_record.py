"""Results record: qualification, ranking snapshot, special and withheld awards

The chapter's outcome moves out of the application's status into awards only:
laureate, distinguished and participant statuses become qualified (the entry
reached stage 2) or not_qualified (it had no stage-2 assignment). Special
awards get a definition per edition; an award's free title becomes a link to it.

Revision ID: 0004_results_record
Revises: 0003_results
Create Date: 2026-11-26 00:22:40.757855

"""
from alembic import op
import sqlalchemy as sa

OLD_STATUSES = ('draft', 'submitted', 'qualified', 'not_qualified', 'laureate', 'distinguished', 'participant')
NEW_STATUSES = ('draft', 'submitted', 'qualified', 'not_qualified')


def _status_check(values):
    return 'status IN (' + ', '.join(f"'{v}'" for v in values) + ')'


# revision identifiers, used by Alembic.
revision = '0004_results_record'
down_revision = '0003_results'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('special_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("name != ''", name=op.f('ck_special_award_has_name')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_special_award_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_special_award')),
    sa.UniqueConstraint('edition_id', 'name', name=op.f('uq_special_award_edition_id_name'))
    )
    with op.batch_alter_table('special_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_award_edition_id'), ['edition_id'], unique=False)

    op.create_table('ranking_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('score_mode', sa.Enum('raw', 'normalised', name='scoremode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stage1_weight', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False),
    sa.Column('stage2_weight', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=False),
    sa.Column('tie_rule', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("version = 1 OR reason != ''", name=op.f('ck_ranking_snapshot_retake_has_reason')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_ranking_snapshot_version_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_ranking_snapshot_edition_id_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user.id'], name=op.f('fk_ranking_snapshot_taken_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_snapshot')),
    sa.UniqueConstraint('edition_id', 'version', name=op.f('uq_ranking_snapshot_edition_id_version'))
    )
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_snapshot_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index('uq_ranking_snapshot_current', ['edition_id'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('withheld_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("reason != ''", name=op.f('ck_withheld_award_has_reason')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_withheld_award_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_withheld_award_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_withheld_award_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withheld_award')),
    sa.UniqueConstraint('category_id', name=op.f('uq_withheld_award_category_id'))
    )
    with op.batch_alter_table('withheld_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withheld_award_edition_id'), ['edition_id'], unique=False)

    op.create_table('qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stage1_score', sa.Double(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('tied', sa.Boolean(), nullable=False),
    sa.Column('proposed', sa.Boolean(), nullable=False),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("proposed = qualified OR reason != ''", name=op.f('ck_qualification_override_has_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_qualification_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_qualification_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_qualification_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification')),
    sa.UniqueConstraint('application_id', name=op.f('uq_qualification_application_id'))
    )
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualification_edition_id'), ['edition_id'], unique=False)

    op.create_table('qualification_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reason != ''", name=op.f('ck_qualification_override_has_reason')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_qualification_override_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_qualification_override_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification_override')),
    sa.UniqueConstraint('application_id', name=op.f('uq_qualification_override_application_id'))
    )
    op.create_table('ranking_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('stage1_raw', sa.Double(), nullable=True),
    sa.Column('stage1_normalised', sa.Double(), nullable=True),
    sa.Column('stage2_raw', sa.Double(), nullable=True),
    sa.Column('stage2_normalised', sa.Double(), nullable=True),
    sa.Column('checklist', sa.Double(), nullable=True),
    sa.Column('final_raw', sa.Double(), nullable=True),
    sa.Column('final_normalised', sa.Double(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('tied', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=20), nullable=True),
    sa.CheckConstraint('position IS NULL OR position >= 1', name=op.f('ck_ranking_entry_position_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_ranking_entry_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_ranking_entry_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['ranking_snapshot.id'], name=op.f('fk_ranking_entry_snapshot_id_ranking_snapshot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_entry')),
    sa.UniqueConstraint('snapshot_id', 'application_id', name=op.f('uq_ranking_entry_snapshot_id_application_id'))
    )
    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_entry_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_snapshot_id'), ['snapshot_id'], unique=False)

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('special_award_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('departure_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('snapshot_id', sa.Integer(), nullable=True))

    # Each distinct special-award title of an edition becomes its definition.
    conn = op.get_bind()
    titles = conn.execute(sa.text(
        "SELECT DISTINCT edition_id, title FROM award WHERE kind = 'special' ORDER BY edition_id, title"
    )).all()
    for position, (edition_id, title) in enumerate(titles):
        conn.execute(sa.text(
            "INSERT INTO special_award (edition_id, name, description, position)"
            " VALUES (:e, :n, '', :p)"), {"e": edition_id, "n": title, "p": position})
    conn.execute(sa.text(
        "UPDATE award SET special_award_id = (SELECT s.id FROM special_award s"
        " WHERE s.edition_id = award.edition_id AND s.name = award.title)"
        " WHERE kind = 'special'"))

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.alter_column('departure_reason', server_default=None)
        batch_op.drop_constraint(batch_op.f('uq_award_application_id_kind_title'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_award_special_has_title'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_award_category_award_has_category'), type_='check')
        batch_op.create_check_constraint('kind_matches_target', "(kind = 'special' AND special_award_id IS NOT NULL) OR (kind != 'special' AND special_award_id IS NULL AND category_id IS NOT NULL)")
        batch_op.create_index(batch_op.f('ix_award_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_special_award_id'), ['special_award_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_award_application_id_special_award_id'), ['application_id', 'special_award_id'])
        batch_op.create_index('uq_award_category_award', ['application_id'], unique=True, sqlite_where=sa.text("kind != 'special'"), postgresql_where=sa.text("kind != 'special'"))
        batch_op.create_foreign_key(batch_op.f('fk_award_special_award_id_special_award'), 'special_award', ['special_award_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_award_snapshot_id_ranking_snapshot'), 'ranking_snapshot', ['snapshot_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('title')

    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_for_correction', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.alter_column('reopened_for_correction', server_default=None)

    # The outcome statuses go: an entry that has a stage-2 assignment reached
    # stage 2 (qualified), any other did not.
    conn.execute(sa.text(
        "UPDATE application SET status = CASE WHEN EXISTS ("
        " SELECT 1 FROM assignment a WHERE a.application_id = application.id AND a.stage = 2)"
        " THEN 'qualified' ELSE 'not_qualified' END"
        " WHERE status IN ('laureate', 'distinguished', 'participant')"))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_applicationstatus'), type_='check')
        batch_op.create_check_constraint('applicationstatus', _status_check(NEW_STATUSES))



def downgrade():
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_column('reopened_for_correction')

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_applicationstatus'), type_='check')
        batch_op.create_check_constraint('applicationstatus', _status_check(OLD_STATUSES))

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.VARCHAR(length=200), nullable=False, server_default=''))
    op.get_bind().execute(sa.text(
        "UPDATE award SET title = (SELECT s.name FROM special_award s WHERE s.id = award.special_award_id)"
        " WHERE special_award_id IS NOT NULL"))
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)
        batch_op.drop_constraint(batch_op.f('fk_award_snapshot_id_ranking_snapshot'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_award_special_award_id_special_award'), type_='foreignkey')
        batch_op.drop_index('uq_award_category_award', sqlite_where=sa.text("kind != 'special'"), postgresql_where=sa.text("kind != 'special'"))
        batch_op.drop_constraint(batch_op.f('uq_award_application_id_special_award_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_award_kind_matches_target'), type_='check')
        batch_op.drop_index(batch_op.f('ix_award_special_award_id'))
        batch_op.drop_index(batch_op.f('ix_award_snapshot_id'))
        batch_op.create_check_constraint('special_has_title', "kind != 'special' OR title != ''")
        batch_op.create_check_constraint('category_award_has_category', "kind = 'special' OR category_id IS NOT NULL")
        batch_op.create_unique_constraint(batch_op.f('uq_award_application_id_kind_title'), ['application_id', 'kind', 'title'])
        batch_op.drop_column('snapshot_id')
        batch_op.drop_column('departure_reason')
        batch_op.drop_column('special_award_id')

    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_entry_snapshot_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_category_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_application_id'))

    op.drop_table('ranking_entry')
    op.drop_table('qualification_override')
    with op.batch_alter_table('qualification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualification_edition_id'))

    op.drop_table('qualification')
    with op.batch_alter_table('withheld_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withheld_award_edition_id'))

    op.drop_table('withheld_award')
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.drop_index('uq_ranking_snapshot_current', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_ranking_snapshot_edition_id'))

    op.drop_table('ranking_snapshot')
    with op.batch_alter_table('special_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_award_edition_id'))

    op.drop_table('special_award')
