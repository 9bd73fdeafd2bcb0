"""The office portal: registration, application, documents, results; and the
application pages shared with jurors and organizers."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from app import navigation
from app.accounts.decorators import office_required, organizer_required
from app.accounts.models import Role
from app.awards import publishing as award_publishing
from app.awards.models import Diploma
from app.editions.models import Category, Edition, EditionStatus
from app.errors import LaurelError
from app.extensions import db, limiter
from app.inputs import page_arg
from app.jury import feedback as jury_feedback
from app.labels import choices
from app.offices import listing, services, uploads
from app.offices import timeline as edition_timeline
from app.offices.forms import (
    ApplicationFilterForm,
    ApplyForm,
    DocumentForm,
    RegistrationForm,
    ReopenForm,
    questionnaire_form,
)
from app.offices.models import (
    Application,
    ApplicationStatus,
    Document,
    OfficeType,
    Voivodeship,
)
from app.results import feedback_report, office_view
from app.timeutil import from_local

bp = Blueprint("offices", __name__)

navigation.add("offices.dashboard", _l("My applications"), Role.office, order=10)


def _approved_office_or_redirect():
    """The signed-in user's office if approved; otherwise a redirect to the
    dashboard, which explains the state of the registration."""
    office = current_user.office
    if office is None or not office.is_approved:
        flash(_("Your office's registration has not been approved yet."), "error")
        return None, redirect(url_for("offices.dashboard"))
    return office, None


def _own_application(application_id: int) -> Application:
    """The application if it belongs to the signed-in office user's office:
    404 if missing, 403 if another office's."""
    application = db.get_or_404(Application, application_id)
    if not application.can_manage(current_user):
        abort(403)
    return application


# --- registration ----------------------------------------------------------------


@bp.route("/office/register", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_office(
                name=form.name.data,
                office_type=OfficeType(form.office_type.data),
                voivodeship=Voivodeship(form.voivodeship.data),
                city=form.city.data,
                address=form.address.data,
                postal_code=form.postal_code.data,
                regon=form.regon.data,
                nip=form.nip.data,
                contact_name=form.contact_name.data,
                email=form.email.data,
                password=form.password.data,
            )
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Your office has been registered. We have sent a confirmation link to your "
                    "e-mail; the organizer will review the registration. You can sign in now."
                ),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("offices/register.html", form=form)


@bp.route("/office/confirm/<token>")
def confirm_email(token: str):
    user = services.confirm_email(token)
    if user is None:
        flash(_("This confirmation link is invalid or has expired."), "error")
        return redirect(url_for("main.home"))
    db.session.commit()
    flash(_("Your e-mail address has been confirmed."), "success")
    return redirect(
        url_for("offices.dashboard" if current_user.is_authenticated else "accounts.login")
    )


@bp.route("/office/confirm/resend", methods=["POST"])
@limiter.limit("5/hour")
@office_required
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        services.send_email_confirmation(current_user)
        db.session.commit()  # mail goes out when the transaction commits
        flash(_("We have sent the confirmation link again."), "success")
    return redirect(url_for("offices.dashboard"))


# --- dashboard and application -------------------------------------------------------


@bp.route("/office/")
@office_required
def dashboard():
    office = current_user.office
    if not office.is_approved:
        return render_template("offices/pending.html", office=office)
    applications = db.session.scalars(
        sa.select(Application)
        .where(Application.office_id == office.id)
        .options(selectinload(Application.edition), selectinload(Application.category))
        .order_by(Application.created_at.desc())
    ).all()
    entered = {a.edition_id for a in applications}
    open_editions = [
        (edition, services.eligible_categories(edition, office))
        for edition in services.open_editions()
        if edition.id not in entered
    ]
    return render_template(
        "offices/dashboard.html",
        office=office,
        applications=applications,
        open_editions=open_editions,
        # Where each entry of an edition not yet archived stands, and what comes next.
        timelines=[
            (a, edition_timeline.timeline(a))
            for a in applications
            if a.edition.status is not EditionStatus.archived
        ],
    )


