"""Sending the outbox on the queue: a request writes the outbox and queues the sending; a worker
delivers it; a periodic round sends what a lost task or a stopped worker left."""

import time

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.jobs import queue as job_queue
from portal.notifications.dispatcher import send_outbox, send_outbox_periodically
from portal.notifications.models import OutboxMessage, OutboxStatus


@pytest.fixture
def background_sending(app_config):
    app_config["OUTBOX_SEND_IN_BACKGROUND"] = True


@pytest.fixture
def real_queue(app_config, tmp_path):
    """The queue as in the embedded default (a SQLite file), with no worker reading it: the test
    plays the worker, so it sees what waits in the queue."""
    app_config["JOBS_IMMEDIATE"] = False
    app_config["JOBS_SQLITE_PATH"] = str(tmp_path / "jobs.sqlite")
    yield job_queue.queue
    job_queue.queue.flush()


def run_queued_tasks() -> int:
    """What a worker does: take each task off the queue and run it."""
    ran = 0
    while (task := job_queue.queue.dequeue()) is not None:
        job_queue.queue.execute(task)
        ran += 1
    return ran


def statuses() -> list[OutboxStatus]:
    """The outbox's statuses, read in a transaction that ends at once (SQLite: no lock held)."""
    result = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id)).all()
    db.session.rollback()
    return list(result)


@pytest.mark.smtp
def test_forgot_password_request_queues_its_mail_and_a_worker_delivers_it_once(
        background_sending, real_queue, smtp_server, app, create_user, forms):
    create_user(email="ana@example.org", language="en")

    response = forms.post("/password/forgot", {"email": "ana@example.org"})

    # The page did not wait for the e-mail: it is in the outbox, and its sending in the queue.
    assert response.status_code == 200
    assert statuses() == [OutboxStatus.queued]
    assert smtp_server.envelopes == []
    assert real_queue.pending_count() == 1

    assert run_queued_tasks() == 1
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "ana@example.org"
    assert mail["Subject"] == "Reset your password"
    assert statuses() == [OutboxStatus.sent]
    send_outbox_periodically()  # the periodic round finds nothing left to send
    time.sleep(0.1)
    assert len(smtp_server.envelopes) == 1


@pytest.mark.smtp
def test_periodic_round_sends_what_a_lost_task_left(background_sending, real_queue, smtp_server,
                                                     app, create_user, forms):
    create_user(email="ana@example.org")
    forms.post("/password/forgot", {"email": "ana@example.org"})
    real_queue.flush()  # the queue lost its task (a Redis restart, say)

    send_outbox_periodically()

    smtp_server.wait_for(1)
    assert statuses() == [OutboxStatus.sent]


@pytest.mark.smtp
def test_requests_without_background_sending_leave_mail_queued(smtp_server, app, create_user,
                                                               forms):
    create_user(email="ana@example.org")

    response = forms.post("/password/forgot", {"email": "ana@example.org"})

    assert response.status_code == 200
    assert statuses() == [OutboxStatus.queued]
    assert smtp_server.envelopes == []


@pytest.mark.smtp
def test_a_failed_delivery_is_retried_by_the_periodic_round(smtp_server, app, queue_verification,
                                                            closed_port, skip_time):
    queue_verification("ana@example.org")
    app.config["MAIL_PORT"] = closed_port
    send_outbox()
    assert db.session.scalar(sa.select(OutboxMessage.attempts)) == 1
    db.session.rollback()
    app.config["MAIL_PORT"] = smtp_server.port
    skip_time()  # the back-off has passed; no request queues the sending this time

    send_outbox_periodically()

    smtp_server.wait_for(1)
    assert statuses() == [OutboxStatus.sent]
    assert len(smtp_server.envelopes) == 1
