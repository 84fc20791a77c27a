"""The progress page of a job: what a coordinator sees while the work runs, when it ends, and when
it fails; who may see it."""

from datetime import timedelta

import pytest

from portal.database import utcnow
from portal.extensions import db
from portal.jobs.models import Job, JobState
from tests.jobs import test_runner  # noqa: F401 - registers the test job kinds


@pytest.fixture
def coordinator(create_user):
    return create_user(email="coordinator@example.org", roles=("coordinator",))


def make_job(**fields) -> Job:
    job = Job(**{"kind": "test-count", "state": JobState.RUNNING, **fields})
    db.session.add(job)
    db.session.commit()
    return job


def test_a_running_job_shows_its_step_bar_and_estimate_and_refreshes_without_javascript(
        client, login_as, coordinator, create_call):
    login_as(coordinator)
    job = make_job(call_id=create_call().id, started_by_id=coordinator.id, step="counting",
                   done=1500, total=5000, started_at=utcnow() - timedelta(seconds=30),
                   heartbeat_at=utcnow(), attempts=1)

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert "<h1>Counting</h1>" in page
    assert '<span id="job-step">Counting</span>' in page
    assert '<progress id="job-bar" class="job-progress" max="100" value="30">30 %</progress>' in page
    assert '<span id="job-counts">1,500 of 5,000</span>' in page
    assert "about 1 minute left" in page  # 3,500 more at 50 a second
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert f'data-job-status-url="/jobs/{job.id}/status"' in page


def test_the_status_follows_the_job_for_the_page_script(client, login_as, coordinator, create_call):
    login_as(coordinator)
    job = make_job(call_id=create_call().id, step="counting", done=10, total=40,
                   started_at=utcnow() - timedelta(seconds=10), attempts=1)

    response = client.get(f"/jobs/{job.id}/status")

    assert response.headers["Cache-Control"] == "no-store"
    status = response.get_json()
    assert (status["state"], status["percent"], status["done"], status["total"], status["step"]) == (
        "running", 25, 10, 40, "Counting")
    assert status["left"] == "30 seconds"


def test_a_waiting_job_says_so_in_russian(client, login_as, create_user, create_call):
    coordinator = create_user(roles=("coordinator",), language="ru")
    login_as(coordinator)
    job = make_job(call_id=create_call().id, state=JobState.QUEUED)

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert "Ожидает запуска" in page
    assert '<noscript><meta http-equiv="refresh"' in page


def test_a_finished_job_shows_its_result_and_stops_refreshing(client, login_as, coordinator,
                                                              create_call):
    login_as(coordinator)
    job = make_job(call_id=create_call().id, state=JobState.DONE, result={"counted": 3},
                   finished_at=utcnow(), done=3, total=3)

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert 'id="job-result"' in page and "Done." in page
    assert "refresh" not in page and "data-job-status-url" not in page


def test_a_failed_job_shows_its_error_id_and_can_be_tried_again(client, forms, login_as,
                                                                coordinator, create_call):
    login_as(coordinator)
    call = create_call()
    job = make_job(call_id=call.id, state=JobState.FAILED, error_id="0a1b2c3d4e5f",
                   error="RuntimeError: secret internals", params={"n": 2}, attempts=3)

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "0a1b2c3d4e5f" in page
    assert "secret internals" not in page  # the log has the details, the page only the id

    response = forms.post(f"/jobs/{job.id}/retry", {}, page=f"/jobs/{job.id}")

    fresh = db.session.get(Job, job.id + 1)
    assert response.headers["Location"] == f"/jobs/{fresh.id}"
    assert (fresh.kind, fresh.call_id, fresh.params, fresh.state) == (
        "test-count", call.id, {"n": 2}, JobState.DONE)
    assert fresh.started_by_id == coordinator.id


@pytest.mark.parametrize("role, call_job, visible", [
    ("coordinator", True, True), ("coordinator", False, False), ("admin", False, True),
    ("reviewer", True, False), ("applicant", True, False), ("nominator", True, False)])
def test_who_sees_someone_else_s_job(client, login_as, create_user, create_call, role, call_job,
                                     visible):
    starter = create_user(email="starter@example.org", roles=("coordinator",))
    login_as(create_user(roles=(role,)))
    job = make_job(call_id=create_call().id if call_job else None, started_by_id=starter.id)

    assert client.get(f"/jobs/{job.id}").status_code == (200 if visible else 404)
    assert client.get(f"/jobs/{job.id}/status").status_code == (200 if visible else 404)


def test_the_starter_sees_their_own_job(client, login_as, create_user):
    applicant = create_user(roles=("applicant",))
    login_as(applicant)
    job = make_job(started_by_id=applicant.id)

    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_the_office_lists_the_calls_work_with_failures_and_their_error_ids(
        client, login_as, coordinator, create_user, create_call, count_queries):
    call = create_call()
    admin_job = make_job(kind="test-once", started_by_id=create_user(roles=("admin",)).id,
                         state=JobState.FAILED, error_id="ffeeddccbbaa")  # no call: admins'
    failed = make_job(call_id=call.id, state=JobState.FAILED, error_id="0a1b2c3d4e5f")
    running = make_job(call_id=call.id, done=1, total=4, started_by_id=coordinator.id)
    login_as(coordinator)

    page = client.get("/manage/jobs").get_data(as_text=True)

    assert f'href="/jobs/{running.id}">Counting</a>' in page
    assert "Running (25 %)" in page and "Fellowship call" in page
    assert f'href="/jobs/{failed.id}"' in page and "<code>0a1b2c3d4e5f</code>" in page
    assert f'href="/jobs/{admin_job.id}"' not in page
    # The queries do not grow with the rows.
    few = count_queries(lambda: client.get("/manage/jobs"))
    for _ in range(10):
        make_job(call_id=call.id, started_by_id=coordinator.id)
    assert count_queries(lambda: client.get("/manage/jobs")) == few