@bp.route("/office/editions/<int:edition_id>/apply", methods=["GET", "POST"])
@office_required
def apply(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    office, refusal = _approved_office_or_redirect()
    if refusal:
        return refusal
    if not edition.accepts_applications():
        flash(_("This edition is not accepting applications."), "error")
        return redirect(url_for("offices.dashboard"))
    categories = services.eligible_categories(edition, office)
    form = ApplyForm(categories=categories)
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        try:
            application = services.create_application(edition, category, actor=current_user)
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            existing = db.session.scalar(
                sa.select(Application.id).where(
                    Application.edition_id == edition.id, Application.office_id == office.id
                )
            )
            if existing:
                return redirect(url_for("offices.edit_application", application_id=existing))
        else:
            db.session.commit()
            flash(_("Your application has been started. Fill it in and save."), "success")
            return redirect(url_for("offices.edit_application", application_id=application.id))
    return render_template("offices/apply.html", edition=edition, form=form, categories=categories)


def _edit_context(application, form, areas, document_form=None):
    return {
        "application": application,
        "form": form,
        "areas": areas,
        "document_form": document_form
        or DocumentForm(areas=areas, max_mb=current_app.config["MAX_FILE_MB"]),
        "missing": services.missing_items(application),
        "max_file_mb": current_app.config["MAX_FILE_MB"],
        "max_application_mb": current_app.config["MAX_APPLICATION_MB"],
        "used_bytes": sum(d.size_bytes for d in application.documents),
    }


@bp.route("/office/applications/<int:application_id>", methods=["GET", "POST"])
@office_required
def edit_application(application_id: int):
    application = _own_application(application_id)
    if not application.can_edit(current_user):
        if request.method == "POST":
            if application.is_draft:
                flash(_("The deadline for applications has passed."), "error")
            else:
                flash(
                    _("The application has been submitted and can no longer be changed."),
                    "error",
                )
        return redirect(url_for("offices.application_detail", application_id=application.id))
    areas = services.questionnaire(application.edition)
    saved = {a.question_id: services.answer_value(a, a.question) for a in application.answers}
    form = questionnaire_form(
        areas,
        saved=saved,
        version=application.version,
        formdata=request.form if request.method == "POST" else None,
    )
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.save_answers(
                    application,
                    form.answer_values(areas),
                    actor=current_user,
                    version=form.version.data,
                )
            except LaurelError as exc:
                db.session.rollback()
                flash(exc.message, "error")
                # The typed answers stay in the form; nothing has been saved.
                return render_template(
                    "offices/edit.html", **_edit_context(application, form, areas)
                ), 409
            db.session.commit()
            flash(_("Your answers have been saved."), "success")
            return redirect(url_for("offices.edit_application", application_id=application.id))
        # One error summary at the top of the form says what happened and
        # links to each answer in error; no second box.
        if form.version.errors:
            # A missing or forged version: the concurrent-edit check cannot be made.
            form.version.errors = []
            problem = _("Nothing was saved: the form is incomplete. Reload the page.")
            return render_template(
                "offices/edit.html", **_edit_context(application, form, areas), problem=problem
            ), 409
        problem = _("Nothing was saved: correct the answers listed below and save again.")
        return render_template(
            "offices/edit.html", **_edit_context(application, form, areas), problem=problem
        ), 422
    return render_template("offices/edit.html", **_edit_context(application, form, areas))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc):
    """Werkzeug refuses a body above MAX_CONTENT_LENGTH before the view reads
    it; tell the user in words and take them back to their application."""
    message = _(
        "The file is too large: at most %(mb)s MB per file.", mb=current_app.config["MAX_FILE_MB"]
    )
    application_id = (request.view_args or {}).get("application_id")
    if application_id and current_user.is_authenticated:
        flash(message, "error")
        return redirect(url_for("offices.edit_application", application_id=application_id))
    return render_template(
        "errors/error.html", code=413, title=_("File too large"), message=message
    ), 413


@bp.route("/office/applications/<int:application_id>/documents", methods=["POST"])
@office_required
def upload_document(application_id: int):
    application = _own_application(application_id)
    areas = services.questionnaire(application.edition)
    form = DocumentForm(areas=areas, max_mb=current_app.config["MAX_FILE_MB"])
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("offices.edit_application", application_id=application.id))
    area = next((a for a in areas if a.id == form.area.data), None)
    try:
        document = services.add_document(application, form.file.data, actor=current_user, area=area)
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("offices.edit_application", application_id=application.id))
    stored_file = uploads.document_path(document.stored_name)
    try:
        db.session.commit()
    except Exception:
        stored_file.unlink(missing_ok=True)  # no row, no file
        raise
    flash(_("The file %(name)s has been uploaded.", name=document.original_name), "success")
    return redirect(
        url_for("offices.edit_application", application_id=application.id) + "#documents"
    )


@bp.route("/office/documents/<int:document_id>/delete", methods=["POST"])
@office_required
def delete_document(document_id: int):
    document = db.get_or_404(Document, document_id)
    if not document.application.can_manage(current_user):
        abort(403)
    application_id = document.application_id
    name = document.original_name
    stored_file = services.delete_document(document, actor=current_user)
    db.session.commit()
    stored_file.unlink(missing_ok=True)
    flash(_("The file %(name)s has been deleted.", name=name), "success")
    return redirect(
        url_for("offices.edit_application", application_id=application_id) + "#documents"
    )


