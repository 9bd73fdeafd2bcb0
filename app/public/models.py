"""The public site: news posts and their photos, the view counter, the
organizer-edited pages (accessibility statement, privacy notice, each
edition's rules with attachments) and the token that versions the page cache."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Edition

MAX_PHOTOS_PER_POST = 30


def _is_organizer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


class PostStatus(enum.Enum):
    """A draft is seen by organizers only; a published post is public from
    its `published_at` on (a later date schedules it)."""

    draft = "draft"
    published = "published"


class NewsPost(db.Model):
    """A public article. `body_html` is stored already sanitised (nh3)."""

    __tablename__ = "news_post"
    __table_args__ = (
        sa.CheckConstraint(
            "status = 'draft' OR published_at IS NOT NULL", name="published_has_date"
        ),
        sa.CheckConstraint("language IN ('pl', 'en')", name="language"),
        sa.Index("ix_news_post_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    lead: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    # The language the post is written in (the page marks it for screen readers).
    language: Mapped[str] = mapped_column(sa.String(5), default="pl")
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="SET NULL"), index=True
    )
    # The byline: who wrote the text, as it is to be printed.
    byline: Mapped[str] = mapped_column(sa.String(200), default="")
    # The account that typed it in ("Wprowadzenie" on the page).
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[PostStatus] = mapped_column(default=PostStatus.draft)
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime | None]

    photos: Mapped[list[Photo]] = relationship(
        back_populates="post",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Photo.position",
    )
    edition: Mapped[Edition | None] = relationship()
    entered_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<NewsPost {self.slug} {self.status.value}>"

    def is_public(self, now: dt.datetime | None = None) -> bool:
        """Published, and its publication time (server clock, UTC) has come."""
        now = now or utcnow()
        return (
            self.status is PostStatus.published
            and self.published_at is not None
            and self.published_at <= now
        )

    @property
    def body_markup(self) -> Markup:
        """The body for a template: safe to show as it is, since it was
        sanitised (app/public/sanitize.py) when it was saved."""
        return Markup(self.body_html)  # noqa: S704

    @property
    def is_scheduled(self) -> bool:
        return self.status is PostStatus.published and not self.is_public()

    def can_view(self, user) -> bool:
        """Anybody once it is public; organizers also before (drafts, scheduled)."""
        return self.is_public() or _is_organizer(user)

    def can_edit(self, user) -> bool:
        return _is_organizer(user)

    @staticmethod
    def can_create(user) -> bool:
        return _is_organizer(user)

    def can_add_photo(self, user) -> bool:
        return self.can_edit(user) and len(self.photos) < MAX_PHOTOS_PER_POST

    @classmethod
    def visible(cls, now: dt.datetime | None = None):
        """The SQL condition for posts the public may read."""
        now = now or utcnow()
        return sa.and_(cls.status == PostStatus.published, cls.published_at <= now)


class Photo(db.Model):
    """A gallery photo: stored without its metadata, with a thumbnail."""

    __tablename__ = "photo"
    __table_args__ = (
        sa.CheckConstraint("alt_text != ''", name="has_alt_text"),
        sa.CheckConstraint("size_bytes >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("news_post.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    thumb_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), default="")
    content_type: Mapped[str] = mapped_column(sa.String(40), default="image/jpeg")
    size_bytes: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    thumb_width: Mapped[int] = mapped_column(default=0)
    thumb_height: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(sa.String(300))
    caption: Mapped[str] = mapped_column(sa.String(500), default="")
    # Printed as "fot. <credit>".
    credit: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    post: Mapped[NewsPost] = relationship(back_populates="photos")

    def can_view(self, user) -> bool:
        return self.post.can_view(user)

    def can_edit(self, user) -> bool:
        return self.post.can_edit(user)


class NewsView(db.Model):
    """One visitor's reading of one post on one day (Warsaw time).

    The visitor is a keyed hash of the address and browser that changes every
    day, so no personal data is kept and days cannot be linked. Counting is
    an insert that does nothing when the row is there: the post's own row is
    never locked by a read."""

    __tablename__ = "news_view"
    __table_args__ = (sa.UniqueConstraint("post_id", "visitor_hash", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("news_post.id", ondelete="CASCADE"))
    visitor_hash: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[dt.date]


class SitePage(db.Model):
    """An organizer-edited page of the site (the accessibility statement, the
    privacy notice), keyed by name. Without a row the page shows its default
    text; each language has its own body (sanitised HTML)."""

    __tablename__ = "site_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    body_pl: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    updated_by: Mapped[User | None] = relationship()

    @staticmethod
    def can_edit(user) -> bool:
        return _is_organizer(user)


class EditionRules(db.Model):
    """An edition's rules (regulamin): the text in Polish and English, and
    downloadable attachments (the signed rules, forms, ...)."""

    __tablename__ = "edition_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), unique=True
    )
    body_pl: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    edition: Mapped[Edition] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @staticmethod
    def can_view(edition, user) -> bool:
        """An edition's rules are public once it has been announced (left draft)."""
        from app.editions.models import EditionStatus

        return edition.status is not EditionStatus.draft or _is_organizer(user)

    @staticmethod
    def can_edit(user) -> bool:
        return _is_organizer(user)


class RulesAttachment(db.Model):
    """A file that goes with an edition's rules, stored like office documents
    (type read from the content, a name made by the server)."""

    __tablename__ = "rules_attachment"
    __table_args__ = (sa.CheckConstraint("title != ''", name="has_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    edition: Mapped[Edition] = relationship()

    @staticmethod
    def can_edit(user) -> bool:
        return _is_organizer(user)

    def can_download(self, user) -> bool:
        return EditionRules.can_view(self.edition, user)


class PublicCacheState(db.Model):
    """One row whose token changes whenever something the public pages show
    is written (see app/public/cache.py): cached pages are keyed by it, so a
    change anywhere empties every worker's cache at once."""

    __tablename__ = "public_cache_state"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
