"""The public site: home, news, photos, the Atom feed, the results archive
and each edition's results, edition rules, the start page of an open call,
the accessibility statement and the privacy notice. Anyone may read these;
drafts and scheduled posts only organizers.

Home, the news list, a post, the feed and the results pages are built by
`cache.cached` (see app/public/cache.py); a post's view is counted after the
cache, on every request, so a cached page still counts."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.editions.models import EditionStatus
from app.extensions import db
from app.labels import label
from app.offices import uploads
from app.offices.models import OfficeType
from app.public import cache, counter, photos, reads
from app.public import results as public_results
from app.public.defaults import TITLES, default_body
from app.public.models import EditionRules, Photo, RulesAttachment, SitePage
from app.public.sanitize import plain_text
from app.timeutil import utcnow

bp = Blueprint("public", __name__, static_folder="static", static_url_path="/public-static")
bp.record_once(lambda state: cache.init_app(state.app))

VIEWS_MARK = "<!--laurel:views-->"


# ---- formatting shared by the public templates ----------------------------------


@bp.app_template_filter("office_type_label")
def office_type_label(value: str) -> str:
    try:
        return label(OfficeType(value))
    except ValueError:
        return value


def _shell(page: dict, *, status: int = 200, views: int | None = None):
    body = page["body"]
    if views is not None:
        body = body.replace(VIEWS_MARK, format_number(views))
    html = render_template(
        "public/_shell.html",
        title=page["title"],
        head=Markup(page.get("head", "")),  # noqa: S704 - our own rendered templates
        body=Markup(body),  # noqa: S704
    )
    return html, status


def _earliest(*moments: dt.datetime | None) -> dt.datetime | None:
    now = utcnow()
    future = [m for m in moments if m is not None and m > now]
    return min(future) if future else None


# ---- home -------------------------------------------------------------------------


def _build_home() -> dict:
    now = utcnow()
    edition = reads.current_edition()
    posts = reads.latest_posts(3, now)
    body = render_template(
        "public/home.html",
        edition=edition,
        posts=posts,
        accepting=edition is not None and edition.accepts_applications(now),
    )
    deadlines = (edition.applications_open_at, edition.applications_close_at) if edition else ()
    return {
        "title": _("Home"),
        "head": render_template("public/_feed_link.html"),
        "body": body,
        "expires_at": _earliest(reads.next_scheduled_at(now), *deadlines),
    }


def home_page():
    """The home page (served at / by app.main)."""
    return _shell(cache.cached(("home", request.host), _build_home))


# ---- news -------------------------------------------------------------------------


def _build_news(page_no: int, edition_slug: str) -> dict | None:
    edition = None
    if edition_slug:
        edition = reads.edition_by_slug(edition_slug)
        if edition is None or edition.status is EditionStatus.draft:
            return None
    now = utcnow()
    page = reads.news_page(page_no, edition.id if edition else None, now)
    body = render_template(
        "public/news_list.html",
        page=page,
        edition=edition,
        editions=reads.announced_editions(),
    )
    return {
        "title": _("News"),
        "head": render_template("public/_feed_link.html"),
        "body": body,
        "expires_at": _earliest(reads.next_scheduled_at(now)),
    }


@bp.route("/news/")
def news():
    page_no = request.args.get("page", 1, type=int)
    edition_slug = request.args.get("edition", "", type=str)[:80]
    page = cache.cached(
        ("news", request.host, page_no, edition_slug), lambda: _build_news(page_no, edition_slug)
    )
    if page is None:
        abort(404)
    return _shell(page)


def _build_post(slug: str) -> dict | None:
    post = reads.post_by_slug(slug)
    if post is None or not post.can_view(current_user):
        return None
    first = post.photos[0] if post.photos else None
    head = render_template("public/_post_meta.html", post=post, photo=first)
    body = render_template("public/news_post.html", post=post, views_mark=Markup(VIEWS_MARK))
    # A post that is public now stays so until somebody edits it (and the
    # token changes); a scheduled one is only ever seen by organizers, uncached.
    return {
        "title": post.title,
        "head": head,
        "body": body,
        "post_id": post.id,
        "public": post.is_public(),
    }


@bp.route("/news/<slug>")
def post(slug: str):
    page = cache.cached(("post", request.host, slug), lambda: _build_post(slug))
    if page is None:
        abort(404)
    # Only readings of a public post count (not an organizer's preview).
    views = counter.count_visit(page["post_id"], request, record=page["public"])
    db.session.commit()
    return _shell(page, views=views)


@bp.route("/news/feed.atom")
def feed():
    def build():
        posts = reads.feed_posts(20)
        updated = max(
            (p.updated_at or p.published_at for p in posts), default=dt.datetime(2000, 1, 1)
        )
        xml = render_template(
            "public/feed.xml", posts=posts, updated=updated, plain_text=plain_text
        )
        return {"xml": xml, "expires_at": _earliest(reads.next_scheduled_at())}

    page = cache.cached(("feed", request.host), build)
    return Response(page["xml"], mimetype="application/atom+xml")


# ---- results -----------------------------------------------------------------------


def _build_results_archive() -> dict:
    body = render_template("public/results_archive.html", rows=public_results.archive())
    return {"title": _("Results"), "body": body}


@bp.route("/results/")
def results_archive():
    return _shell(cache.cached(("results", request.host), _build_results_archive))


def _build_results(slug: str) -> dict | None:
    results = public_results.edition_results(slug)
    if results is None:
        return None
    body = render_template(
        "public/results.html", results=results, verify_url=public_results.verify_url
    )
    return {"title": _("Results: %(edition)s", edition=results.edition.name), "body": body}


@bp.route("/results/<slug>")
def edition_results(slug: str):
    """Published results only: an unknown slug and an edition whose results
    are not public yet are both 404 (nothing tells them apart)."""
    page = cache.cached(("results", request.host, slug), lambda: _build_results(slug))
    if page is None:
        abort(404)
    return _shell(page)


# ---- photos -----------------------------------------------------------------------


def _photo(photo_id: int) -> Photo:
    photo = db.get_or_404(Photo, photo_id)
    if not photo.can_view(current_user):
        abort(404)
    return photo


@bp.route("/news/<slug>/photos/<int:photo_id>")
def photo_page(slug: str, photo_id: int):
    photo = _photo(photo_id)
    if photo.post.slug != slug:
        abort(404)
    gallery = photo.post.photos
    index = gallery.index(photo)
    return render_template(
        "public/photo.html",
        photo=photo,
        post=photo.post,
        number=index + 1,
        previous=gallery[index - 1] if index > 0 else None,
        next=gallery[index + 1] if index + 1 < len(gallery) else None,
        kind=photos.kind_label(photo.content_type),
    )


def _send_photo(photo: Photo, name: str, *, download: bool = False):
    path = photos.photo_path(name)
    if not path.is_file():
        abort(404)
    public = photo.post.is_public()
    ext = name.rsplit(".", 1)[-1]
    response = send_file(
        path,
        mimetype=photo.content_type,
        as_attachment=download,
        download_name=f"{photo.post.slug}-{photo.position + 1}.{ext}",
        max_age=86400 if public else 0,
        conditional=True,
    )
    # A photo's file never changes (a new upload gets a new name); a draft's
    # photos stay out of shared caches.
    response.headers["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


@bp.route("/news/photos/<int:photo_id>/image")
def photo_image(photo_id: int):
    photo = _photo(photo_id)
    return _send_photo(photo, photo.stored_name)


@bp.route("/news/photos/<int:photo_id>/thumbnail")
def photo_thumbnail(photo_id: int):
    photo = _photo(photo_id)
    return _send_photo(photo, photo.thumb_name)


@bp.route("/news/photos/<int:photo_id>/download")
def photo_download(photo_id: int):
    photo = _photo(photo_id)
    return _send_photo(photo, photo.stored_name, download=True)


# ---- editions: the open call and the rules --------------------------------------


def _announced_edition(slug: str):
    edition = reads.edition_by_slug(slug)
    if edition is None or not EditionRules.can_view(edition, current_user):
        abort(404)
    return edition


@bp.route("/editions/<slug>/apply-info")
def apply_info(slug: str):
    edition = _announced_edition(slug)
    _rules, attachments = reads.rules_for(edition)
    return render_template(
        "public/apply_info.html",
        edition=edition,
        accepting=edition.accepts_applications(),
        opens_later=edition.opens_later(),
        areas=edition.areas,
        attachments=attachments,
        max_file_mb=current_app.config["MAX_FILE_MB"],
        max_application_mb=current_app.config["MAX_APPLICATION_MB"],
    )


@bp.route("/editions/<slug>/rules")
def rules(slug: str):
    edition = _announced_edition(slug)
    rules, attachments = reads.rules_for(edition)
    body, lang = "", None
    if rules is not None:
        body, lang = _in_language(rules.body_pl, rules.body_en)
    return render_template(
        "public/rules.html",
        edition=edition,
        rules=rules,
        body=Markup(body),  # noqa: S704 - sanitised with nh3 when saved
        body_lang=lang,
        attachments=attachments,
        rules_editable=EditionRules.can_edit(current_user),
    )


@bp.route("/editions/<slug>/rules/<int:attachment_id>")
def rules_attachment(slug: str, attachment_id: int):
    attachment = db.get_or_404(RulesAttachment, attachment_id)
    if attachment.edition.slug != slug or not attachment.can_download(current_user):
        abort(404)
    path = uploads.document_path(attachment.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )


# ---- site pages -------------------------------------------------------------------


def _in_language(body_pl: str, body_en: str) -> tuple[str, str | None]:
    """The body in the reader's language; Polish (marked as such) when the
    English text is missing."""
    if str(get_locale()) == "en":
        return (body_en, None) if body_en else (body_pl, "pl")
    return body_pl, None


def _site_page(key: str):
    page = reads.site_page(key)
    if page is None:
        language = str(get_locale())
        body, lang, updated = default_body(key, language), None, None
    else:
        body, lang = _in_language(page.body_pl, page.body_en)
        updated = page.updated_at
    return render_template(
        "public/site_page.html",
        key=key,
        title=str(TITLES[key]),
        body=Markup(body),  # noqa: S704 - sanitised with nh3 when saved, or our own default
        body_lang=lang,
        updated=updated,
        page_editable=SitePage.can_edit(current_user),
    )


@bp.route("/accessibility")
def accessibility():
    return _site_page("accessibility")


@bp.route("/privacy")
def privacy():
    return _site_page("privacy")


def absolute(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


@bp.app_context_processor
def public_helpers():
    return {"absolute_url": absolute}
