"""The feedback reports: the organizer's page (settings, making them all,
publishing) and an office's download of its own report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import job_runs
from app.accounts.decorators import organizer_required
from app.editions.models import Edition, FeedbackResultMode
from app.errors import LaurelError
from app.extensions import db
from app.offices.models import Application
from app.results import feedback_batch
from app.results import feedback_report as reports
from app.results.forms import FeedbackActionForm, FeedbackSettingsForm

bp = Blueprint("feedback_reports", __name__)
EDITION = "/organizer/editions/<int:edition_id>/feedback-reports"


def _managed(edition_id: int) -> Edition:
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_manage_feedback_reports(current_user):
        abort(403)
    return edition


def _back(edition: Edition):
    return redirect(url_for(".index", edition_id=edition.id))


@bp.route(EDITION)
@organizer_required
def index(edition_id: int):
    edition = _managed(edition_id)
    entries = reports.entries(edition)
    rows = [(a, reports.made_at(a)) for a in entries]
    settings = FeedbackSettingsForm(
        data={"mode": edition.feedback_result_mode.value, "band_width": edition.feedback_band_width}
    )
    return render_template(
        "results/feedback_reports.html",
        edition=edition,
        rows=rows,
        made=sum(1 for _a, when in rows if when),
        settings_form=settings,
        action_form=FeedbackActionForm(),
        can_publish=edition.can_publish_feedback_reports(current_user),
        runs=job_runs.recent_runs(feedback_batch.KIND, edition.id),
    )


@bp.route(EDITION + "/settings", methods=["POST"])
@organizer_required
def settings(edition_id: int):
    edition = _managed(edition_id)
    form = FeedbackSettingsForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back(edition)
    try:
        feedback_batch.save_settings(
            edition,
            actor=current_user,
            mode=FeedbackResultMode(form.mode.data),
            band_width=form.band_width.data,
        )
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The report settings are saved; make the reports again to apply them."), "success")
    return _back(edition)


@bp.route(EDITION + "/generate", methods=["POST"])
@organizer_required
def generate(edition_id: int):
    edition = _managed(edition_id)
    if FeedbackActionForm().validate_on_submit():
        try:
            run = feedback_batch.start_generation(edition, actor=current_user)
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(
                _("The feedback reports are being made; this page shows the progress."), "success"
            )
            feedback_batch.queue(run)
    return _back(edition)


def _publishing(edition_id: int, service, message: str):
    edition = _managed(edition_id)
    if FeedbackActionForm().validate_on_submit():
        try:
            service(edition, actor=current_user)
        except LaurelError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
    return _back(edition)


@bp.route(EDITION + "/publish", methods=["POST"])
@organizer_required
def publish(edition_id: int):
    return _publishing(
        edition_id,
        feedback_batch.publish_reports,
        _("The feedback reports are published: each office can download its own."),
    )


@bp.route(EDITION + "/unpublish", methods=["POST"])
@organizer_required
def unpublish(edition_id: int):
    return _publishing(
        edition_id,
        feedback_batch.unpublish_reports,
        _("The feedback reports are withdrawn from the offices."),
    )


@bp.route("/applications/<int:application_id>/feedback-report.pdf")
@login_required
def download(application_id: int):
    application = db.get_or_404(Application, application_id)
    if not application.can_download_feedback(current_user):
        abort(403)
    path = reports.report_path(application)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"raport-{application.edition.slug}-{application.id}.pdf",
        max_age=0,
    )
