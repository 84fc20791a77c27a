"""Stored files named by no row (orphans) are swept after a day, in both stores (issue 16)."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.database import utcnow
from portal.extensions import db as _db
from portal.jobs.models import Job
from portal.privacy.orphans import orphaned_keys, sweep_orphaned_files
from portal.storage import storage
from portal.stored_files import StoredChunk

LATER = timedelta(days=1, minutes=5)


@pytest.fixture(params=["folder", "database"])
def backend(request, app_config):
    app_config["STORAGE_BACKEND"] = request.param
    return request.param


def _store(content=b"%PDF-1.4 orphan"):
    return storage().save(io.BytesIO(content), max_size=1000).key


def test_a_file_no_row_names_is_swept_after_a_day_and_named_ones_stay(
        backend, app, db, create_application):
    application = create_application(complete=True)
    named = sorted(d.storage_key for d in application.documents)
    orphan = _store()
    job = Job(kind="export", params={}, result={"file": {"key": _store(), "name": "a.zip"}})
    db.session.add(job)
    db.session.commit()
    assert orphaned_keys(utcnow()) == []  # too young: its row may be committing
    assert orphaned_keys(utcnow() + LATER) == [orphan]
    assert sweep_orphaned_files(utcnow() + LATER) == 1
    db.session.commit()
    assert [storage().exists(key) for key in [orphan, *named, job.result["file"]["key"]]] == [
        False, True, True, True]
    assert sweep_orphaned_files(utcnow() + LATER) == 0  # idempotent


def test_an_endorsement_letter_is_named(backend, app, db, create_application):
    from portal.endorsements.models import Endorsement

    application = create_application(complete=True)
    letter = _store()
    db.session.add(Endorsement(application=application, call_id=application.call_id,
                               administration_code="AZ",
                               letter_key=letter))
    db.session.commit()
    assert letter not in orphaned_keys(utcnow() + LATER)


@pytest.mark.parametrize("backend", ["database"], indirect=True)
def test_an_old_file_only_counts_once_a_day_old(backend, app, db):
    orphan = _store()
    db.session.execute(sa.update(StoredChunk).values(created_at=utcnow() - timedelta(hours=23)))
    db.session.commit()
    assert orphaned_keys(utcnow()) == []
    db.session.execute(sa.update(StoredChunk).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert orphaned_keys(utcnow()) == [orphan]


@pytest.mark.parametrize("backend", ["folder"], indirect=True)
def test_a_partial_file_of_an_upload_cut_short_is_swept_in_a_folder(backend, app, db):
    root = Path(app.config["STORAGE_PATH"])
    partial = root / "ab" / ("ab" + "0" * 62 + ".partial")
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"%PDF-1.4 half")
    day_ago = (utcnow() - LATER).timestamp()
    os.utime(partial, (day_ago, day_ago))
    assert orphaned_keys(utcnow()) == [partial.name]
    assert sweep_orphaned_files(utcnow()) == 1
    assert partial.exists() is False


def test_flask_storage_sweep_removes_orphans_and_dry_run_only_lists(backend, app, db):
    orphan = _store()
    db.session.commit()
    if backend == "folder":
        day_ago = (utcnow() - LATER).timestamp()
        for path in Path(app.config["STORAGE_PATH"]).rglob("*"):
            os.utime(path, (day_ago, day_ago))
    else:
        db.session.execute(sa.update(StoredChunk).values(created_at=utcnow() - LATER))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["storage", "sweep", "--dry-run"])
    assert result.output == f"  {orphan}\nstorage: would remove 1 orphaned file(s)\n"
    _db.session.remove()
    assert storage().exists(orphan) is True
    result = runner.invoke(args=["storage", "sweep"])
    assert result.output == "storage: removed 1 orphaned file(s)\n"
    _db.session.remove()
    assert storage().exists(orphan) is False
