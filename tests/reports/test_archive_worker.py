"""The documents archive of a call on a real jobs worker, killed mid-job (kill -9) and started
again: the job ends done once, with one stored file named by its result, whole; what the killed
run wrote is named by nothing and goes with the storage sweep (issue 16)."""

import io
import os
import time
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from bench.seed import BENCH_PASSWORD, seed_call_to_assign
from portal.accounts.models import User
from portal.applications.models import Document, DocumentKind
from portal.database import utcnow
from portal.extensions import db
from portal.jobs.models import Job, JobState
from portal.privacy.orphans import sweep_orphaned_files
from portal.storage import storage
from tests.jobs.worker import STALE_AFTER_SECONDS, JobsWorker, worker_app_config

# Enough documents that copying them into the archive takes the worker a few seconds.
APPLICATIONS = 1500
DOCUMENT_SIZE = 64 * 1024


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, **worker_app_config(tmp_path)}


def _documents(application_ids: list[int]) -> int:
    """Two stored documents (of random bytes, as a PDF's) for each application; how many."""
    files, now, rows = storage(), utcnow(), []
    content = os.urandom(DOCUMENT_SIZE)
    for application_id in application_ids:
        for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
            stored = files.save(io.BytesIO(content), max_size=DOCUMENT_SIZE)
            rows.append({"application_id": application_id, "kind": kind,
                         "original_name": f"{kind.value}.pdf", "content_type": "application/pdf",
                         "size": stored.size, "sha256": stored.sha256,
                         "storage_key": stored.key, "uploaded_at": now})
    db.session.execute(sa.insert(Document), rows)
    db.session.commit()
    return len(rows)


def _job(job_id: int):
    with db.engine.connect() as connection:
        return connection.execute(sa.select(Job.__table__).where(Job.id == job_id)).one()


def _stored_names() -> set[str]:
    names = {name for name, _written in storage().written()}
    db.session.rollback()
    return names


def test_a_worker_killed_mid_archive_leaves_one_archive_once_started_again(
        app, client, forms, login_as):
    from portal.applications.models import Application

    seeded = seed_call_to_assign(applications=APPLICATIONS, reviewers=1, seed=3, tag="z")
    documents = _documents(list(db.session.scalars(
        sa.select(Application.id).where(Application.call_id == seeded.call_id))))
    document_keys = set(db.session.scalars(sa.select(Document.storage_key)))
    coordinator = db.session.get(User, seeded.coordinator_id)
    coordinator.preferred_language = "en"
    db.session.commit()
    login_as(coordinator, password=BENCH_PASSWORD)
    reports = f"/manage/calls/{seeded.call_id}/reports"

    with JobsWorker(app) as worker:
        response = forms.post(f"/manage/calls/{seeded.call_id}/exports/documents.zip",
                              page=reports)
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        # Kill it while it copies the documents into the archive.
        worker.wait_for(job_id, state=JobState.RUNNING, timeout=60, done_at_least=1)
        worker.kill()
        killed = _job(job_id)
        assert (killed.state, killed.attempts, killed.result) == (JobState.RUNNING, 1, None)
        assert 0 < killed.done < documents == killed.total  # killed mid-way

        time.sleep(STALE_AFTER_SECONDS + 0.5)
        worker.start()
        done = worker.wait_for(job_id, state=JobState.DONE, timeout=120)

    assert (done.attempts, done.lock_key, done.error_id, done.done, done.total) == (
        2, None, None, documents, documents)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
    key = done.result["key"]
    # One archive named by the result, whole: every document and the manifest.
    with storage().open(key) as stored:
        content = stored.read()
    db.session.rollback()
    assert len(content) == done.result["size"]
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    assert len(archive.namelist()) == documents + 1
    # Whatever else the killed run left in storage is named by no row, and the sweep takes it.
    left = _stored_names() - document_keys
    assert key in left
    with current_app.test_request_context():
        sweep_orphaned_files(utcnow() + timedelta(seconds=1), older_than=timedelta(0))
        db.session.commit()
    assert _stored_names() - document_keys == {key}

    response = client.get(f"/manage/calls/{seeded.call_id}/exports/files/{job_id}")
    assert (response.status_code, response.data) == (200, content)


def test_an_export_on_a_real_worker_is_built_in_the_coordinators_language(
        app, client, forms, login_as, create_user, reviewed_call):
    import csv

    call, apps = reviewed_call
    login_as(create_user(roles=("coordinator",), language="ru"))
    with JobsWorker(app) as worker:
        response = forms.post(f"/manage/calls/{call.id}/exports/applications.csv",
                              page=f"/manage/calls/{call.id}/reports")
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        done = worker.wait_for(job_id, state=JobState.DONE, timeout=60)

    assert (done.attempts, done.step, done.done, done.total) == (1, "writing", 4, 4)
    response = client.get(f"/manage/calls/{call.id}/exports/files/{job_id}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert (rows[0][:2], len(rows)) == (["Место в рейтинге", "Регистрационный номер"], 5)
