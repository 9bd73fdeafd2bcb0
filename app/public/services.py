"""The organizer's writes on the public site: posts, photos, site pages and
edition rules. Each function checks its rule, changes, flushes and audits;
none commits. Saving any of these also empties the public page cache (the
listener in app/public/cache.py does it in the same transaction)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.audit import services as audit
from app.errors import LaurelError
from app.extensions import db
from app.jury.visits.files import FileRefused
from app.jury.visits.services import file_message
from app.offices import uploads
from app.offices.services import REFUSALS
from app.public import photos
from app.public.models import (
    MAX_PHOTOS_PER_POST,
    EditionRules,
    NewsPost,
    Photo,
    PostStatus,
    RulesAttachment,
    SitePage,
)
from app.public.sanitize import clean_html
from app.timeutil import utcnow

POST_FIELDS = ("title", "slug", "lead", "body_html", "byline", "edition_id", "language")
_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def slugify(text: str, max_length: int = 80) -> str:
    """An address name from a title: Polish letters without accents, lowercase
    letters, digits and single hyphens ("Gala w Jabłonnie" -> "gala-w-jablonnie")."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_POLISH))
    text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_length].rstrip("-") or "wpis"


def _unique_slug(base: str, post: NewsPost | None = None) -> str:
    taken = set(
        db.session.scalars(
            sa.select(NewsPost.slug).where(
                NewsPost.slug.like(base + "%"), NewsPost.id != (post.id if post else -1)
            )
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@dataclass
class PostData:
    title: str
    lead: str = ""
    body: str = ""
    byline: str = ""
    slug: str = ""
    edition_id: int | None = None
    language: str = "pl"
    published_at: dt.datetime | None = None  # naive UTC


def _apply(post: NewsPost, data: PostData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise LaurelError(_("A post needs a title."))
    if data.slug:
        slug = slugify(data.slug)
        clash = db.session.scalar(
            sa.select(NewsPost.id).where(NewsPost.slug == slug, NewsPost.id != (post.id or -1))
        )
        if clash:
            raise LaurelError(_("Another post already uses this address name."))
    else:
        slug = post.slug or _unique_slug(slugify(title), post)
    post.title = title
    post.slug = slug
    post.lead = (data.lead or "").strip()
    post.body_html = clean_html(data.body)
    post.byline = (data.byline or "").strip()
    post.edition_id = data.edition_id or None
    post.language = data.language if data.language in ("pl", "en") else "pl"
    post.published_at = data.published_at


def _snapshot(post: NewsPost) -> dict:
    return audit.snapshot(post, ["title", "slug", "status", "published_at"])


def create_post(*, actor, data: PostData) -> NewsPost:
    """A new draft, entered by `actor`; its body is sanitised here."""
    post = NewsPost(entered_by_id=actor.id, status=PostStatus.draft)
    _apply(post, data)
    db.session.add(post)
    db.session.flush()
    audit.record("news.created", actor=actor, obj=post, after=_snapshot(post))
    return post


def update_post(post: NewsPost, *, actor, data: PostData) -> NewsPost:
    """Change a post; a published post keeps its status (and a date is then required)."""
    before = _snapshot(post)
    _apply(post, data)
    if post.status is PostStatus.published and post.published_at is None:
        post.published_at = utcnow()
    post.updated_at = utcnow()
    db.session.flush()
    audit.record("news.updated", actor=actor, obj=post, before=before, after=_snapshot(post))
    return post


def publish_post(post: NewsPost, *, actor) -> NewsPost:
    """Publish now, or at the post's own date when one is set (a later date
    schedules it; an earlier one back-dates it, e.g. a report of a past gala)."""
    if not post.can_edit(actor):
        raise LaurelError(_("Only organizers may publish news."))
    before = _snapshot(post)
    post.status = PostStatus.published
    if post.published_at is None:
        post.published_at = utcnow()
    db.session.flush()
    audit.record("news.published", actor=actor, obj=post, before=before, after=_snapshot(post))
    return post


def unpublish_post(post: NewsPost, *, actor) -> NewsPost:
    """Back to a draft: off the public site at once (the date is kept)."""
    before = _snapshot(post)
    post.status = PostStatus.draft
    db.session.flush()
    audit.record("news.unpublished", actor=actor, obj=post, before=before, after=_snapshot(post))
    return post


def delete_post(post: NewsPost, *, actor) -> list[str]:
    """Delete a post with its photos and views; returns the photo files to
    remove once the deletion has committed."""
    names = [n for p in post.photos for n in (p.stored_name, p.thumb_name)]
    audit.record("news.deleted", actor=actor, obj=post, before=_snapshot(post))
    db.session.delete(post)
    db.session.flush()
    return names


# ---- photos ------------------------------------------------------------------


def _photo_text(alt_text: str, caption: str, credit: str) -> tuple[str, str, str]:
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise LaurelError(_("Describe the photo for people who cannot see it (alternative text)."))
    credit = (credit or "").strip()
    # "fot." is printed by the page; typing it too would double it.
    credit = re.sub(r"^fot\.\s*", "", credit, flags=re.IGNORECASE)
    return alt_text[:300], (caption or "").strip()[:500], credit[:200]


def add_photo(post: NewsPost, *, actor, upload, alt_text: str, caption="", credit="") -> Photo:
    """Store a gallery photo (cleaned, thumbnailed) at the end of the post's
    gallery. On a failed commit the caller removes the files
    (`photo.stored_name`, `photo.thumb_name`)."""
    alt_text, caption, credit = _photo_text(alt_text, caption, credit)
    if len(post.photos) >= MAX_PHOTOS_PER_POST:
        raise LaurelError(
            ngettext(
                "A post may have at most %(num)s photo.",
                "A post may have at most %(num)s photos.",
                MAX_PHOTOS_PER_POST,
            )
        )
    if upload is None or not getattr(upload, "filename", ""):
        raise LaurelError(_("Choose a photo to upload."))
    try:
        stored = photos.store_photo(upload.stream, upload.filename)
    except FileRefused as exc:
        raise LaurelError(file_message(exc.reason)) from exc
    photo = Photo(
        post=post,
        stored_name=stored.stored_name,
        thumb_name=stored.thumb_name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        width=stored.width,
        height=stored.height,
        thumb_width=stored.thumb_width,
        thumb_height=stored.thumb_height,
        alt_text=alt_text,
        caption=caption,
        credit=credit,
        position=max((p.position for p in post.photos), default=-1) + 1,
    )
    try:
        db.session.add(photo)
        db.session.flush()
    except BaseException:
        stored.discard()
        raise
    audit.record(
        "news.photo_added",
        actor=actor,
        obj=photo,
        after={"post": post.id, "alt_text": alt_text, "credit": credit},
    )
    return photo


def update_photo(photo: Photo, *, actor, alt_text: str, caption="", credit="") -> Photo:
    before = audit.snapshot(photo, ["alt_text", "caption", "credit"])
    photo.alt_text, photo.caption, photo.credit = _photo_text(alt_text, caption, credit)
    db.session.flush()
    audit.record(
        "news.photo_updated",
        actor=actor,
        obj=photo,
        before=before,
        after=audit.snapshot(photo, ["alt_text", "caption", "credit"]),
    )
    return photo


def move_photo(photo: Photo, *, actor, step: int) -> None:
    """Swap a photo with its neighbour (step -1: earlier, +1: later)."""
    gallery = list(photo.post.photos)
    i = gallery.index(photo)
    j = i + (1 if step > 0 else -1)
    if not 0 <= j < len(gallery):
        return
    gallery[i], gallery[j] = gallery[j], gallery[i]
    for position, item in enumerate(gallery):
        item.position = position
    db.session.flush()
    audit.record("news.photo_moved", actor=actor, obj=photo, after={"position": photo.position})


def delete_photo(photo: Photo, *, actor) -> list[str]:
    """Remove a photo; returns its files, to delete once the commit succeeded."""
    names = [photo.stored_name, photo.thumb_name]
    audit.record("news.photo_deleted", actor=actor, obj=photo, before={"alt_text": photo.alt_text})
    post = photo.post
    post.photos.remove(photo)
    db.session.flush()
    for position, item in enumerate(post.photos):
        item.position = position
    db.session.flush()
    return names


# ---- site pages and rules ------------------------------------------------------


def save_site_page(key: str, *, actor, body_pl: str, body_en: str) -> SitePage:
    """Store an edited site page (both languages sanitised)."""
    page = db.session.scalar(sa.select(SitePage).where(SitePage.key == key))
    if page is None:
        page = SitePage(key=key)
        db.session.add(page)
    page.body_pl, page.body_en = clean_html(body_pl), clean_html(body_en)
    page.updated_at, page.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("site_page.updated", actor=actor, obj=page, after={"key": key})
    return page


def reset_site_page(key: str, *, actor) -> None:
    """Back to the default text."""
    page = db.session.scalar(sa.select(SitePage).where(SitePage.key == key))
    if page is not None:
        audit.record("site_page.reset", actor=actor, obj=page, before={"key": key})
        db.session.delete(page)
        db.session.flush()


def save_rules(edition, *, actor, body_pl: str, body_en: str) -> EditionRules:
    rules = db.session.scalar(sa.select(EditionRules).where(EditionRules.edition_id == edition.id))
    if rules is None:
        rules = EditionRules(edition_id=edition.id)
        db.session.add(rules)
    rules.body_pl, rules.body_en = clean_html(body_pl), clean_html(body_en)
    rules.updated_at, rules.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("rules.updated", actor=actor, obj=rules, edition_id=edition.id)
    return rules


def add_rules_attachment(edition, *, actor, upload, title: str) -> RulesAttachment:
    """Store a rules attachment the way office documents are stored (type
    sniffed from the content, server-made name, size limit MAX_FILE_MB)."""
    title = (title or "").strip()
    if not title:
        raise LaurelError(_("Give the attachment a title."))
    if upload is None or not getattr(upload, "filename", ""):
        raise LaurelError(_("Choose a file to upload."))
    limit = int(current_app.config["MAX_FILE_MB"])
    try:
        stored = uploads.store_document(upload.stream, upload.filename, max_bytes=limit * 2**20)
    except uploads.UploadRefused as refusal:
        if refusal.reason == "too_large":
            raise LaurelError(
                _("The file is too large: at most %(mb)s MB per file.", mb=limit)
            ) from refusal
        raise LaurelError(REFUSALS[refusal.reason]()) from refusal
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(RulesAttachment.position), -1)).where(
            RulesAttachment.edition_id == edition.id
        )
    )
    attachment = RulesAttachment(
        edition_id=edition.id,
        title=title[:300],
        stored_name=stored.stored_name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        position=position + 1,
    )
    try:
        db.session.add(attachment)
        db.session.flush()
    except BaseException:
        stored.discard()
        raise
    audit.record(
        "rules.attachment_added",
        actor=actor,
        obj=attachment,
        edition_id=edition.id,
        after={"title": attachment.title, "file": attachment.original_name},
    )
    return attachment


def delete_rules_attachment(attachment: RulesAttachment, *, actor) -> str:
    """Remove an attachment; returns its file name, to delete after the commit."""
    audit.record(
        "rules.attachment_deleted",
        actor=actor,
        obj=attachment,
        edition_id=attachment.edition_id,
        before={"title": attachment.title},
    )
    db.session.delete(attachment)
    db.session.flush()
    return attachment.stored_name
