"""Files that jobs make (a call's export, a person's data): stored through portal/storage.py,
named only by the job's result, replacing the file of the same work before, sent to whoever the
domain allows, and removed when they expire.

A handler calls `store_file` last: the file is written before the job's end commits, so a
worker killed in between leaves a file that no result names (an orphan, which the storage
sweep of portal/privacy/orphans.py removes), never a result naming half a file.
"""

from datetime import datetime, timedelta
from typing import BinaryIO

import sqlalchemy as sa

from portal.database import start_writing
from portal.extensions import db
from portal.jobs.models import Job, JobState
from portal.storage import delete_after_commit, send_stored, storage


def store_file(job: Job, stream: BinaryIO, *, name: str, content_type: str,
               max_size: int) -> dict:
    """Store the job's file; the result naming it ({"key", "name", "content_type", "size"}).
    The file of the same work done before (same kind, and the same call, or for no call the
    same lock: one person's) is removed once the job's end commits, so storage does not grow. Flushes."""
    start_writing(db.session())
    stored = storage().save(stream, max_size=max_size)
    retire_files(previous_jobs(job), reason="replaced")
    return {"key": stored.key, "name": name, "content_type": content_type, "size": stored.size}


def file_key(job: Job) -> str | None:
    """The key of the file a done job made, while it is kept."""
    if job.state != JobState.DONE or not isinstance(job.result, dict):
        return None
    return job.result.get("key")


def previous_jobs(job: Job) -> list[Job]:
    """The done jobs of the same work as `job` whose file is still kept."""
    return [older for older in jobs_keeping_files(
        call_id=job.call_id, lock=(job.params or {}).get("lock"), kind=job.kind)
        if older.id != job.id]


def jobs_keeping_files(*, call_id: int | None = None, lock: str | None = None,
                       kind: str | None = None) -> list[Job]:
    """The done jobs whose file is kept: of a call, or for no call those under `lock` (one
    person's: "user:<id>"); of one kind or any."""
    query = sa.select(Job).where(Job.state == JobState.DONE, Job.call_id == call_id
                                 if call_id is not None else Job.call_id.is_(None))
    if kind is not None:
        query = query.where(Job.kind == kind)
    return [job for job in db.session.scalars(query.order_by(Job.id))
            if file_key(job) and (call_id is not None or (job.params or {}).get("lock") == lock)]


def retire_files(jobs: list[Job], *, reason: str) -> int:
    """Forget the jobs' files (their result keeps the name and says why the file is gone:
    "replaced", "expired", "removed") and remove them after the commit. Flushes; how many."""
    keys = []
    for job in jobs:
        key = file_key(job)
        if key:
            keys.append(key)
            job.result = {**job.result, "key": None, "gone": reason}
    db.session.flush()
    delete_after_commit(keys)
    return len(keys)


def expire_files(kind: str, *, older_than: timedelta, now: datetime) -> int:
    """Remove the files of the jobs of `kind` that ended before `now - older_than` (idempotent,
    for periodic work). Flushes; the caller commits. How many went."""
    ended = db.session.scalars(sa.select(Job).where(
        Job.kind == kind, Job.state == JobState.DONE, Job.finished_at < now - older_than)).all()
    return retire_files([job for job in ended if file_key(job)], reason="expired")


def send_job_file(job: Job):
    """The response sending a done job's file under its name. FileNotFoundError if gone."""
    key = file_key(job)
    if key is None:
        raise FileNotFoundError(job.id)
    return send_stored(key, mimetype=job.result["content_type"], download_name=job.result["name"])
