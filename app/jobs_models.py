"""What the organizer sees of a background job: its status and progress.

A `JobRun` row is written when a job is queued and updated by the job as it
works (app/job_runs.py), in its own commits, so a page polling it sees the
progress. Any long job can use it: the diploma batch now, a scores XLSX or the
feedback reports later (`kind` names the job).
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class JobStatus(enum.Enum):
    queued = "queued"
    running = "running"
    retrying = "retrying"  # failed, and queued again by the job queue
    done = "done"
    failed = "failed"

    @property
    def active(self) -> bool:
        return self in ACTIVE


ACTIVE = (JobStatus.queued, JobStatus.running, JobStatus.retrying)


class JobRun(db.Model):
    __tablename__ = "job_run"
    __table_args__ = (
        sa.CheckConstraint("done >= 0 AND total >= 0 AND done <= total", name="progress"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        # One active run of a kind per edition: a second click does not start a second batch.
        sa.Index(
            "uq_job_run_active",
            "kind",
            "edition_id",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running', 'retrying')"),
            postgresql_where=sa.text("status IN ('queued', 'running', 'retrying')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[JobStatus] = mapped_column(default=JobStatus.queued)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    # A file the job made, under UPLOAD_DIR/jobs/ (a ZIP, an XLSX...), if any.
    result_name: Mapped[str | None] = mapped_column(sa.String(120))
    # Job-specific options and outcome (e.g. {"regenerate": true, "made": 120}).
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    # Touched at every step: a run whose worker died stops looking active after a while.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def percent(self) -> int:
        if self.status is JobStatus.done:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def bar_max(self) -> int:
        """The progress bar's maximum: the job's size once known."""
        return self.total or 1

    @property
    def bar_value(self) -> int:
        """The progress bar's value: items done, or all of it once the job is
        done without having counted anything."""
        if self.total:
            return self.done
        return 1 if self.status is JobStatus.done else 0

    @property
    def shown_error(self) -> str:
        """What went wrong, shown once the run has failed for good (a run
        being retried shows its status only)."""
        return self.error if self.status is JobStatus.failed else ""

    def can_view(self, user) -> bool:
        """Organizers follow every job (jobs are started from organizer pages)."""
        return bool(getattr(user, "is_authenticated", False) and user.is_organizer)
