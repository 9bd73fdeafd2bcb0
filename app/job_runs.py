"""Job runs: the status and progress of background jobs, for organizers.

A view starts a run (`start_run`), commits, and queues the job with the
run's id. The job wraps its work in `tracked(run_id, task)`, which marks the
run running, counts progress as the job reports it (`Tracker.advance`,
each a commit of its own, so a polling page sees it), and records the
outcome: done, or the error, and whether the queue will retry it.

Any long job can use this: the diploma batch (app/awards/diploma_batch.py)
now; a scores XLSX or the feedback reports later.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import LaurelError
from app.extensions import db
from app.jobs_models import ACTIVE, JobRun, JobStatus
from app.timeutil import utcnow

log = logging.getLogger("laurel.jobs")
# A run not touched for this long lost its worker (a crash, a restart).
STALE_AFTER = dt.timedelta(minutes=30)
MAX_ERROR = 2000


def _expire_stale(kind: str, edition_id: int | None, now: dt.datetime) -> None:
    db.session.execute(
        sa.update(JobRun)
        .where(
            JobRun.kind == kind,
            JobRun.edition_id == edition_id,
            JobRun.status.in_(ACTIVE),
            JobRun.updated_at < now - STALE_AFTER,
        )
        .values(status=JobStatus.failed, error="stale: the worker stopped", finished_at=now)
        .execution_options(synchronize_session=False)
    )


def active_run(kind: str, edition_id: int | None) -> JobRun | None:
    return db.session.scalar(
        sa.select(JobRun).where(
            JobRun.kind == kind, JobRun.edition_id == edition_id, JobRun.status.in_(ACTIVE)
        )
    )


def start_run(kind: str, *, edition_id: int | None, actor, details: dict | None = None) -> JobRun:
    """A queued run of `kind`. One run of a kind per edition at a time (the
    database holds the rule too); a run whose worker died long ago no longer
    counts. Flushes; the caller commits and then queues the job."""
    now = utcnow()
    _expire_stale(kind, edition_id, now)
    if active_run(kind, edition_id) is not None:
        raise LaurelError(_("This job is already queued or running; wait for it to finish."))
    run = JobRun(
        kind=kind,
        edition_id=edition_id,
        status=JobStatus.queued,
        details=details or {},
        created_by_id=getattr(actor, "id", None),
        created_at=now,
        updated_at=now,
    )
    db.session.add(run)
    db.session.flush()
    return run


def recent_runs(kind: str, edition_id: int | None, limit: int = 5) -> list[JobRun]:
    return list(
        db.session.scalars(
            sa.select(JobRun)
            .where(JobRun.kind == kind, JobRun.edition_id == edition_id)
            .order_by(JobRun.id.desc())
            .limit(limit)
        )
    )


class Tracker:
    """What a running job reports through (each call commits)."""

    def __init__(self, run: JobRun):
        self.run = run

    def set_total(self, total: int) -> None:
        self.run.total = total
        self.run.done = min(self.run.done, total)
        self._save()

    def advance(self, count: int = 1) -> None:
        self.run.done = min(self.run.done + count, self.run.total)
        self._save()

    def note(self, **details) -> None:
        self.run.details = {**(self.run.details or {}), **details}
        self._save()

    def _save(self) -> None:
        self.run.updated_at = utcnow()
        db.session.commit()


@contextmanager
def tracked(run_id: int, task=None) -> Iterator[Tracker]:
    """Run a job's body against its JobRun. `task` is Huey's task (jobs
    declared with `context=True`): its `retries` says whether the queue will
    try again after a failure. Without one (jobs run at once) a failure is
    final. The exception is re-raised so that the queue retries."""
    run = db.session.get(JobRun, run_id)
    if run is None:
        raise LookupError(f"no job run {run_id}")
    run.status = JobStatus.running
    run.attempts += 1
    run.started_at = run.started_at or utcnow()
    run.updated_at = utcnow()
    run.error = ""
    db.session.commit()
    try:
        yield Tracker(run)
    except Exception as exc:
        log.exception("job run %s (%s) failed", run_id, run.kind)
        db.session.rollback()
        run = db.session.get(JobRun, run_id)
        retries = getattr(task, "retries", 0) or 0
        run.status = JobStatus.retrying if retries > 0 else JobStatus.failed
        run.error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
        run.updated_at = utcnow()
        if retries <= 0:
            run.finished_at = utcnow()
        db.session.commit()
        raise
    run.status = JobStatus.done
    run.done = run.total
    run.finished_at = run.updated_at = utcnow()
    db.session.commit()


def status_json(run: JobRun) -> dict:
    """What the polling script (app/static/jobs.js) reads."""
    from app.labels import label

    return {
        "id": run.id,
        "status": run.status.value,
        "label": str(label(run.status)),
        "done": run.done,
        "total": run.total,
        "percent": run.percent,
        "active": run.status.active,
        "error": run.shown_error,
        "bar_max": run.bar_max,
        "bar_value": run.bar_value,
    }
