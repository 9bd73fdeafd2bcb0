"""Public site: news posts with bylines, drafts and scheduling, photo thumbnails
and credits, the per-day view counter, editable site pages, edition rules
with attachments, and the page-cache token

Revision ID: 0012_public_site
Revises: 0011_session_token
Create Date: 2026-11-26 00:55:25.303023

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_public_site'
down_revision = '0011_session_token'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_cache_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_public_cache_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_cache_state'))
    )
    op.execute(f"INSERT INTO public_cache_state (id, token) VALUES (1, '{secrets.token_hex(16)}')")
    op.create_table('rules_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("title != ''", name=op.f('ck_rules_attachment_has_title')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_rules_attachment_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_rules_attachment_stored_name'))
    )
    with op.batch_alter_table('rules_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rules_attachment_edition_id'), ['edition_id'], unique=False)

    op.create_table('edition_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('body_pl', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_edition_rules_edition_id_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_edition_rules_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edition_rules')),
    sa.UniqueConstraint('edition_id', name=op.f('uq_edition_rules_edition_id'))
    )
    with op.batch_alter_table('edition_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_rules_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('site_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('body_pl', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_site_page_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_page')),
    sa.UniqueConstraint('key', name=op.f('uq_site_page_key'))
    )
    with op.batch_alter_table('site_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_page_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('news_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('visitor_hash', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['news_post.id'], name=op.f('fk_news_view_post_id_news_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_view')),
    sa.UniqueConstraint('post_id', 'visitor_hash', 'day', name=op.f('uq_news_view_post_id_visitor_hash_day'))
    )
    # Existing posts keep their rows: new NOT NULL columns get a default for
    # them, which is dropped again below (the models set every value).
    with op.batch_alter_table('news_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='pl'))
        batch_op.add_column(sa.Column('byline', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.Enum('draft', 'published', name='poststatus', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='draft'))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    # The old author was the account that entered the post; a dated post was published.
    op.execute("UPDATE news_post SET entered_by_id = author_id, "
               "status = CASE WHEN published_at IS NULL THEN 'draft' ELSE 'published' END")
    with op.batch_alter_table('news_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_post_entered_by_id'), ['entered_by_id'], unique=False)
        batch_op.create_index('ix_news_post_status_published_at', ['status', 'published_at'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_news_post_author_id_user'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_news_post_entered_by_id_user'), 'user', ['entered_by_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('ck_news_post_view_count'), type_='check')
        batch_op.drop_column('view_count')
        batch_op.drop_column('author_id')
        batch_op.create_check_constraint('published_has_date', "status = 'draft' OR published_at IS NOT NULL")
        batch_op.create_check_constraint('language', "language IN ('pl', 'en')")
    with op.batch_alter_table('news_post', schema=None) as batch_op:
        for column in ('language', 'byline', 'status'):
            batch_op.alter_column(column, server_default=None)

    # A photo from before has no thumbnail: it serves as its own.
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thumb_name', sa.String(length=80), nullable=True))
        for name, column in (
            ('original_name', sa.String(length=255)),
            ('content_type', sa.String(length=40)),
            ('credit', sa.String(length=200)),
        ):
            batch_op.add_column(sa.Column(name, column, nullable=False, server_default=''))
        for name in ('size_bytes', 'width', 'height', 'thumb_width', 'thumb_height'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE photo SET thumb_name = stored_name, content_type = 'image/jpeg', "
               "alt_text = CASE WHEN alt_text = '' THEN 'Zdjęcie' ELSE alt_text END")
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.alter_column('thumb_name', existing_type=sa.String(length=80), nullable=False)
        for name in ('original_name', 'content_type', 'credit', 'size_bytes', 'width', 'height',
                     'thumb_width', 'thumb_height'):
            batch_op.alter_column(name, server_default=None)
        batch_op.create_unique_constraint(batch_op.f('uq_photo_thumb_name'), ['thumb_name'])
        batch_op.create_check_constraint('has_alt_text', "alt_text != ''")
        batch_op.create_check_constraint('size', 'size_bytes >= 0')

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_photo_size'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_photo_has_alt_text'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_photo_thumb_name'), type_='unique')
        for name in ('credit', 'thumb_height', 'thumb_width', 'height', 'width', 'size_bytes',
                     'content_type', 'original_name', 'thumb_name'):
            batch_op.drop_column(name)

    with op.batch_alter_table('news_post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.INTEGER(), nullable=True))
        batch_op.add_column(sa.Column('view_count', sa.INTEGER(), nullable=False, server_default='0'))
    op.execute("UPDATE news_post SET author_id = entered_by_id, view_count = "
               "(SELECT COUNT(*) FROM news_view WHERE news_view.post_id = news_post.id)")
    with op.batch_alter_table('news_post', schema=None) as batch_op:
        batch_op.alter_column('view_count', server_default=None)
        batch_op.drop_constraint(batch_op.f('ck_news_post_language'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_news_post_published_has_date'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_news_post_poststatus'), type_='check')
        batch_op.create_check_constraint('view_count', 'view_count >= 0')
        batch_op.drop_constraint(batch_op.f('fk_news_post_entered_by_id_user'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_news_post_author_id_user'), 'user', ['author_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_index('ix_news_post_status_published_at')
        batch_op.drop_index(batch_op.f('ix_news_post_entered_by_id'))
        for name in ('updated_at', 'status', 'entered_by_id', 'byline', 'language'):
            batch_op.drop_column(name)

    op.drop_table('news_view')
    with op.batch_alter_table('site_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_page_updated_by_id'))
    op.drop_table('site_page')
    with op.batch_alter_table('edition_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_rules_updated_by_id'))
    op.drop_table('edition_rules')
    with op.batch_alter_table('rules_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rules_attachment_edition_id'))
    op.drop_table('rules_attachment')
    op.drop_table('public_cache_state')
