"""All of an edition's diplomas as one background job, with progress.

The job (a JobRun of kind "diplomas") works in chunks: for each chunk the
job's process builds the documents and renders their HTML (templates and
database need the app), then a pool of processes, one per core, turns the
HTML into PDFs (app/pdf/render.py); back here each PDF is stored, put in
force and counted, and the chunk is committed. A retry (the queue retries a
failed job) goes on where the last attempt stopped: documents already made by
this run are not made again.

Without `regenerate`, only subjects without a live document get one; with
it, every live document made before this run started is replaced by a new
version (which revokes it).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app import job_runs
from app.accounts.models import User
from app.audit import services as audit
from app.awards import diplomas
from app.awards.models import Diploma
from app.editions.models import Edition
from app.extensions import db
from app.jobs import enqueue, job
from app.jobs_models import JobRun
from app.offices.models import Application
from app.pdf import render
from app.timeutil import utcnow

KIND = "diplomas"
CHUNK = 48  # documents per commit: progress steps, and what a crash can lose


def start_batch(edition: Edition, *, actor, regenerate: bool, root_url: str) -> JobRun:
    """Queue the edition's batch (refused while one is queued or running, and
    before the chapter). The caller commits, then calls `queue(run)`."""
    design = diplomas.design_of(edition)
    diplomas._check_may_generate(design, actor)
    return job_runs.start_run(
        KIND,
        edition_id=edition.id,
        actor=actor,
        details={"regenerate": bool(regenerate), "root_url": root_url},
    )


def queue(run: JobRun) -> None:
    enqueue(generate_all, run.id)


def _versions(edition: Edition) -> tuple[dict[int, int], dict[int, int]]:
    """The highest version per award and per entry (participation), two queries."""

    def highest(key, *where):
        return dict(
            db.session.execute(
                sa.select(key, sa.func.max(Diploma.version))
                .join(Application, Application.id == Diploma.application_id)
                .where(Application.edition_id == edition.id, *where)
                .group_by(key)
            ).all()
        )

    return (
        highest(Diploma.award_id, Diploma.award_id.is_not(None)),
        highest(Diploma.application_id, Diploma.award_id.is_(None)),
    )


def pending_subjects(
    edition: Edition, run: JobRun
) -> list[tuple[diplomas.Subject, Diploma | None]]:
    """(subject, live document it replaces) for every document the run still has to make."""
    design = diplomas.design_of(edition)
    live = diplomas.live_by_subject(edition)
    regenerate = bool((run.details or {}).get("regenerate"))
    started = run.created_at
    todo = []
    for subject in diplomas.subjects(edition, design):
        current = live.get(diplomas.subject_key(subject))
        if current is None:
            todo.append((subject, None))
        elif regenerate and current.generated_at < started:
            todo.append((subject, current))
    return todo


def make_documents(
    edition: Edition,
    todo: list[tuple[diplomas.Subject, Diploma | None]],
    *,
    actor_id: int | None,
    processes: int | None = None,
    chunk: int | None = None,
    on_chunk=None,
) -> int:
    """Make the documents of `todo`, a chunk at a time; `on_chunk(n)` after
    each chunk is stored (the job commits there). Returns how many were made.

    Pipelined: while the pool renders one chunk, this process prepares the
    next one's HTML, then stores the finished chunk."""
    design = diplomas.design_of(edition)
    by_award, by_entry = _versions(edition)
    today = utcnow().date()
    actor = _Actor(actor_id)
    chunk = chunk or CHUNK

    def prepare(part):
        documents = []
        for subject, _current in part:
            versions = by_award if subject.award else by_entry
            key = subject.award.id if subject.award else subject.application.id
            versions[key] = versions.get(key, 0) + 1
            documents.append(
                diplomas.prepare(subject, design, actor=actor, version=versions[key], today=today)
            )
        return documents, [diplomas.pdf_job(d, design) for d in documents]

    def store(part, documents, futures) -> None:
        for (_subject, current), document, future in zip(part, documents, futures, strict=True):
            diplomas.install(document, future.result(), replaces=current, now=utcnow())
        if on_chunk:
            on_chunk(len(part))

    made = 0
    with render.PdfPool(processes if len(todo) > 1 else 1) as pool:
        waiting = None
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            documents, jobs = prepare(part)
            futures = pool.submit(jobs)
            if waiting:
                store(*waiting)
            waiting = (part, documents, futures)
            made += len(part)
        if waiting:
            store(*waiting)
    return made


class _Actor:
    """The organizer who started the run, as far as `prepare` needs one."""

    def __init__(self, user_id: int | None):
        self.id = user_id


def _processes() -> int | None:
    return current_app.config.get("DIPLOMA_PROCESSES") or None


@job(retries=2, retry_delay=30, context=True)
def generate_all(run_id: int, task=None) -> None:
    """The batch job: every missing (or, to regenerate, every older) document
    of the run's edition."""
    processes = _processes() or render.default_processes()
    if processes > 1:
        render.start_server()  # boots while the database work below runs
    with job_runs.tracked(run_id, task) as tracker:
        run = tracker.run
        edition = db.session.get(Edition, run.edition_id)
        root = (run.details or {}).get("root_url") or "http://localhost/"
        # url_for(_external=True) for the QR codes: the address the organizer used.
        with current_app.test_request_context("/", base_url=root):
            todo = pending_subjects(edition, run)
            tracker.set_total(run.done + len(todo))
            made = make_documents(
                edition,
                todo,
                actor_id=run.created_by_id,
                processes=processes,
                on_chunk=tracker.advance,
            )
            replaced = sum(1 for _subject, current in todo if current is not None)
            audit.record(
                "diploma.batch",
                actor=db.session.get(User, run.created_by_id) if run.created_by_id else None,
                obj=run,
                edition_id=edition.id,
                after={"made": made, "replaced": replaced, "made_in_run": run.done},
            )
            tracker.note(made=run.done, replaced=replaced)
