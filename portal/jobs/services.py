"""Starting jobs and reading them, for the views of the domains."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.database import utcnow
from portal.extensions import db
from portal.jobs import queue as job_queue
from portal.jobs.models import Job, JobState
from portal.jobs.registry import KINDS


def lock_key(kind: str, call_id: int | None, lock: str | None = None) -> str:
    if lock is not None:  # work of another scope than a call: one person's data
        return f"{kind}:{lock}"
    return f"{kind}:{call_id if call_id is not None else '-'}"


def active_job(kind: str, call_id: int | None, lock: str | None = None) -> Job | None:
    """The job of this kind queued or running for the call (or under `lock`), if any."""
    return db.session.scalar(sa.select(Job).where(Job.lock_key == lock_key(kind, call_id, lock)))


def start_job(kind: str, *, call=None, user=None, params: dict | None = None,
              lock: str | None = None) -> tuple[Job, bool]:
    """Queue a job of `kind` for the call; (job, True). When the same kind is already queued or
    running for the call, that job and False: the same work never runs twice at once.
    `lock` (e.g. f"user:{user.id}") scopes "the same work" otherwise than by call; it is kept in
    the params under "lock", so that "try again" takes the same one.

    Flushes; the caller commits, and the job is sent to the queue once the commit is done."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    call_id = call.id if call is not None else None
    params = dict(params or {})
    if lock is not None:
        params["lock"] = lock
    existing = active_job(kind, call_id, lock)
    if existing is not None:
        return existing, False
    job = Job(kind=kind, call_id=call_id, started_by_id=getattr(user, "id", None),
              params=params, state=JobState.QUEUED, lock_key=lock_key(kind, call_id, lock),
              max_attempts=KINDS[kind].max_attempts)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except sa.exc.IntegrityError:  # another request started it a moment ago
        existing = active_job(kind, call_id, lock)
        if existing is None:
            raise
        return existing, False
    _send_after_commit(job.id)
    return job, True


def _send_after_commit(job_id: int) -> None:
    app = current_app._get_current_object()

    @sa.event.listens_for(db.session(), "after_commit", once=True)
    def send(session):
        if job_queue.immediate():
            # Inline (the tests): in an app context of its own, so with a session of its own.
            with app.app_context():
                job_queue.enqueue_job(job_id)
        else:
            try:
                job_queue.enqueue_job(job_id)
            except Exception:  # noqa: BLE001 - the queue is down: the sweep sends it later
                app.logger.exception("job %s could not be sent to the queue; the sweep will", job_id)


def retry_job(job: Job, *, user=None) -> tuple[Job, bool]:
    """Start a failed job's work again, with the same call and parameters."""
    call_id, lock = job.call_id, (job.params or {}).get("lock")
    existing = active_job(job.kind, call_id, lock)
    if existing is not None:
        return existing, False
    fresh = Job(kind=job.kind, call_id=call_id, started_by_id=getattr(user, "id", None),
                params=dict(job.params or {}), state=JobState.QUEUED,
                lock_key=lock_key(job.kind, call_id, lock), max_attempts=job.max_attempts)
    db.session.add(fresh)
    db.session.flush()
    _send_after_commit(fresh.id)
    return fresh, True


def latest_job(kind: str, call_id: int | None) -> Job | None:
    """The newest job of this kind for the call (running or ended), for a page to link to."""
    return db.session.scalar(sa.select(Job).where(Job.kind == kind, Job.call_id == call_id)
                             .order_by(Job.id.desc()).limit(1))


def estimate_left(job: Job, now: datetime | None = None) -> timedelta | None:
    """Time left at the pace so far, once there is a pace to go by."""
    if job.state != JobState.RUNNING or not job.total or not job.done or job.started_at is None:
        return None
    now = now or utcnow()
    elapsed = now - job.started_at
    if elapsed.total_seconds() < 1:
        return None
    left = elapsed * ((job.total - job.done) / job.done)
    return max(left, timedelta(seconds=1))


def percent(job: Job) -> int:
    if job.state == JobState.DONE:
        return 100
    if not job.total:
        return 0
    return max(0, min(99, job.done * 100 // job.total))
