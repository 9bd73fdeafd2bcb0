"""The organizer's downloads of an edition's results (CSV and XLSX): the
ranking, every score, the chapter's decisions. Each download is audited."""

from __future__ import annotations

import tempfile

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.audit import services as audit
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.forms import BaseForm
from app.jobs_models import JobRun
from app.results import blinding, export_jobs, exports
from app.results import snapshot as snapshots
from app.results.views import bp


@bp.route("/organizer/editions/<int:edition_id>/exports")
@organizer_required
def exports_page(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_export_results(current_user):
        abort(403)
    return render_template(
        "results/exports.html",
        edition=edition,
        snapshot=snapshots.current(edition),
        scores_xlsx=exports.scores_xlsx_allowed(edition),
        names=blinding.names_for(edition, current_user, application_ids=()),
        xlsx_runs=export_jobs.runs(edition),
        can_download_run=lambda run: export_jobs.can_download(run, edition, current_user),
    )


@bp.route(
    "/organizer/editions/<int:edition_id>/exports/"
    "<any(ranking, scores, decisions):table_name>.<any(csv, xlsx):fmt>"
)
@organizer_required
def export(edition_id: int, table_name: str, fmt: str):
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_export_results(current_user):
        abort(403)
    stage = request.args.get("stage", "final")
    if table_name == "ranking" and stage not in exports.STAGES:
        abort(404)
    if table_name == "scores" and fmt == "xlsx" and not exports.scores_xlsx_allowed(edition):
        flash(
            _(
                "This edition has too many scores for an XLSX file made while you wait "
                "(more than %(max)s): prepare it in the background below, or download the "
                "CSV file, which Excel opens too.",
                max=f"{exports.SCORES_XLSX_MAX:,}".replace(",", " "),
            ),
            "error",
        )
        return redirect(url_for(".exports_page", edition_id=edition.id))
    # Exports follow the pages: blinded for a blinded viewer.
    names = blinding.names_for(edition, current_user)
    table = exports.table(edition, table_name, stage=stage, names=names)
    audit.record(
        "results.export",
        actor=current_user,
        obj=edition,
        edition_id=edition.id,
        after={"table": table_name, "format": fmt, "file": table.name, **table.details},
    )
    db.session.commit()
    filename = f"{table.name}.{fmt}"
    if fmt == "csv":
        # Streamed: the scores table is written while it is read.
        response = Response(
            stream_with_context(exports.csv_chunks(table)), mimetype=exports.CSV_MIMETYPE
        )
        response.headers.set("Content-Disposition", "attachment", filename=filename)
        return response
    # A zip (XLSX) cannot be sent before it is finished: write it to a
    # temporary file, which disappears when the response closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed with the response)
    exports.write_xlsx(table, out)
    out.seek(0)
    return send_file(
        out, mimetype=exports.XLSX_MIMETYPE, as_attachment=True, download_name=filename
    )


@bp.route("/organizer/editions/<int:edition_id>/exports/scores-xlsx", methods=["POST"])
@organizer_required
def prepare_scores_xlsx(edition_id: int):
    """Queue the scores XLSX of a large edition (app/results/export_jobs.py)."""
    edition = db.get_or_404(Edition, edition_id)
    if not edition.can_export_results(current_user):
        abort(403)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        export_jobs.start(edition, actor=current_user)
    except LaurelError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("The XLSX file is being prepared; this page shows its progress."), "success")
    return redirect(url_for(".exports_page", edition_id=edition.id))


@bp.route("/organizer/editions/<int:edition_id>/exports/files/<int:run_id>")
@organizer_required
def download_prepared(edition_id: int, run_id: int):
    edition = db.get_or_404(Edition, edition_id)
    run = db.get_or_404(JobRun, run_id)
    if run.edition_id != edition.id or run.kind != export_jobs.KIND:
        abort(404)
    if not export_jobs.can_download(run, edition, current_user):
        abort(403)
    path = export_jobs.file_path(run)
    if path is None or not path.is_file():
        abort(404)
    audit.record(
        "results.export",
        actor=current_user,
        obj=edition,
        edition_id=edition.id,
        after={"table": "scores", "format": "xlsx", "job": run.id, "download": True},
    )
    db.session.commit()
    name = (run.details or {}).get("file") or "scores"
    return send_file(
        path, mimetype=exports.XLSX_MIMETYPE, as_attachment=True, download_name=f"{name}.xlsx"
    )
