"""A person's own data prepared by a job: one at a time per person, downloaded only by that
person, replaced by the next, and deleted after DATA_DOWNLOAD_DAYS."""

from datetime import timedelta

import sqlalchemy as sa

from portal.database import utcnow
from portal.extensions import db
from portal.jobs.models import Job, JobState
from portal.jobs.services import lock_key, retry_job, start_job
from portal.privacy import download
from portal.storage import storage
from tests.privacy.test_export import download_own_data


def jobs() -> list[Job]:
    found = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
    db.session.rollback()
    return found


def test_the_data_is_prepared_by_a_job_of_the_person(client, forms, login_as, create_user,
                                                     create_application):
    person = login_as(create_user())
    create_application(applicant=person, submit=True)

    response = download_own_data(client, forms)

    [job] = jobs()
    assert (job.kind, job.call_id, job.started_by_id, job.params, job.state, job.step,
            job.done, job.total) == ("data-download", None, person.id,
                                     {"user_id": person.id, "lock": f"user:{person.id}"},
                                     JobState.DONE, "documents", 2, 2)
    assert response.data == storage().open(job.result["key"]).read()
    assert job.result["name"] == f"my-data-{utcnow():%Y-%m-%d}.zip"
    page = client.get("/account/data").get_data(as_text=True)
    assert 'id="data-download-link"' in page and f"/account/data/{job.id}.zip" in page


def test_nobody_else_downloads_a_persons_data(client, forms, login_as, create_user):
    person = create_user()
    job, _started = start_job("data-download", user=person, params={"user_id": person.id},
                              lock=download.lock(person))
    db.session.commit()
    job = db.session.get(Job, job.id)
    assert job.state == JobState.DONE
    for intruder in (create_user(roles=("admin",)), create_user(roles=("coordinator",))):
        login_as(intruder)
        assert client.get(f"/account/data/{job.id}.zip").status_code == 404
        page = client.get(f"/jobs/{job.id}")  # admins see every job's page, not the file
        assert (page.status_code, "job-result-link" in page.get_data(as_text=True)) == (
            200 if intruder.has_role("admin") else 404, False)
        client.post("/logout", data={"csrf_token": forms.token("/account/data")})


def test_a_second_click_shows_the_preparation_under_way(forms, login_as, create_user):
    person = login_as(create_user())
    running = Job(kind="data-download", started_by_id=person.id, state=JobState.RUNNING,
                  params={"user_id": person.id}, heartbeat_at=utcnow(),
                  lock_key=lock_key("data-download", None, f"user:{person.id}"))
    db.session.add(running)
    db.session.commit()
    # Someone else's preparation does not stop this person's.
    other = create_user()
    start_job("data-download", user=other, params={"user_id": other.id}, lock=download.lock(other))
    db.session.commit()

    response = forms.post("/account/data.zip", page="/account/data")

    assert response.headers["Location"] == f"/jobs/{running.id}"
    assert [(job.started_by_id, job.state) for job in jobs()] == [
        (person.id, JobState.RUNNING), (other.id, JobState.DONE)]


def test_try_again_keeps_the_persons_lock(app, create_user):
    person = create_user()
    failed = Job(kind="data-download", started_by_id=person.id, state=JobState.FAILED,
                 params={"user_id": person.id, "lock": f"user:{person.id}"})
    db.session.add(failed)
    db.session.commit()
    fresh, started = retry_job(failed, user=person)
    assert (started, fresh.lock_key) == (True, f"data-download:user:{person.id}")
    db.session.rollback()


def test_the_old_address_starts_nothing(client, login_as, create_user):
    login_as(create_user())
    response = client.get("/account/data.zip")
    assert (response.status_code, response.headers["Location"]) == (302, "/account/data")
    assert jobs() == []


def test_a_new_preparation_replaces_the_file_before(client, forms, login_as, create_user):
    login_as(create_user())
    download_own_data(client, forms)
    download_own_data(client, forms)
    first, second = jobs()
    assert (first.result["key"], first.result["gone"]) == (None, "replaced")
    assert [name for name, _written in storage().written()] == [second.result["key"]]
    assert client.get(f"/account/data/{first.id}.zip").status_code == 404


def test_files_older_than_the_days_kept_are_deleted(app, create_user):
    person, other = create_user(), create_user()
    for user in (person, other):
        start_job("data-download", user=user, params={"user_id": user.id},
                  lock=download.lock(user))
        db.session.commit()
    old, recent = jobs()
    db.session.execute(sa.update(Job).where(Job.id == old.id).values(
        finished_at=utcnow() - timedelta(days=download.DATA_DOWNLOAD_DAYS, minutes=1)))
    db.session.commit()

    assert download.expire_data_downloads() == 1
    db.session.commit()
    assert download.expire_data_downloads() == 0

    old, recent = jobs()
    assert (old.result["key"], old.result["gone"]) == (None, "expired")
    assert [name for name, _written in storage().written()] == [recent.result["key"]]


def test_deleting_the_account_removes_the_prepared_file(app, create_user):
    from portal.privacy import deletion

    person = create_user()
    start_job("data-download", user=person, params={"user_id": person.id},
              lock=download.lock(person))
    db.session.commit()
    [job] = jobs()
    assert storage().exists(job.result["key"])

    deletion.delete_account(db.session.get(type(person), person.id), now=utcnow())
    db.session.commit()

    [job] = jobs()
    assert (job.result["key"], job.result["gone"]) == (None, "removed")
    assert list(storage().written()) == []
