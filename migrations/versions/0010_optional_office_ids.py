"""Optional REGON and NIP for offices an organizer enters: stored as NULL, never as ''

Revision ID: 0010_optional_office_ids
Revises: 0005_sent_reminder
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_optional_office_ids'
down_revision = '0005_sent_reminder'
branch_labels = None
depends_on = None


def upgrade():
    # The columns were already nullable and unique (a unique key admits any
    # number of NULLs on SQLite and PostgreSQL); an empty string, though,
    # would count as a value and clash with the next office without one.
    op.execute("UPDATE office SET regon = NULL WHERE regon = ''")
    op.execute("UPDATE office SET nip = NULL WHERE nip = ''")
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.create_check_constraint('regon_length', 'regon IS NULL OR length(regon) IN (9, 14)')
        batch_op.create_check_constraint('nip_length', 'nip IS NULL OR length(nip) = 10')


def downgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_office_nip_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_office_regon_length'), type_='check')
