"""The status of a background job, as JSON for the page that polls it
(app/static/jobs.js)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

from app import job_runs
from app.extensions import db
from app.jobs_models import JobRun

bp = Blueprint("jobs", __name__)


@bp.route("/organizer/jobs/<int:run_id>")
@login_required
def status(run_id: int):
    run = db.get_or_404(JobRun, run_id)
    if not run.can_view(current_user):
        abort(403)
    response = jsonify(job_runs.status_json(run))
    response.headers["Cache-Control"] = "no-store"
    return response
