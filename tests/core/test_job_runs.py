"""A job run's progress and error as the page and the polling script show
them: one rule (JobRun.bar_max / bar_value / shown_error) for both."""

from __future__ import annotations

import pytest

from app.job_runs import status_json
from app.jobs_models import JobRun, JobStatus


@pytest.mark.parametrize(
    ("status", "done", "total", "bar"),
    [
        (JobStatus.queued, 0, 0, (1, 0)),  # size not known yet
        (JobStatus.running, 3, 10, (10, 3)),
        (JobStatus.done, 10, 10, (10, 10)),
        (JobStatus.done, 0, 0, (1, 1)),  # finished with nothing to count
    ],
)
def test_progress_bar(status, done, total, bar):
    run = JobRun(kind="x", status=status, done=done, total=total, error="")
    assert (run.bar_max, run.bar_value) == bar


def test_error_shown_only_once_the_run_has_failed(request_ctx):
    run = JobRun(id=1, kind="x", status=JobStatus.retrying, done=0, total=0, error="Boom")
    assert run.shown_error == "" and status_json(run)["error"] == ""
    run.status = JobStatus.failed
    assert run.shown_error == "Boom" and status_json(run)["error"] == "Boom"
    assert (status_json(run)["bar_max"], status_json(run)["bar_value"]) == (1, 0)
