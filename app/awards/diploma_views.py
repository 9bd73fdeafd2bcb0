"""Organizer pages for diplomas: the edition's documents, the design, one
document on demand, the batch job, revoking, and the ZIP of them all."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import job_runs
from app.accounts.decorators import organizer_required
from app.awards import diploma_batch, diploma_design, diplomas
from app.awards.diploma_forms import BatchForm, DesignForm, RevokeForm
from app.awards.models import Award, AwardKind, Diploma, DiplomaTemplate
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.inputs import page_arg
from app.labels import label
from app.offices.models import Application, ApplicationStatus

bp = Blueprint("diplomas", __name__)
EDITION = "/organizer/editions/<int:edition_id>/diplomas"
PAGE = 100


@bp.app_template_filter("diploma_template_label")
def diploma_template_label(value: str) -> str:
    return label(DiplomaTemplate(value))


@bp.app_template_filter("award_kind_label")
def award_kind_label(value: str) -> str:
    return label(AwardKind(value))


def _edition(edition_id: int) -> Edition:
    return db.get_or_404(Edition, edition_id)


def _generating(edition_id: int):
    edition = _edition(edition_id)
    design = diplomas.design_of(edition)
    if not design.can_generate(current_user):
        abort(403)
    return edition, design


def _back(edition: Edition, page: int | None = None):
    return redirect(url_for(".index", edition_id=edition.id, page=page or None))


@bp.route(EDITION)
@organizer_required
def index(edition_id: int):
    edition = _edition(edition_id)
    design = diplomas.design_of(edition)
    subjects = diplomas.subjects(edition, design)
    pages = max(1, -(-len(subjects) // PAGE))
    page = page_arg()
    if page > pages:
        abort(404)
    live = diplomas.live_by_subject(edition)
    rows = [
        (subject, live.get(diplomas.subject_key(subject)))
        for subject in subjects[(page - 1) * PAGE : page * PAGE]
    ]
    can_generate = design.can_generate(current_user)
    return render_template(
        "awards/diplomas.html",
        edition=edition,
        design=design,
        rows=rows,
        page=page,
        pages=pages,
        total=len(subjects),
        made=sum(1 for s in subjects if diplomas.subject_key(s) in live),
        can_generate=can_generate,
        batch_form=BatchForm() if can_generate else None,
        runs=job_runs.recent_runs(diploma_batch.KIND, edition.id),
    )


def _design_data(form: DesignForm) -> diploma_design.DesignData:
    images = {}
    for column, upload, remove in (
        ("logo_name", form.logo, form.remove_logo),
        ("signer1_image", form.signer1_image, form.remove_signer1_image),
        ("signer2_image", form.signer2_image, form.remove_signer2_image),
    ):
        if upload.data and getattr(upload.data, "filename", ""):
            images[column] = upload.data.stream
        elif remove.data:
            images[column] = None
    return diploma_design.DesignData(
        template_laureate=form.template_laureate.data,
        template_distinction=form.template_distinction.data,
        participation=bool(form.participation.data),
        certificate_valid_years=form.certificate_valid_years.data,
        signer1_name=form.signer1_name.data or "",
        signer1_role=form.signer1_role.data or "",
        signer2_name=form.signer2_name.data or "",
        signer2_role=form.signer2_role.data or "",
        images=images,
    )


@bp.route(EDITION + "/design", methods=["GET", "POST"])
@organizer_required
def design(edition_id: int):
    edition = _edition(edition_id)
    current = diplomas.design_of(edition)
    if not current.can_edit(current_user):
        abort(403)
    form = DesignForm(obj=current)
    if form.validate_on_submit():
        try:
            diploma_design.save_design(edition, actor=current_user, data=_design_data(form))
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("The diplomas' design is saved."), "success")
            return redirect(url_for(".index", edition_id=edition.id))
    return render_template("awards/diploma_design.html", edition=edition, design=current, form=form)


def _generated(subject: diplomas.Subject, edition: Edition):
    try:
        diploma = diplomas.generate_diploma(subject, actor=current_user)
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "Diploma made for %(office)s (version %(version)s).",
                office=diploma.snapshot["office"],
                version=diploma.version,
            ),
            "success",
        )
    return _back(edition)


@bp.route(EDITION + "/awards/<int:award_id>", methods=["POST"])
@organizer_required
def generate_for_award(edition_id: int, award_id: int):
    edition, design = _generating(edition_id)
    award = db.get_or_404(Award, award_id)
    if award.edition_id != edition.id:
        abort(404)
    return _generated(diplomas.subject_of_award(award, design), edition)


@bp.route(EDITION + "/entries/<int:application_id>", methods=["POST"])
@organizer_required
def generate_participation(edition_id: int, application_id: int):
    edition, _design = _generating(edition_id)
    application = db.get_or_404(Application, application_id)
    if application.edition_id != edition.id:
        abort(404)
    if (
        not _design.participation
        or application.status is ApplicationStatus.draft
        or diplomas.has_award(application)
    ):
        abort(404)
    return _generated(diplomas.subject_of_participation(application), edition)


@bp.route(EDITION + "/batch", methods=["POST"])
@organizer_required
def batch(edition_id: int):
    edition, _design = _generating(edition_id)
    form = BatchForm()
    if form.validate_on_submit():
        try:
            run = diploma_batch.start_batch(
                edition,
                actor=current_user,
                regenerate=bool(form.regenerate.data),
                root_url=request.url_root,
            )
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("The diplomas are being made; this page shows the progress."), "success")
            diploma_batch.queue(run)
    return _back(edition)


def _of_edition(diploma_id: int, edition: Edition) -> Diploma:
    diploma = db.get_or_404(Diploma, diploma_id)
    if diploma.application.edition_id != edition.id:
        abort(404)
    return diploma


@bp.route(EDITION + "/<int:diploma_id>/revoke", methods=["GET", "POST"])
@organizer_required
def revoke(edition_id: int, diploma_id: int):
    edition, _design = _generating(edition_id)
    diploma = _of_edition(diploma_id, edition)
    if diploma.revoked_at is not None:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            diplomas.revoke_diploma(diploma, actor=current_user, reason=form.reason.data)
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("The diploma has been revoked."), "success")
            return _back(edition)
    return render_template(
        "awards/diploma_revoke.html", edition=edition, diploma=diploma, form=form
    )


@bp.route(EDITION + "/all.zip")
@organizer_required
def download_zip(edition_id: int):
    edition = _edition(edition_id)
    if not diplomas.design_of(edition).can_edit(current_user):
        abort(403)
    archive = diplomas.files.zip_of(diplomas.zip_entries(edition))
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"dyplomy-{edition.slug}.zip",
        max_age=0,
    )
