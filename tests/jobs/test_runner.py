"""Running jobs: inline in the tests (Huey's immediate mode), claimed once, retried with
backoff, failed with an error id, taken back from a dead worker without doubling their effects."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.extensions import db
from portal.jobs import runner
from portal.jobs.models import Job, JobState
from portal.jobs.registry import KINDS, PERIODIC, job_kind
from portal.jobs.services import active_job, estimate_left, lock_key, percent, start_job

RUNS = []


@job_kind("test-count", title=_l("Counting"), steps={"counting": _l("Counting")})
def count_things(job, progress):
    """Writes one row (flushed, never committed: the core commits it with the job's end)."""
    RUNS.append(job.id)
    progress.step("counting", total=job.params.get("n", 3))
    for _ in range(job.params.get("n", 3)):
        progress.advance()
    if job.params.get("fail_times", 0) >= len(RUNS):
        db.session.add(AuditEvent(action="test.half_written", object_type="job", object_id=job.id))
        db.session.flush()
        raise RuntimeError("the work broke")
    db.session.add(AuditEvent(action="test.counted", object_type="job", object_id=job.id))
    db.session.flush()
    return {"counted": job.params.get("n", 3)}


@job_kind("test-once", title=_l("Once"), retry=False)
def fail_once(job, progress):
    raise RuntimeError("not safe to repeat")


@pytest.fixture(autouse=True)
def fresh_runs():
    RUNS.clear()
    yield
    RUNS.clear()


def events(action: str) -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))
    db.session.rollback()
    return count


def test_a_started_job_runs_after_the_commit_and_keeps_its_result(app, create_call, create_user):
    call = create_call()
    coordinator = create_user(roles=("coordinator",))

    job, started = start_job("test-count", call=call, user=coordinator, params={"n": 5})
    assert started is True
    assert RUNS == []  # nothing runs before the commit that started it
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert (job.state, job.result, job.done, job.total, job.step) == (
        JobState.DONE, {"counted": 5}, 5, 5, "counting")
    assert job.lock_key is None and job.attempts == 1 and job.finished_at is not None
    assert events("test.counted") == 1


def test_a_rolled_back_start_runs_nothing(app, create_call):
    job, _ = start_job("test-count", call=create_call())
    db.session.rollback()

    assert RUNS == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_the_same_work_is_not_started_twice_for_one_call(app, create_call):
    call = create_call()
    running = Job(kind="test-count", call_id=call.id, state=JobState.RUNNING,
                  lock_key=lock_key("test-count", call.id), heartbeat_at=utcnow())
    db.session.add(running)
    db.session.commit()

    job, started = start_job("test-count", call=call)
    db.session.commit()

    assert (job.id, started) == (running.id, False)
    assert RUNS == []
    # Another call's work is another job.
    other, started = start_job("test-count", call=create_call())
    db.session.commit()
    assert started is True and other.id != running.id
    assert active_job("test-count", call.id).id == running.id


def test_a_failure_is_retried_with_backoff_and_its_half_work_is_not_kept(app, create_call):
    app.config["JOBS_RETRY_DELAY"] = 30
    job, _ = start_job("test-count", call=create_call(), params={"fail_times": 1})
    before = utcnow()
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert job.state == JobState.QUEUED and job.attempts == 1 and job.error_id
    assert before + timedelta(seconds=29) < job.run_after < utcnow() + timedelta(seconds=31)
    assert events("test.half_written") == 0  # rolled back with the failure
    assert job.lock_key is not None  # still this call's one job of its kind

    runner.run_job(job.id)  # too early: the backoff has not passed
    assert RUNS == [job.id]
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(run_after=utcnow()))
    db.session.commit()
    runner.run_job(job.id)

    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts, job.result) == (JobState.DONE, 2, {"counted": 3})
    assert (events("test.counted"), events("test.half_written")) == (1, 0)


def test_backoff_doubles_after_each_attempt(app):
    app.config["JOBS_RETRY_DELAY"] = 30
    assert [runner.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_a_job_failing_every_attempt_ends_failed_with_an_error_id(app, create_call):
    app.config["JOBS_RETRY_DELAY"] = 0
    job, _ = start_job("test-count", call=create_call(), params={"fail_times": 99})
    db.session.commit()
    for _ in range(2):
        db.session.execute(sa.update(Job).where(Job.id == job.id).values(run_after=None))
        db.session.commit()
        runner.run_job(job.id)

    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts, job.lock_key) == (JobState.FAILED, 3, None)
    assert len(job.error_id) == 12 and "the work broke" in job.error


def test_work_that_is_not_safe_to_repeat_fails_at_once(app, create_call):
    job, _ = start_job("test-once", call=create_call())
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts) == (JobState.FAILED, 1)


def test_a_job_whose_worker_died_runs_again_once_without_doubling_its_effects(app, create_call):
    app.config["JOBS_STALE_AFTER"] = 60
    call = create_call()
    # A worker claimed it, wrote half of its work (never committed: the process died), and
    # stopped sending signs of life two minutes ago.
    job = Job(kind="test-count", call_id=call.id, state=JobState.RUNNING, attempts=1,
              lock_key=lock_key("test-count", call.id), params={"n": 4},
              started_at=utcnow() - timedelta(minutes=3),
              heartbeat_at=utcnow() - timedelta(minutes=2), created_at=utcnow() - timedelta(minutes=3))
    db.session.add(job)
    db.session.commit()
    # A worker still alive is left alone.
    alive = Job(kind="test-count", call_id=create_call().id, state=JobState.RUNNING, attempts=1,
                heartbeat_at=utcnow() - timedelta(seconds=5))
    db.session.add(alive)
    db.session.commit()

    runner.sweep_jobs()
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts, job.result) == (JobState.DONE, 2, {"counted": 4})
    assert db.session.get(Job, alive.id).state == JobState.RUNNING
    assert RUNS == [job.id]
    assert events("test.counted") == 1
    # Sent again (a duplicate message), it is not run twice.
    runner.run_job(job.id)
    assert RUNS == [job.id]


