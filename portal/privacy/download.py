"""A person's own data, built by a job into a stored file that only they may download, kept for
DATA_DOWNLOAD_DAYS and then removed (periodic work of the jobs worker).

One job at a time per person (the lock "user:<id>"); a new one replaces the file of the one
before. The download itself is audited (privacy.data_downloaded), when the data leaves.
"""

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.i18n import format_file_size, format_moment
from portal.jobs.files import expire_files, file_key, jobs_keeping_files, store_file
from portal.jobs.models import Job
from portal.jobs.registry import job_kind, periodic
from portal.jobs.services import active_job, start_job
from portal.permissions import can_download_own_data
from portal.privacy import export

KIND = "data-download"
# How long a prepared file of one's data is kept.
DATA_DOWNLOAD_DAYS = 7
MAX_SIZE = 4 * 1024 ** 3


def lock(user: User) -> str:
    return f"user:{user.id}"


def start_data_download(user: User):
    """Start the job building the user's archive; (job, started). Flushes; the caller commits."""
    return start_job(KIND, user=user, params={"user_id": user.id}, lock=lock(user))


def current_job(user: User) -> Job | None:
    """The user's data download under way, else the newest whose file is kept."""
    running = active_job(KIND, None, lock(user))
    if running is not None:
        return running
    kept = jobs_keeping_files(lock=lock(user), kind=KIND)
    return kept[-1] if kept else None


def kept_until(job: Job) -> datetime | None:
    return job.finished_at + timedelta(days=DATA_DOWNLOAD_DAYS) if job.finished_at else None


def download_url(job: Job) -> str | None:
    """The file's address, for the person whose data it is (an admin may see the job's page)."""
    if file_key(job) is None or not can_download_own_data(current_user, job):
        return None
    return url_for("privacy.download_data_file", job_id=job.id)


def result_text(job: Job) -> str:
    if file_key(job) is None:
        return _("The file is no longer kept: prepare your data again from the page “Your data”.")
    return _("%(name)s is ready (%(size)s). It is kept until %(moment)s, then deleted.",
             name=job.result["name"], size=format_file_size(job.result["size"]),
             moment=format_moment(kept_until(job)))


@job_kind(KIND, title=_l("Your data"),
          steps={"building": _l("Collecting your data"),
                 "documents": _l("Copying your documents into the archive")},
          result_url=download_url, result_text=result_text)
def build_data_download(job: Job, progress) -> dict:
    user = db.session.get(User, job.params["user_id"])
    progress.step("building")
    now = utcnow()
    with export.build_archive(user, now=now, progress=progress) as archive:
        result = store_file(job, archive, name=export.archive_name(now),
                            content_type="application/zip", max_size=MAX_SIZE)
    return {**result, "applications": export.summary(user).applications}


@periodic("expire-data-downloads", minutes=60)
def expire_data_downloads(now: datetime | None = None) -> int:
    """Remove the files of data downloads older than DATA_DOWNLOAD_DAYS; how many (idempotent).
    Flushes; the periodic runner commits."""
    return expire_files(KIND, older_than=timedelta(days=DATA_DOWNLOAD_DAYS), now=now or utcnow())
