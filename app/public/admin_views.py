"""Organizer pages of the public site: news posts and their photos, the
accessibility statement and privacy notice, and each edition's rules."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import navigation
from app.accounts.models import Role
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.formatting import long_datetime
from app.offices import uploads
from app.public import photos, reads, services
from app.public.defaults import PAGE_KEYS, TITLES, default_body
from app.public.forms import (
    AttachmentForm,
    BilingualPageForm,
    PhotoForm,
    PhotoTextForm,
    PostForm,
)
from app.public.models import (
    EditionRules,
    NewsPost,
    Photo,
    PostStatus,
    RulesAttachment,
    SitePage,
)
from app.timeutil import from_local, to_local

bp = Blueprint("public_admin", __name__, url_prefix="/organizer")
navigation.add("public_admin.index", _l("Public site"), Role.organizer, order=70)


def _refused(exc: LaurelError) -> None:
    db.session.rollback()
    flash(exc.message, "error")


def _post(post_id: int) -> NewsPost:
    post = db.get_or_404(NewsPost, post_id)
    if not post.can_edit(current_user):
        abort(403)
    return post


def _photo(photo_id: int) -> Photo:
    photo = db.get_or_404(Photo, photo_id)
    if not photo.can_edit(current_user):
        abort(403)
    return photo


def _editions() -> list[Edition]:
    return db.session.scalars(
        sa.select(Edition).order_by(Edition.year.desc(), Edition.id.desc())
    ).all()


# ---- the hub: posts, site pages, rules ------------------------------------------


@bp.route("/news/")
@login_required
def index():
    if not NewsPost.can_create(current_user):
        abort(403)
    return render_template(
        "public/admin_index.html",
        posts=reads.all_posts(),
        editions=_editions(),
        page_keys=PAGE_KEYS,
        titles=TITLES,
        PostStatus=PostStatus,
    )


# ---- posts ------------------------------------------------------------------------


def _post_data(form: PostForm) -> services.PostData:
    return services.PostData(
        title=form.title.data,
        slug=form.slug.data or "",
        lead=form.lead.data or "",
        body=form.body.data or "",
        byline=form.byline.data or "",
        edition_id=form.edition_id.data or None,
        language=form.language.data,
        published_at=from_local(form.published_at.data),
    )


@bp.route("/news/new", methods=["GET", "POST"])
@login_required
def new_post():
    if not NewsPost.can_create(current_user):
        abort(403)
    form = PostForm(editions=_editions())
    if form.validate_on_submit():
        try:
            post = services.create_post(actor=current_user, data=_post_data(form))
            db.session.commit()
        except LaurelError as exc:
            _refused(exc)
        else:
            flash(_("The draft has been saved. Add photos, then publish it."), "success")
            return redirect(url_for(".edit_post", post_id=post.id))
    return render_template("public/admin_post.html", form=form, post=None)


@bp.route("/news/<int:post_id>", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = _post(post_id)
    form = PostForm(editions=_editions(), obj=None if request.method == "POST" else post)
    if request.method == "GET":
        form.body.data = post.body_html
        form.edition_id.data = post.edition_id or 0
        form.published_at.data = (
            to_local(post.published_at).replace(tzinfo=None) if post.published_at else None
        )
    if form.validate_on_submit():
        try:
            services.update_post(post, actor=current_user, data=_post_data(form))
            db.session.commit()
        except LaurelError as exc:
            _refused(exc)
        else:
            flash(_("The post has been saved."), "success")
            return redirect(url_for(".edit_post", post_id=post.id))
    return _post_page(post, form)


def _post_page(post, form=None, *, photo_form=None, refused_text=None, status=200):
    """The post's editing page. A refused photo form comes back as sent, with
    its error summary (`photo_form` for a new photo; `refused_text`, a
    (photo id, PhotoTextForm) pair, for one photo's description); every other
    form is fresh."""
    if form is None:
        form = PostForm(editions=_editions(), obj=post, formdata=None)
        form.body.data = post.body_html
        form.edition_id.data = post.edition_id or 0
        form.published_at.data = (
            to_local(post.published_at).replace(tzinfo=None) if post.published_at else None
        )

    def photo_text_form(photo):
        if refused_text is not None and refused_text[0] == photo.id:
            return refused_text[1]
        return PhotoTextForm(prefix=f"photo-{photo.id}", obj=photo, formdata=None)

    return render_template(
        "public/admin_post.html",
        form=form,
        post=post,
        photo_form=photo_form or PhotoForm(formdata=None),
        photo_text_form=photo_text_form,
        PostStatus=PostStatus,
    ), status


@bp.route("/news/<int:post_id>/publish", methods=["POST"])
@login_required
def publish_post(post_id: int):
    post = _post(post_id)
    try:
        services.publish_post(post, actor=current_user)
        db.session.commit()
    except LaurelError as exc:
        _refused(exc)
        return redirect(url_for(".edit_post", post_id=post_id))
    if post.is_scheduled:
        flash(_("The post will be published on %(when)s.", when=_when(post)), "success")
    else:
        flash(_("The post has been published."), "success")
    return redirect(url_for(".edit_post", post_id=post_id))


def _when(post: NewsPost) -> str:
    return long_datetime(post.published_at)


@bp.route("/news/<int:post_id>/unpublish", methods=["POST"])
@login_required
def unpublish_post(post_id: int):
    post = _post(post_id)
    services.unpublish_post(post, actor=current_user)
    db.session.commit()
    flash(_("The post is a draft again and no longer public."), "success")
    return redirect(url_for(".edit_post", post_id=post_id))


@bp.route("/news/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int):
    post = _post(post_id)
    names = services.delete_post(post, actor=current_user)
    db.session.commit()
    photos.remove(*names)
    flash(_("The post has been deleted."), "success")
    return redirect(url_for(".index"))


# ---- photos -----------------------------------------------------------------------


@bp.route("/news/<int:post_id>/photos", methods=["POST"])
@login_required
def add_photo(post_id: int):
    post = _post(post_id)
    if not post.can_add_photo(current_user):
        flash(_("This post has as many photos as it may have."), "error")
        return redirect(url_for(".edit_post", post_id=post_id))
    form = PhotoForm()
    if not form.validate_on_submit():
        # Back with what was typed and an error summary linking each field.
        return _post_page(post, photo_form=form, status=422)
    try:
        photo = services.add_photo(
            post,
            actor=current_user,
            upload=form.photo.data,
            alt_text=form.alt_text.data,
            caption=form.caption.data,
            credit=form.credit.data,
        )
    except LaurelError as exc:
        # Not a picture, too large...: said at the file field, in the summary.
        db.session.rollback()
        form.photo.errors = [*form.photo.errors, exc.message]
        return _post_page(post, photo_form=form, status=422)
    names = (photo.stored_name, photo.thumb_name)
    try:
        db.session.commit()
    except BaseException:
        # No file without its row.
        photos.remove(*names)
        raise
    flash(_("The photo has been added."), "success")
    return redirect(url_for(".edit_post", post_id=post_id) + "#photos")


@bp.route("/news/photos/<int:photo_id>", methods=["POST"])
@login_required
def update_photo(photo_id: int):
    photo = _photo(photo_id)
    form = PhotoTextForm(prefix=f"photo-{photo.id}")
    if not form.validate_on_submit():
        # Back with what was typed and an error summary linking each field.
        return _post_page(photo.post, refused_text=(photo.id, form), status=422)
    try:
        services.update_photo(
            photo,
            actor=current_user,
            alt_text=form.alt_text.data,
            caption=form.caption.data,
            credit=form.credit.data,
        )
        db.session.commit()
        flash(_("The photo description has been saved."), "success")
    except LaurelError as exc:
        _refused(exc)
    return redirect(url_for(".edit_post", post_id=photo.post_id) + "#photos")


@bp.route("/news/photos/<int:photo_id>/move", methods=["POST"])
@login_required
def move_photo(photo_id: int):
    photo = _photo(photo_id)
    step = request.form.get("step", type=int) or 0
    services.move_photo(photo, actor=current_user, step=step)
    db.session.commit()
    return redirect(url_for(".edit_post", post_id=photo.post_id) + "#photos")


@bp.route("/news/photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def delete_photo(photo_id: int):
    photo = _photo(photo_id)
    post_id = photo.post_id
    names = services.delete_photo(photo, actor=current_user)
    db.session.commit()
    photos.remove(*names)
    flash(_("The photo has been deleted."), "success")
    return redirect(url_for(".edit_post", post_id=post_id) + "#photos")


# ---- site pages -------------------------------------------------------------------


@bp.route("/site/<key>", methods=["GET", "POST"])
@login_required
def site_page(key: str):
    if key not in PAGE_KEYS:
        abort(404)
    if not SitePage.can_edit(current_user):
        abort(403)
    page = reads.site_page(key)
    form = BilingualPageForm()
    if request.method == "GET":
        form.body_pl.data = page.body_pl if page else default_body(key, "pl")
        form.body_en.data = page.body_en if page else default_body(key, "en")
    if form.validate_on_submit():
        services.save_site_page(
            key, actor=current_user, body_pl=form.body_pl.data, body_en=form.body_en.data
        )
        db.session.commit()
        flash(_("The page has been saved."), "success")
        return redirect(url_for(".site_page", key=key))
    return render_template(
        "public/admin_site_page.html",
        form=form,
        key=key,
        title=str(TITLES[key]),
        page=page,
        public_url=url_for(f"public.{key}"),
    )


@bp.route("/site/<key>/reset", methods=["POST"])
@login_required
def reset_site_page(key: str):
    if key not in PAGE_KEYS:
        abort(404)
    if not SitePage.can_edit(current_user):
        abort(403)
    services.reset_site_page(key, actor=current_user)
    db.session.commit()
    flash(_("The page shows its default text again."), "success")
    return redirect(url_for(".site_page", key=key))


# ---- edition rules ----------------------------------------------------------------


@bp.route("/editions/<int:edition_id>/rules", methods=["GET", "POST"])
@login_required
def rules(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not EditionRules.can_edit(current_user):
        abort(403)
    rules, attachments = reads.rules_for(edition)
    form = BilingualPageForm()
    if request.method == "GET" and rules is not None:
        form.body_pl.data, form.body_en.data = rules.body_pl, rules.body_en
    if form.validate_on_submit():
        services.save_rules(
            edition, actor=current_user, body_pl=form.body_pl.data, body_en=form.body_en.data
        )
        db.session.commit()
        flash(_("The rules have been saved."), "success")
        return redirect(url_for(".rules", edition_id=edition.id))
    return render_template(
        "public/admin_rules.html",
        edition=edition,
        rules=rules,
        attachments=attachments,
        form=form,
        attachment_form=AttachmentForm(formdata=None),
    )


@bp.route("/editions/<int:edition_id>/rules/attachments", methods=["POST"])
@login_required
def add_rules_attachment(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not RulesAttachment.can_edit(current_user):
        abort(403)
    form = AttachmentForm()
    if not form.validate_on_submit():
        for field in (form.title, form.file):
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return redirect(url_for(".rules", edition_id=edition.id) + "#attachments")
    try:
        attachment = services.add_rules_attachment(
            edition, actor=current_user, upload=form.file.data, title=form.title.data
        )
    except LaurelError as exc:
        _refused(exc)
        return redirect(url_for(".rules", edition_id=edition.id) + "#attachments")
    name = attachment.stored_name
    try:
        db.session.commit()
    except BaseException:
        uploads.document_path(name).unlink(missing_ok=True)
        raise
    flash(_("The attachment has been added."), "success")
    return redirect(url_for(".rules", edition_id=edition.id) + "#attachments")


@bp.route("/rules/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_rules_attachment(attachment_id: int):
    attachment = db.get_or_404(RulesAttachment, attachment_id)
    if not attachment.can_edit(current_user):
        abort(403)
    edition_id = attachment.edition_id
    name = services.delete_rules_attachment(attachment, actor=current_user)
    db.session.commit()
    uploads.document_path(name).unlink(missing_ok=True)
    flash(_("The attachment has been deleted."), "success")
    return redirect(url_for(".rules", edition_id=edition_id) + "#attachments")
