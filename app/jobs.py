"""Background jobs on Huey: work a web request must not wait for (e-mail,
diploma batches: app/awards/diploma_batch.py; their progress is kept in
app/job_runs.py).

Storage follows the deployment, with nothing to install by default:
- no REDIS_URL: a SQLite file in the instance folder (`jobs.db`), one machine;
- REDIS_URL set: Redis, so several app processes share one queue;
- TESTING (or JOBS_IMMEDIATE): `enqueue` runs the job at once, in the caller,
  so tests see its effect (decided per app: a test suite creates many apps).

The worker is `flask --app wsgi jobs worker` (`make run` starts one beside the
web app). Each job runs inside an application context of the app that
configured the queue.
"""

from __future__ import annotations

import functools
import logging

import click
from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey
from huey.storage import RedisStorage, SqliteStorage

log = logging.getLogger("laurel.jobs")

# Configured by init_app; until then it keeps jobs in memory.
huey: Huey = MemoryHuey("laurel", results=False)
_app: Flask | None = None


def runs_immediately(app: Flask) -> bool:
    return bool(app.config.get("TESTING") or app.config.get("JOBS_IMMEDIATE"))


def init_app(app: Flask) -> None:
    global _app
    if runs_immediately(app):
        return
    _app = app
    if app.config.get("REDIS_URL"):
        huey.storage = RedisStorage("laurel", url=app.config["REDIS_URL"])
    else:
        path = app.config.get("JOBS_DATABASE") or f"{app.instance_path}/jobs.db"
        huey.storage = SqliteStorage("laurel", filename=path)


def _in_app_context(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if has_app_context() or _app is None:
            return fn(*args, **kwargs)
        with _app.app_context():
            return fn(*args, **kwargs)

    return wrapper


def periodic(schedule):
    """A task the worker runs on a schedule (a huey.crontab, evaluated in UTC).
    Run extra workers with periodic tasks off, or guard the task against
    running twice (as app/reminders.py does)."""

    def decorate(fn):
        return huey.periodic_task(schedule)(_in_app_context(fn))

    return decorate


def job(**options):
    """A Huey task run inside the app's context (`retries`, `retry_delay`...
    as for `huey.task`)."""

    def decorate(fn):
        return huey.task(**options)(_in_app_context(fn))

    return decorate


def enqueue(task, *args, **kwargs) -> None:
    """Queue a job, or run it now where jobs run immediately."""
    if runs_immediately(current_app):
        task.call_local(*args, **kwargs)
    else:
        task(*args, **kwargs)


def register_cli(app: Flask) -> None:
    @app.cli.group("jobs")
    def jobs_group() -> None:
        """The background job queue."""

    @jobs_group.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Worker threads.")
    def worker(workers: int) -> None:
        """Run the job worker until stopped (Ctrl+C)."""
        if runs_immediately(app):
            raise click.ClickException("Jobs run immediately in this configuration.")
        click.echo(f"Laurel job worker: {workers} threads, storage {type(huey.storage).__name__}")
        # The app factory imported every module that defines jobs (app.mail...).
        consumer = huey.create_consumer(workers=workers, worker_type="thread")
        consumer.run()

    @jobs_group.command("pending")
    def pending() -> None:
        """How many jobs wait in the queue."""
        click.echo(str(huey.pending_count()))
