"""Without MAIL_SERVER, e-mails are written as .eml files (development)."""

import email
import email.policy
from pathlib import Path

import pytest

from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.services import send_due_messages
from tests.notifications.mail import text_of


def test_send_due_messages_without_mail_server_writes_eml_file(app, queue_verification):
    queued = queue_verification("ivan@example.org", language="ru",
                                subject="Подтвердите адрес электронной почты")

    assert send_due_messages() == (1, 0)
    assert send_due_messages() == (0, 0)

    [path] = Path(app.config["MAIL_FILE_DIR"]).glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "ivan@example.org"
    assert mail["From"] == "ROCB Europe fellowships <fellowships@localhost>"
    assert mail["Subject"] == "Подтвердите адрес электронной почты"
    assert mail["Content-Language"] == "ru"
    assert text_of(mail.get_body(("plain",))) == queued.body_text
    assert text_of(mail.get_body(("html",))) == queued.body_html.rstrip("\n")
    assert db.session.get(OutboxMessage, queued.id).status == OutboxStatus.sent


def test_send_due_messages_keeps_message_when_mail_folder_is_unusable(app_config, tmp_path, app,
                                                                      queue_verification):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app.config["MAIL_FILE_DIR"] = str(blocker / "mail")
    queued = queue_verification()

    assert send_due_messages() == (0, 1)

    db.session.expire_all()
    message = db.session.get(OutboxMessage, queued.id)
    assert (message.status, message.attempts) == (OutboxStatus.queued, 1)
    assert message.last_error != ""


@pytest.mark.smtp
def test_send_due_messages_refuses_untrusted_tls_certificate(starttls_smtp_server, app,
                                                             queue_verification):
    """A reset link or the SMTP password must not go to whoever answers on the way."""
    queued = queue_verification()

    assert send_due_messages() == (0, 1)

    message = db.session.get(OutboxMessage, queued.id)
    assert (message.status, message.attempts) == (OutboxStatus.queued, 1)
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
    assert starttls_smtp_server.envelopes == []


@pytest.mark.smtp
def test_send_due_messages_delivers_over_starttls_to_trusted_server(
        starttls_smtp_server, certificate, monkeypatch, app, queue_verification):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate
    queue_verification("ana@example.org")

    assert send_due_messages() == (1, 0)

    [envelope] = starttls_smtp_server.envelopes
    assert envelope.rcpt_tos == ["ana@example.org"]