@bp.route("/documents/<int:document_id>")
@login_required
def download_document(document_id: int):
    document = db.get_or_404(Document, document_id)
    if not document.can_download(current_user):
        abort(403)
    path = uploads.document_path(document.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.original_name,
        max_age=0,
    )


@bp.route("/documents/<int:document_id>/view")
@login_required
def view_document(document_id: int):
    """Show a PDF or an image in the browser; other kinds are downloaded."""
    document = db.get_or_404(Document, document_id)
    if not document.can_download(current_user):
        abort(403)
    if not document.viewable_inline:
        return redirect(url_for("offices.download_document", document_id=document.id))
    return uploads.send_inline(
        uploads.document_path(document.stored_name),
        mimetype=document.content_type,
        download_name=document.original_name,
    )


@bp.route("/office/applications/<int:application_id>/submit", methods=["GET", "POST"])
@office_required
def submit_application(application_id: int):
    application = _own_application(application_id)
    if request.method == "POST":
        try:
            services.submit_application(application, actor=current_user)
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("offices.submit_application", application_id=application.id))
        db.session.commit()
        flash(_("Your application has been submitted. Thank you!"), "success")
        return redirect(url_for("offices.application_detail", application_id=application.id))
    return render_template(
        "offices/submit.html",
        application=application,
        missing=services.missing_items(application),
        can_edit=application.can_edit(current_user),
    )


# --- shared application pages ----------------------------------------------------------


@bp.route("/applications/<int:application_id>")
@login_required
def application_detail(application_id: int):
    application = db.get_or_404(Application, application_id)
    if not application.can_view(current_user):
        abort(403)
    areas = services.questionnaire(application.edition)
    answers = {a.question_id: a for a in application.answers}
    is_owner = application.can_manage(current_user)
    sees_results = application.can_see_results(current_user)
    awards = (
        [a for a in services.awards_of(application) if a.can_view(current_user)]
        if sees_results
        else []
    )
    withheld_reason = (
        award_publishing.withheld_reason(application.category) if sees_results else None
    )
    diplomas = services.downloadable_diplomas(awards) + (
        services.participation_certificates(application) if sees_results else []
    )
    feedback = (
        jury_feedback.feedback_scores(application)
        if sees_results and application.edition.feedback_published
        else []
    )
    # Its scores and position from the ranking snapshot (app/results): the
    # numbers the chapter decided on, not a second computation.
    own_result = office_view.office_result(application) if sees_results else None
    return render_template(
        "offices/detail.html",
        application=application,
        areas=areas,
        answers=answers,
        documents_by_area=services.documents_by_area(application),
        is_owner=is_owner,
        can_edit=application.can_edit(current_user),
        sees_results=sees_results,
        awards=awards,
        withheld_reason=withheld_reason,
        diplomas=diplomas,
        feedback=feedback,
        own_result=own_result,
        has_feedback_report=sees_results
        and application.can_download_feedback(current_user)
        and feedback_report.report_path(application).is_file(),
        reopen_form=ReopenForm() if application.can_reopen(current_user) else None,
        timeline=edition_timeline.timeline(application) if is_owner else None,
    )


@bp.route("/diplomas/<int:diploma_id>")
@login_required
def download_diploma(diploma_id: int):
    diploma = db.get_or_404(Diploma, diploma_id)
    if not diploma.can_download(current_user):
        abort(403)
    if diploma.revoked_at is not None or not diploma.stored_name:
        abort(404)
    path = uploads.diplomas_dir() / Path(diploma.stored_name).name
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"dyplom-{diploma.verification_code}.pdf",
        max_age=0,
    )


@bp.route("/organizer/applications/<int:application_id>/reopen", methods=["POST"])
@organizer_required
def reopen_application(application_id: int):
    application = db.get_or_404(Application, application_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the application."), "error")
        return redirect(url_for("offices.application_detail", application_id=application.id))
    try:
        services.reopen_application(
            application,
            actor=current_user,
            reason=form.reason.data,
            deadline=from_local(form.deadline.data),
        )
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("offices.application_detail", application_id=application.id))
    db.session.commit()
    flash(_("The application has been reopened and the office informed."), "success")
    return redirect(url_for("offices.application_detail", application_id=application.id))


@bp.route("/organizer/editions/<int:edition_id>/applications")
@organizer_required
def edition_applications(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    form = ApplicationFilterForm(
        request.args,
        categories=edition.categories,
        status_choices=choices(ApplicationStatus),
    )
    status = None
    category_id = None
    if form.validate():
        if form.status.data:
            status = ApplicationStatus(form.status.data)
        category_id = form.category.data or None
    page = listing.applications_page(
        edition, status=status, category_id=category_id, page=page_arg()
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "offices/edition_applications.html",
        edition=edition,
        form=form,
        page=page,
        filter_args=args,
    )
