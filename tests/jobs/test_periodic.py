"""The scheduled work the worker does without cron: each round is the operator command's work."""

from datetime import timedelta

import pytest

from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.extensions import db
from portal.jobs.queue import queue
from portal.jobs.registry import PERIODIC
from portal.jobs.runner import run_periodic_work

EXPECTED = {"close-due-calls": (1, None), "expire-offers": (5, None),
            "remind-focal-points": (60, None), "send-outbox": (1, None), "sweep-jobs": (1, None),
            "purge-personal-data": (None, (2, 30)), "sweep-orphaned-files": (None, (3, 10)),
            "expire-data-downloads": (60, None)}


def test_every_scheduled_work_is_registered_with_its_rhythm(app):
    assert {name: (work.minutes, work.daily_at) for name, work in PERIODIC.items()} == EXPECTED
    assert {task.name for task in queue._registry.periodic_tasks} >= {
        f"periodic:{name}" for name in EXPECTED}


def test_a_due_call_is_closed_by_the_worker_s_round(app, create_call):
    due = create_call(closes_at=utcnow() - timedelta(minutes=1),
                      opens_at=utcnow() - timedelta(days=10))
    still_open = create_call()

    run_periodic_work(PERIODIC["close-due-calls"])

    db.session.expire_all()
    assert db.session.get(Call, due.id).state == CallState.closed
    assert db.session.get(Call, still_open.id).state == CallState.open


def test_a_failing_round_is_logged_and_rolled_back(app, caplog, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(PERIODIC["close-due-calls"], "run", broken)

    run_periodic_work(PERIODIC["close-due-calls"])

    assert "periodic work close-due-calls failed" in caplog.text


@pytest.mark.parametrize("minutes", [1, 5, 60, 120])
def test_rhythms_become_crontab_entries(minutes):
    from datetime import datetime

    from portal.jobs import queue as job_queue
    from portal.jobs.registry import PeriodicWork

    made = []
    original = job_queue.queue.periodic_task
    try:
        job_queue.queue.periodic_task = lambda when, name: (made.append(when), lambda fn: fn)[1]
        job_queue.schedule_periodic(PeriodicWork(name="x", run=lambda: None, minutes=minutes))
    finally:
        job_queue.queue.periodic_task = original
    [when] = made
    runs = [hour * 60 + minute for hour in range(3) for minute in range(60)
            if when(datetime(2026, 12, 2, hour, minute))]
    assert runs == list(range(0, 180, minutes))
