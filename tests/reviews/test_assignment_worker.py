"""The automatic assignment on a real jobs worker, killed mid-job (kill -9) and started again:
the job ends done once, on its second attempt, with the assignments of one run, not two, and
nothing half-written (issue 16)."""

import time

import pytest
import sqlalchemy as sa

from bench.seed import BENCH_PASSWORD, seed_call_to_assign
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.jobs.models import Job, JobState
from portal.reviews.models import Assignment
from tests.jobs.worker import STALE_AFTER_SECONDS, JobsWorker, worker_app_config

# Big enough that choosing and saving take the worker a few seconds on these machines.
APPLICATIONS = 3000
REVIEWERS = 120


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, **worker_app_config(tmp_path)}


def _count(model, *where) -> int:
    with db.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar()


def test_a_worker_killed_mid_assignment_leaves_nothing_and_the_next_one_assigns_once(
        app, client, forms, login_as):
    seeded = seed_call_to_assign(applications=APPLICATIONS, reviewers=REVIEWERS, seed=7, tag="w")
    coordinator = db.session.get(User, seeded.coordinator_id)
    coordinator.preferred_language = "en"
    db.session.commit()
    login_as(coordinator, password=BENCH_PASSWORD)
    url = f"/manage/calls/{seeded.call_id}/assignments"

    with JobsWorker(app) as worker:
        response = forms.post(f"{url}/automatic", {}, page=url)
        assert response.status_code == 302
        job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        # The worker takes it; kill it while it is at work (choosing, or already saving).
        worker.wait_for(job_id, state=JobState.RUNNING, timeout=60)
        time.sleep(0.5)
        worker.kill()
        killed = worker.wait_for(job_id, state=JobState.RUNNING, timeout=1)
        assert killed.attempts == 1
        assert _count(Assignment) == 0  # nothing of the killed run was kept
        assert _count(AuditEvent, AuditEvent.action == "assignment.created") == 0

        # Its heartbeat grows old; a new worker sweeps at start and runs it again.
        time.sleep(STALE_AFTER_SECONDS + 0.5)
        worker.start()
        done = worker.wait_for(job_id, state=JobState.DONE, timeout=90)

    assert (done.attempts, done.lock_key, done.error_id) == (2, None, None)
    assert _count(Job) == 1
    assigned = done.result["assigned"]
    assert assigned + done.result["missing"] == 3 * APPLICATIONS
    assert _count(Assignment) == assigned
    with db.engine.connect() as connection:
        pairs = connection.execute(sa.select(Assignment.application_id, Assignment.reviewer_id)).all()
    assert len(set(pairs)) == assigned  # no pair twice
    assert _count(AuditEvent, AuditEvent.action == "assignment.created") == assigned
    assert (done.step, done.done, done.total) == ("saving", assigned, assigned)

    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"{assigned} assignments made." in page
    assert f'href="{url}"' in page

