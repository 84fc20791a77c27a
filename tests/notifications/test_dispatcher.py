"""The background sender: a request writes the outbox, a thread delivers it after the commit."""

import time

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.notifications.dispatcher import OutboxDispatcher
from portal.notifications.models import OutboxMessage, OutboxStatus


@pytest.fixture
def background_sending(app_config):
    app_config["OUTBOX_SEND_IN_BACKGROUND"] = True


@pytest.fixture
def dispatcher(app):
    """The app's background sender, stopped before the app's tables are emptied."""
    dispatcher = app.extensions["outbox_dispatcher"]
    yield dispatcher
    dispatcher.stop(timeout=15)


def statuses() -> list[OutboxStatus]:
    """The outbox's statuses, read in a transaction that ends at once (SQLite: no lock held)."""
    result = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id)).all()
    db.session.rollback()
    return list(result)


def wait_for_statuses(expected: list[OutboxStatus], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (current := statuses()) != expected:
        assert time.monotonic() < deadline, f"outbox statuses stayed {current}"
        time.sleep(0.02)


@pytest.mark.smtp
def test_forgot_password_request_mail_is_delivered_in_background(
        background_sending, smtp_server, app, dispatcher, create_user, forms):
    create_user(email="ana@example.org", language="en")

    response = forms.post("/password/forgot", {"email": "ana@example.org"})

    assert response.status_code == 200
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "ana@example.org"
    assert mail["Subject"] == "Reset your password"
    wait_for_statuses([OutboxStatus.sent])
    time.sleep(0.1)  # a second delivery would come at once; none does
    assert len(smtp_server.envelopes) == 1


@pytest.mark.smtp
def test_forgot_password_request_does_not_wait_for_smtp(
        background_sending, smtp_server, app, dispatcher, create_user, forms):
    create_user(email="ana@example.org")
    smtp_server.hold()

    response = forms.post("/password/forgot", {"email": "ana@example.org"})

    assert response.status_code == 200
    smtp_server.wait_until_holding()  # the e-mail is still on its way, the page is done
    assert smtp_server.envelopes == []
    assert statuses() == [OutboxStatus.queued]
    smtp_server.release()
    smtp_server.wait_for(1)
    wait_for_statuses([OutboxStatus.sent])


@pytest.mark.smtp
def test_requests_without_background_sending_leave_mail_queued(smtp_server, app, create_user,
                                                               forms):
    create_user(email="ana@example.org")

    response = forms.post("/password/forgot", {"email": "ana@example.org"})

    assert response.status_code == 200
    assert "outbox_dispatcher" not in app.extensions
    assert statuses() == [OutboxStatus.queued]
    assert smtp_server.envelopes == []


@pytest.mark.smtp
def test_dispatcher_retries_on_its_own_after_a_failure(smtp_server, app, queue_verification,
                                                       closed_port, skip_time):
    queue_verification("ana@example.org")
    app.config["MAIL_PORT"] = closed_port
    dispatcher = OutboxDispatcher(app, interval=0.05)
    try:
        dispatcher.wake()
        deadline = time.monotonic() + 10
        while db.session.scalar(sa.select(OutboxMessage.attempts)) == 0:
            db.session.rollback()
            assert time.monotonic() < deadline, "the dispatcher never tried"
            time.sleep(0.02)
        db.session.rollback()
        app.config["MAIL_PORT"] = smtp_server.port
        skip_time()  # the back-off has passed; no request wakes the sender this time

        smtp_server.wait_for(1)
        wait_for_statuses([OutboxStatus.sent])
    finally:
        dispatcher.stop(timeout=15)
    assert len(smtp_server.envelopes) == 1


def test_dispatcher_stop_ends_its_thread_for_good(app):
    dispatcher = OutboxDispatcher(app, interval=60)
    dispatcher.wake()
    thread = dispatcher._thread

    dispatcher.stop(timeout=15)
    dispatcher.wake()

    assert thread.is_alive() is False
    assert dispatcher._thread is thread
