"""A call's exports and documents archive as jobs: started by a POST, one per kind and call at a
time, built with progress into a stored file that replaces the one before, downloaded only by
coordinators from a done job of the call."""

import io
import zipfile

import sqlalchemy as sa

from portal.database import utcnow
from portal.extensions import db
from portal.jobs.models import Job, JobState
from portal.jobs.services import lock_key
from portal.storage import storage


def jobs() -> list[Job]:
    found = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
    db.session.rollback()
    return found


def start(forms, call, name="documents.zip"):
    return forms.post(f"/manage/calls/{call.id}/exports/{name}",
                      page=f"/manage/calls/{call.id}/reports")


def test_the_archive_is_built_by_a_job_into_a_stored_file_with_its_progress(
        client, forms, login_as, coordinator, reviewed_call):
    call, apps = reviewed_call
    login_as(coordinator)

    response = start(forms, call)

    [job] = jobs()
    assert response.headers["Location"] == f"/jobs/{job.id}"
    documents = 2 * 4  # a CV and a nomination letter for each submitted application
    assert (job.kind, job.call_id, job.state, job.step, job.done, job.total) == (
        "export-documents-zip", call.id, JobState.DONE, "documents", documents, documents)
    assert job.result == {"key": job.result["key"], "name": f"FEL-{call.slug}-documents-"
                          f"{utcnow().date().isoformat()}.zip", "content_type": "application/zip",
                          "size": job.result["size"]}
    with storage().open(job.result["key"]) as stored:
        content = stored.read()
    assert len(content) == job.result["size"]
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == documents + 1  # manifest
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'href="/manage/calls/{call.id}/exports/files/{job.id}"' in page
    download = client.get(f"/manage/calls/{call.id}/exports/files/{job.id}")
    assert (download.status_code, download.data) == (200, content)
    assert download.headers["Content-Disposition"] == f"attachment; filename={job.result['name']}"


def test_a_new_export_replaces_the_file_of_the_one_before(client, forms, login_as, coordinator,
                                                          reviewed_call):
    call, _apps = reviewed_call
    login_as(coordinator)
    start(forms, call, "applications.csv")
    start(forms, call, "reviews.csv")  # another kind: kept
    start(forms, call, "applications.csv")

    first, reviews, second = jobs()
    assert [job.state for job in (first, reviews, second)] == [JobState.DONE] * 3
    assert first.result["key"] is None and first.result["gone"] == "replaced"
    assert [storage().exists(job.result["key"]) for job in (reviews, second)] == [True, True]
    keys = {name for name, _written in storage().written()}
    documents = {d.storage_key for a in _apps.values() for d in a.documents}
    assert keys - documents == {reviews.result["key"], second.result["key"]}
    assert client.get(f"/manage/calls/{call.id}/exports/files/{first.id}").status_code == 404
    assert client.get(f"/manage/calls/{call.id}/exports/files/{second.id}").status_code == 200
    page = client.get(f"/jobs/{first.id}").get_data(as_text=True)
    assert "was replaced by a newer file" in page and "job-result-link" not in page


def test_a_second_click_shows_the_export_under_way(client, forms, login_as, coordinator,
                                                   reviewed_call):
    call, _apps = reviewed_call
    running = Job(kind="export-documents-zip", call_id=call.id, state=JobState.RUNNING,
                  lock_key=lock_key("export-documents-zip", call.id), heartbeat_at=utcnow())
    db.session.add(running)
    db.session.commit()
    login_as(coordinator)

    response = start(forms, call)

    assert response.headers["Location"] == f"/jobs/{running.id}"
    assert [job.id for job in jobs()] == [running.id]
    page = client.get(f"/manage/calls/{call.id}/reports").get_data(as_text=True)
    assert f'href="/jobs/{running.id}"' in page


def test_the_old_address_of_a_download_starts_nothing_and_shows_the_buttons(
        client, login_as, coordinator, reviewed_call):
    call, _apps = reviewed_call
    login_as(coordinator)
    for name in ("applications.csv", "reviews.csv", "applications.xlsx", "documents.zip"):
        response = client.get(f"/manage/calls/{call.id}/exports/{name}")
        assert (response.status_code, response.headers["Location"]) == (
            302, f"/manage/calls/{call.id}/reports")
    assert jobs() == []


def test_the_reports_page_links_the_file_kept(client, forms, login_as, coordinator,
                                              reviewed_call):
    call, _apps = reviewed_call
    login_as(coordinator)
    start(forms, call, "applications.xlsx")
    [job] = jobs()
    page = client.get(f"/manage/calls/{call.id}/reports").get_data(as_text=True)
    assert f'href="/manage/calls/{call.id}/exports/files/{job.id}"' in page


def test_only_a_done_export_of_this_call_is_downloaded(client, forms, login_as, coordinator,
                                                       reviewed_call, create_call):
    call, _apps = reviewed_call
    login_as(coordinator)
    start(forms, call, "applications.csv")
    [job] = jobs()
    other_call = create_call()
    own_data = Job(kind="data-download", state=JobState.DONE, started_by_id=coordinator.id,
                   params={"user_id": coordinator.id}, result=dict(job.result))
    running = Job(kind="export-reviews-csv", call_id=call.id, state=JobState.RUNNING,
                  result=dict(job.result))
    db.session.add_all([own_data, running])
    db.session.commit()

    assert client.get(f"/manage/calls/{call.id}/exports/files/{job.id}").status_code == 200
    for call_id, job_id in ((other_call.id, job.id), (call.id, own_data.id),
                            (call.id, running.id), (call.id, 999)):
        assert client.get(f"/manage/calls/{call_id}/exports/files/{job_id}").status_code == 404


def test_a_file_lost_from_storage_is_not_found(client, forms, login_as, coordinator,
                                               reviewed_call):
    call, _apps = reviewed_call
    login_as(coordinator)
    start(forms, call, "reviews.csv")
    [job] = jobs()
    storage().delete(job.result["key"])
    db.session.commit()
    assert client.get(f"/manage/calls/{call.id}/exports/files/{job.id}").status_code == 404
