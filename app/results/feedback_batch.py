"""Making every office's feedback report as one background job (a JobRun of
kind "feedback_reports", progress per chunk), the report settings, and
publishing the reports to the offices. Services flush and audit; the views
commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app import job_runs
from app.accounts.models import User
from app.audit import services as audit
from app.editions.models import Edition, FeedbackResultMode
from app.errors import LaurelError
from app.extensions import db
from app.jobs import enqueue, job
from app.jobs_models import JobRun
from app.pdf import render
from app.results import feedback_report as reports
from app.timeutil import utcnow

KIND = "feedback_reports"
CHUNK = 24  # reports per commit of progress


def start_generation(edition: Edition, *, actor) -> JobRun:
    """Queue the edition's reports (organizers, from the chapter on; one run
    at a time). The caller commits, then calls `queue(run)`."""
    if not edition.can_manage_feedback_reports(actor):
        raise LaurelError(_("Feedback reports can be made once the chapter deliberates."))
    return job_runs.start_run(KIND, edition_id=edition.id, actor=actor)


def queue(run: JobRun) -> None:
    enqueue(generate_reports, run.id)


def make_reports(edition: Edition, *, processes: int | None = None, on_chunk=None) -> int:
    """Render and store every entry's report, replacing those made before;
    `on_chunk(n)` after each chunk. Returns how many were made."""
    todo = reports.entries(edition)
    made = 0
    with render.PdfPool(processes if len(todo) > 1 else 1) as pool:
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            futures = pool.submit([reports.pdf_job(a) for a in part])
            for application, future in zip(part, futures, strict=True):
                reports.store_report(application, future.result())
            made += len(part)
            if on_chunk:
                on_chunk(len(part))
    return made


@job(retries=2, retry_delay=30, context=True)
def generate_reports(run_id: int, task=None) -> None:
    """The job: every entry's report of the run's edition, made again."""
    processes = current_app.config.get("DIPLOMA_PROCESSES") or render.default_processes()
    if processes > 1:
        render.start_server()
    with job_runs.tracked(run_id, task) as tracker:
        run = tracker.run
        edition = db.session.get(Edition, run.edition_id)
        tracker.set_total(len(reports.entries(edition)))
        made = make_reports(edition, processes=processes, on_chunk=tracker.advance)
        audit.record(
            "feedback_reports.generate",
            actor=db.session.get(User, run.created_by_id) if run.created_by_id else None,
            obj=run,
            edition_id=edition.id,
            after={"made": made},
        )
        tracker.note(made=made)


def save_settings(edition: Edition, *, actor, mode: FeedbackResultMode, band_width: int) -> None:
    """How the reports print the office's result. Changing it does not touch
    the reports already made: they are made again to follow."""
    if not edition.can_manage_feedback_reports(actor):
        raise LaurelError(_("Feedback reports can be made once the chapter deliberates."))
    if not 5 <= band_width <= 50:
        raise LaurelError(_("The band width must be between 5 and 50 points."))
    before = {"mode": edition.feedback_result_mode.value, "band_width": edition.feedback_band_width}
    edition.feedback_result_mode = mode
    edition.feedback_band_width = band_width
    db.session.flush()
    audit.record(
        "feedback_reports.settings",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before=before,
        after={"mode": mode.value, "band_width": band_width},
    )


def publish_reports(edition: Edition, *, actor) -> None:
    """Let each office download its own report (once the results are public)."""
    if not edition.can_publish_feedback_reports(actor):
        raise LaurelError(_("Feedback reports can be published once the results are public."))
    if edition.feedback_reports_published_at is not None:
        raise LaurelError(_("The feedback reports are already published."))
    edition.feedback_reports_published_at = utcnow()
    db.session.flush()
    audit.record(
        "feedback_reports.publish",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        after={"published_at": edition.feedback_reports_published_at.isoformat()},
    )


def unpublish_reports(edition: Edition, *, actor) -> None:
    """Withdraw the reports from the offices (e.g. to correct and make them again)."""
    if not edition.can_manage_feedback_reports(actor):
        raise LaurelError(_("Feedback reports can be made once the chapter deliberates."))
    if edition.feedback_reports_published_at is None:
        raise LaurelError(_("The feedback reports are not published."))
    before = {"published_at": edition.feedback_reports_published_at.isoformat()}
    edition.feedback_reports_published_at = None
    db.session.flush()
    audit.record(
        "feedback_reports.unpublish", actor=actor, obj=edition, edition_id=edition.id, before=before
    )
