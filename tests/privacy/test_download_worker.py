"""A person's data prepared by a real jobs worker (its own process, on the test's database)."""

import io
import zipfile

import pytest

from portal.jobs.models import JobState
from tests.jobs.worker import JobsWorker, worker_app_config


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, **worker_app_config(tmp_path)}


def test_a_worker_prepares_the_persons_data(app, client, forms, login_as, create_user,
                                            create_application):
    person = login_as(create_user())
    create_application(applicant=person, submit=True)
    with JobsWorker(app) as worker:
        response = forms.post("/account/data.zip", page="/account/data")
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        done = worker.wait_for(job_id, state=JobState.DONE, timeout=60)

    assert (done.attempts, done.step, done.done, done.total) == (1, "documents", 2, 2)
    response = client.get(f"/account/data/{job_id}.zip")
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 3