def test_a_dead_worker_s_job_out_of_attempts_fails(app, create_call):
    job = Job(kind="test-count", state=JobState.RUNNING, attempts=3, max_attempts=3,
              lock_key="test-count:-", heartbeat_at=utcnow() - timedelta(hours=1))
    db.session.add(job)
    db.session.commit()

    runner.sweep_jobs()
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert (job.state, job.lock_key) == (JobState.FAILED, None)
    assert job.error == "the worker running it stopped"


def test_estimate_and_percent_follow_the_pace_so_far():
    now = utcnow()
    job = Job(kind="test-count", state=JobState.RUNNING, done=250, total=1000,
              started_at=now - timedelta(seconds=10))
    assert estimate_left(job, now) == timedelta(seconds=30)
    assert percent(job) == 25
    job.state = JobState.DONE
    assert (estimate_left(job, now), percent(job)) == (None, 100)
    assert percent(Job(kind="x", state=JobState.QUEUED, done=0, total=0)) == 0


def test_periodic_work_is_registered_for_the_worker(app):
    from portal.jobs.queue import queue

    assert {"sweep-jobs", "send-outbox"} <= set(PERIODIC)
    periodic_names = {task.name for task in queue._registry.periodic_tasks}
    assert {"periodic:sweep-jobs", "periodic:send-outbox"} <= periodic_names
    assert "test-count" in KINDS


def test_a_dead_worker_s_job_is_sent_again_at_once_not_after_the_resend_delay(app, create_call):
    # Its message went with the killed worker: waiting JOBS_RESEND_AFTER for a "lost message"
    # would leave it queued for minutes after a new worker's start-up sweep.
    app.config.update(JOBS_STALE_AFTER=60, JOBS_RESEND_AFTER=3600)
    call = create_call()
    job = Job(kind="test-count", call_id=call.id, state=JobState.RUNNING, attempts=1,
              lock_key=lock_key("test-count", call.id), params={"n": 2},
              started_at=utcnow() - timedelta(minutes=2), heartbeat_at=utcnow() - timedelta(minutes=2))
    db.session.add(job)
    db.session.commit()

    assert runner.sweep_jobs() == 1
    db.session.commit()

    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts, job.result) == (JobState.DONE, 2, {"counted": 2})


@pytest.fixture
def queue_down(app_config, tmp_path):
    app_config["JOBS_IMMEDIATE"] = False
    app_config["JOBS_SQLITE_PATH"] = str(tmp_path / "jobs.sqlite")


def test_a_queue_that_is_down_loses_no_job(queue_down, app, create_call, monkeypatch, caplog):
    from portal.jobs import queue as job_queue

    def refuse(job_id, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(job_queue, "enqueue_job", refuse)
    job, _ = start_job("test-count", call=create_call())

    db.session.commit()  # the commit stands; the page goes on

    assert db.session.get(Job, job.id).state == JobState.QUEUED
    assert f"job {job.id} could not be sent to the queue" in caplog.text
    monkeypatch.undo()
    # Once the queue is back, the sweep sends it (here: read from the queue file).
    db.session.execute(sa.update(Job).where(Job.id == job.id)
                       .values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert runner.sweep_jobs() == 1
    assert job_queue.queue.pending_count() == 1
    job_queue.queue.flush()


@job_kind("test-read-only", title=_l("Reading"), steps={"reading": _l("Reading")})
def read_only(job, progress):
    """Reads, reports progress (committed on another connection), and writes nothing itself."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    progress.step("reading", total=1)
    progress.advance()
    return {"jobs": count}


@job_kind("test-writer", title=_l("Writing"), steps={"writing": _l("Writing")})
def writer(job, progress):
    db.session.add(AuditEvent(action="test.written", object_type="job", object_id=job.id))
    db.session.flush()  # holds SQLite's write lock from here: progress waits for the end
    progress.step("writing", total=2)
    progress.advance(2)
    return {}


@pytest.fixture
def on_a_worker(app_config, tmp_path):
    """Progress written as a worker writes it: on a connection of its own, committed at once."""
    app_config["JOBS_IMMEDIATE"] = False
    app_config["JOBS_SQLITE_PATH"] = str(tmp_path / "jobs.sqlite")
    yield
    from portal.jobs import queue as job_queue

    job_queue.queue.flush()


def test_a_job_that_only_read_ends_although_its_progress_was_committed_meanwhile(
        on_a_worker, app, create_call):
    job, _ = start_job("test-read-only", call=create_call())
    db.session.commit()

    runner.run_job(job.id)

    job = db.session.get(Job, job.id)
    assert (job.state, job.result, job.done, job.total) == (JobState.DONE, {"jobs": 1}, 1, 1)


def test_a_job_that_writes_is_not_held_up_by_its_own_progress(on_a_worker, app, create_call):
    app.config["SQLITE_BUSY_TIMEOUT"] = 30
    job, _ = start_job("test-writer", call=create_call())
    db.session.commit()
    started = utcnow()

    runner.run_job(job.id)

    assert utcnow() - started < timedelta(seconds=5)
    job = db.session.get(Job, job.id)
    assert (job.state, job.done, job.total) == (JobState.DONE, 2, 2)
    assert events("test.written") == 1
