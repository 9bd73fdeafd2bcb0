"""What the public pages read: each a fixed number of queries, whatever the
number of posts, photos or editions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.editions.models import Edition, EditionStatus
from app.extensions import db
from app.public.models import EditionRules, NewsPost, PostStatus, RulesAttachment, SitePage
from app.timeutil import utcnow

PER_PAGE = 10


def current_edition() -> Edition | None:
    """The edition the home page is about: the newest announced one (not a
    draft), an archived one only when nothing newer is running."""
    return db.session.scalar(
        sa.select(Edition)
        .where(Edition.status != EditionStatus.draft)
        .options(selectinload(Edition.categories))
        .order_by(
            (Edition.status == EditionStatus.archived).asc(),
            Edition.year.desc(),
            Edition.id.desc(),
        )
        .limit(1)
    )


def announced_editions() -> list[Edition]:
    """Editions the public may see (for the news filter), newest first."""
    return db.session.scalars(
        sa.select(Edition)
        .where(Edition.status != EditionStatus.draft)
        .order_by(Edition.year.desc(), Edition.id.desc())
    ).all()


def edition_by_slug(slug: str) -> Edition | None:
    return db.session.scalar(
        sa.select(Edition).where(Edition.slug == slug).options(selectinload(Edition.categories))
    )


def _public_posts(now: dt.datetime):
    return (
        sa.select(NewsPost)
        .where(NewsPost.visible(now))
        .options(selectinload(NewsPost.photos))
        .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
    )


def latest_posts(limit: int = 3, now: dt.datetime | None = None) -> list[NewsPost]:
    return db.session.scalars(_public_posts(now or utcnow()).limit(limit)).all()


@dataclass
class NewsPage:
    posts: list[NewsPost]
    page: int
    pages: int
    total: int


def news_page(page: int, edition_id: int | None = None, now: dt.datetime | None = None) -> NewsPage:
    """One page of PER_PAGE public posts, newest first (2 queries + photos)."""
    now = now or utcnow()
    query = _public_posts(now)
    count = sa.select(sa.func.count()).select_from(NewsPost).where(NewsPost.visible(now))
    if edition_id is not None:
        query = query.where(NewsPost.edition_id == edition_id)
        count = count.where(NewsPost.edition_id == edition_id)
    total = db.session.scalar(count)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    posts = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return NewsPage(posts=posts, page=page, pages=pages, total=total)


def next_scheduled_at(now: dt.datetime | None = None) -> dt.datetime | None:
    """When the next scheduled post goes public (cached lists end then)."""
    return db.session.scalar(
        sa.select(sa.func.min(NewsPost.published_at)).where(
            NewsPost.status == PostStatus.published, NewsPost.published_at > (now or utcnow())
        )
    )


def post_by_slug(slug: str) -> NewsPost | None:
    return db.session.scalar(
        sa.select(NewsPost)
        .where(NewsPost.slug == slug)
        .options(
            selectinload(NewsPost.photos),
            joinedload(NewsPost.entered_by),
            joinedload(NewsPost.edition),
        )
    )


def feed_posts(limit: int = 20, now: dt.datetime | None = None) -> list[NewsPost]:
    return db.session.scalars(
        _public_posts(now or utcnow()).options(joinedload(NewsPost.entered_by)).limit(limit)
    ).all()


def site_page(key: str) -> SitePage | None:
    return db.session.scalar(sa.select(SitePage).where(SitePage.key == key))


def rules_for(edition: Edition) -> tuple[EditionRules | None, list[RulesAttachment]]:
    rules = db.session.scalar(sa.select(EditionRules).where(EditionRules.edition_id == edition.id))
    attachments = db.session.scalars(
        sa.select(RulesAttachment)
        .where(RulesAttachment.edition_id == edition.id)
        .order_by(RulesAttachment.position, RulesAttachment.id)
    ).all()
    return rules, attachments


def all_posts() -> list[NewsPost]:
    """Every post for the organizer's list: drafts and scheduled first."""
    return db.session.scalars(
        sa.select(NewsPost)
        .options(joinedload(NewsPost.edition), joinedload(NewsPost.entered_by))
        .order_by(
            (NewsPost.status == PostStatus.published).asc(),
            NewsPost.published_at.desc().nulls_first(),
            NewsPost.id.desc(),
        )
    ).all()
