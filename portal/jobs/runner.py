"""Running a job: claiming it, reporting its progress, ending it, retrying it, and finding the
jobs whose worker died.

A job is claimed by an UPDATE that only succeeds on a queued row, so a job sent twice (a lost
message sent again by the sweep, two workers) runs once. Its handler's effects are committed with
its end, in one transaction: a worker killed before that commit leaves nothing, and the sweep
queues the job again once its heartbeat is old.
"""

import secrets
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.database import session_wrote, utcnow
from portal.extensions import db
from portal.jobs import queue as job_queue
from portal.jobs.models import Job, JobState
from portal.jobs.registry import KINDS, PeriodicWork, Progress

ERROR_TEXT_LIMIT = 4000


def run_job(job_id: int) -> None:
    """Claim the job and run it to its end (done, failed, or queued again for a retry)."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id)
    kind = KINDS.get(job.kind)
    if kind is None:
        _fail(job_id, f"unknown job kind {job.kind!r}", retry=False)
        return
    progress = Progress(_progress_writer(job))
    heartbeat = _Heartbeat(job_id) if not job_queue.immediate() else None
    try:
        result = kind.run(job, progress)
        if not session_wrote(db.session):
            # Nothing to commit with the end: end the reading transaction first (on SQLite it
            # could not write once a progress report or anyone else committed since it began).
            db.session.rollback()
            job = db.session.get(Job, job_id)
        job.state = JobState.DONE
        job.result = result or {}
        job.finished_at = utcnow()
        job.lock_key = None
        job.step = progress.step_name
        job.done, job.total = progress.done, progress.total
        job.error_id = job.error = None
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and shown
        db.session.rollback()
        _fail(job_id, f"{type(error).__name__}: {error}", retry=kind.retry, logged=True)
    finally:
        if heartbeat is not None:
            heartbeat.stop()


def _claim(job_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED,
               sa.or_(Job.run_after.is_(None), Job.run_after <= now))
        .values(state=JobState.RUNNING, attempts=Job.attempts + 1, started_at=now,
                heartbeat_at=now, done=0, total=0, step="")
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _fail(job_id: int, text: str, *, retry: bool, logged: bool = False) -> None:
    error_id = secrets.token_hex(6)
    if logged:
        current_app.logger.exception("job %s failed (error id %s)", job_id, error_id)
    else:
        current_app.logger.error("job %s failed (error id %s): %s", job_id, error_id, text)
    job = db.session.get(Job, job_id)
    job.error_id = error_id
    job.error = text[:ERROR_TEXT_LIMIT]
    if retry and job.attempts < job.max_attempts:
        delay = retry_delay(job.attempts)
        job.state = JobState.QUEUED
        job.run_after = utcnow() + delay
        db.session.commit()
        job_queue.enqueue_job(job_id, delay=delay.total_seconds())
        return
    job.state = JobState.FAILED
    job.finished_at = utcnow()
    job.lock_key = None
    db.session.commit()


def retry_delay(attempts: int) -> timedelta:
    """Backoff: the configured delay after the first attempt, doubling after each next one."""
    base = current_app.config["JOBS_RETRY_DELAY"]
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _progress_writer(job: Job):
    if job_queue.immediate():
        # Run inline: nobody can watch it, and a second connection would wait on the first.
        def keep(values: dict) -> None:
            for name in ("step", "done", "total"):
                setattr(job, name, values[name])
        return keep
    job_id = job.id
    engine = db.engine

    sqlite = engine.dialect.name == "sqlite"
    session = db.session()

    def write(values: dict) -> None:
        # Its own connection and transaction: seen at once, whatever the job holds uncommitted.
        # Not while the job holds SQLite's write lock: it would wait for the job to end.
        if sqlite and session_wrote(session):
            return
        try:
            with engine.begin() as connection:
                connection.execute(sa.update(Job).where(Job.id == job_id).values(**values))
        except sa.exc.OperationalError:  # SQLite busy: the next report will do
            pass
    return write


class _Heartbeat:
    """Marks the job alive every JOBS_HEARTBEAT seconds while its handler works (a solver may
    report no progress for a minute)."""

    def __init__(self, job_id: int):
        self._job_id = job_id
        self._engine = db.engine
        self._every = current_app.config["JOBS_HEARTBEAT"]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat",
                                        daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                with self._engine.begin() as connection:
                    connection.execute(sa.update(Job).where(Job.id == self._job_id)
                                       .values(heartbeat_at=utcnow()))
            except sa.exc.OperationalError:
                pass

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)


def sweep_jobs(now: datetime | None = None) -> int:
    """Queue again the jobs a dead worker left running and those whose message was lost.
    Returns how many were sent. Safe to run anywhere, any time: claiming is atomic."""
    now = now or utcnow()
    config = current_app.config
    stale = now - timedelta(seconds=config["JOBS_STALE_AFTER"])
    dead = db.session.scalars(sa.select(Job.id).where(
        Job.state == JobState.RUNNING, Job.heartbeat_at < stale)).all()
    revived = []
    for job_id in dead:
        job = db.session.get(Job, job_id)
        current_app.logger.warning("job %s lost its worker (attempt %s)", job_id, job.attempts)
        if job.attempts >= job.max_attempts or not _retry_allowed(job):
            job.state = JobState.FAILED
            job.finished_at = now
            job.lock_key = None
            job.error_id = secrets.token_hex(6)
            job.error = "the worker running it stopped"
        else:
            job.state = JobState.QUEUED
            job.run_after = None
            revived.append(job_id)
    db.session.commit()
    waiting = db.session.scalars(sa.select(Job.id).where(
        Job.state == JobState.QUEUED, Job.id.not_in(revived),
        sa.or_(Job.run_after.is_(None), Job.run_after <= now),
        Job.created_at < now - timedelta(seconds=config["JOBS_RESEND_AFTER"]))).all()
    # A dead worker's job is sent at once: its message was taken off the queue with it.
    for job_id in [*revived, *waiting]:
        job_queue.enqueue_job(job_id)
    return len(revived) + len(waiting)


def _retry_allowed(job: Job) -> bool:
    kind = KINDS.get(job.kind)
    return kind is not None and kind.retry


def run_periodic_work(work: PeriodicWork) -> None:
    try:
        work.run()
        db.session.commit()
    except Exception:  # noqa: BLE001 - logged; the next round tries again
        db.session.rollback()
        current_app.logger.exception("periodic work %s failed", work.name)
