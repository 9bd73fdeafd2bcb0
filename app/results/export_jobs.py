"""The scores XLSX of a large edition, written by a background job.

A national edition has hundreds of thousands of scores: its XLSX takes a
minute or more to write, longer than a request may wait. Above
exports.SCORES_XLSX_MAX scores the exports page queues this job instead
(app/jobs.py), follows it with a progress bar (app/job_runs.py) and offers the
finished file for download.

The file follows the blinded chapter like every export: it is written as the
organizer who asked for it sees the entries, and a file with names is never
handed to someone who sees codes (`can_download`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

from app.accounts.models import User
from app.audit import services as audit
from app.editions.models import Edition
from app.extensions import db
from app.job_runs import Tracker, recent_runs, start_run, tracked
from app.jobs import enqueue, job
from app.jobs_models import JobRun, JobStatus
from app.results import blinding, exports

KIND = "scores_xlsx"
# Progress is committed every this many rows (one small UPDATE each).
PROGRESS_ROWS = 5_000


def exports_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(run: JobRun) -> Path | None:
    if not run.result_name:
        return None
    return exports_dir() / Path(run.result_name).name


def start(edition: Edition, *, actor) -> JobRun:
    """Queue the scores XLSX of `edition` as `actor` sees it (LaurelError
    when one is already queued or running). Commits, then queues."""
    blinded = not edition.shows_names_to(actor)
    run = start_run(KIND, edition_id=edition.id, actor=actor, details={"blinded": blinded})
    db.session.commit()
    enqueue(write_scores_xlsx, run.id)
    return run


def runs(edition: Edition) -> list[JobRun]:
    return recent_runs(KIND, edition.id, limit=3)


def can_download(run: JobRun, edition: Edition, user) -> bool:
    """A finished file of this edition, for someone who may export its
    results, and never a file with names for a viewer who sees codes."""
    return (
        run.kind == KIND
        and run.edition_id == edition.id
        and run.status is JobStatus.done
        and run.result_name is not None
        and edition.can_export_results(user)
        and (bool((run.details or {}).get("blinded")) or edition.shows_names_to(user))
    )


def _counted(rows, tracker: Tracker) -> Iterator[tuple]:
    for n, row in enumerate(rows, start=1):
        yield row
        if n % PROGRESS_ROWS == 0:
            tracker.advance(PROGRESS_ROWS)


@job(retries=2, retry_delay=30, context=True)
def write_scores_xlsx(run_id: int, task=None) -> None:
    with tracked(run_id, task) as tracker:
        run = tracker.run
        edition = db.session.get(Edition, run.edition_id)
        creator = db.session.get(User, run.created_by_id) if run.created_by_id else None
        # Named as the organizer who asked sees the entries now (codes for
        # nobody known); the file records which, for can_download.
        names = blinding.names_for(edition, creator)
        tracker.note(blinded=names.blinded)
        tracker.set_total(exports.count_scores(edition))
        table = exports.table(edition, "scores", names=names)
        table.rows = _counted(table.rows, tracker)
        name = f"{run.id}-{table.name}.xlsx"
        final = exports_dir() / name
        part = final.with_suffix(".part")
        with part.open("wb") as out:
            exports.write_xlsx(table, out)
        os.replace(part, final)
        run.result_name = name
        audit.record(
            "results.export",
            actor=creator,
            obj=edition,
            edition_id=edition.id,
            after={"table": "scores", "format": "xlsx", "file": table.name, "job": run.id}
            | table.details,
        )
        tracker.note(file=table.name)
