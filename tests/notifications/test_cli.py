"""`flask outbox send` and `flask outbox requeue-failed`."""

import pytest

from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxStatus


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        assert result.exception is None, result.output
        return result.output

    return invoke


@pytest.mark.smtp
def test_outbox_send_prints_counts(smtp_server, app, cli, queue_verification):
    queue_verification("a@example.org")
    queue_verification("b@example.org")

    assert cli("outbox", "send") == "outbox: 2 sent, 0 failed\n"
    assert cli("outbox", "send") == "outbox: 0 sent, 0 failed\n"

    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == ["a@example.org",
                                                                     "b@example.org"]


@pytest.mark.smtp
def test_outbox_send_counts_failures_when_smtp_is_down(smtp_server, app, cli, queue_verification,
                                                       closed_port):
    queue_verification()
    app.config["MAIL_PORT"] = closed_port

    assert cli("outbox", "send") == "outbox: 0 sent, 1 failed\n"

    assert smtp_server.envelopes == []


@pytest.fixture
def one_attempt(app_config):
    app_config["MAIL_MAX_ATTEMPTS"] = 1


@pytest.mark.smtp
def test_outbox_requeue_failed_queues_failed_message_again(one_attempt, smtp_server, app, cli,
                                                           queue_verification, closed_port):
    queued = queue_verification()
    app.config["MAIL_PORT"] = closed_port
    cli("outbox", "send")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, queued.id).status == OutboxStatus.failed
    app.config["MAIL_PORT"] = smtp_server.port

    assert cli("outbox", "requeue-failed") == "outbox: 1 message(s) queued again\n"

    db.session.expire_all()
    message = db.session.get(OutboxMessage, queued.id)
    assert (message.status, message.attempts) == (OutboxStatus.queued, 0)
    assert cli("outbox", "send") == "outbox: 1 sent, 0 failed\n"
    assert len(smtp_server.envelopes) == 1
