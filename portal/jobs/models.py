"""A job: long or periodic work done by a worker, with its progress and outcome in the database.

The queue (Huey, portal/jobs/queue.py) only carries "run job N"; everything a page shows and
everything needed to run a job again after a killed worker lives in this row.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(db.Model):
    """One run of one kind of work (`kind`, registered in portal/jobs/registry.py), usually for
    a call. `lock_key` is set while the job is queued or running and unique, so the same work is
    never started twice at once for one call; it is cleared when the job ends."""

    __tablename__ = "job"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    call_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("call.id", ondelete="CASCADE"), index=True)
    started_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default=JobState.QUEUED, index=True)
    lock_key: so.Mapped[str | None] = so.mapped_column(sa.String(120), unique=True)
    # Progress: `done` of `total` units, and the step being done (a key the kind translates).
    done: so.Mapped[int] = so.mapped_column(default=0)
    total: so.Mapped[int] = so.mapped_column(default=0)
    step: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    max_attempts: so.Mapped[int] = so.mapped_column(default=3)
    # What the job produced, for its result page (counts, a stored file's key and name...).
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    # A failed job shows its error id (the log line carries the same id and the traceback).
    error_id: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Not to be run before this moment (a retry's backoff).
    run_after: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Written with every progress report: a running job whose heartbeat is old lost its worker.
    heartbeat_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
