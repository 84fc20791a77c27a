"""Turning an outbox message into a real e-mail: by SMTP, or as a .eml file in development."""

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from portal.database import utcnow
from portal.notifications.models import OutboxMessage


class DeliveryError(Exception):
    """The message could not be handed over; it stays in the outbox for a retry."""


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    # Stable per outbox row, so a receiving server can spot a duplicate.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="portal.local")
    email["Content-Language"] = message.language
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def deliver(message: OutboxMessage, config) -> None:
    """Send one message with the app's mail settings; raise DeliveryError on failure."""
    email = build_email(message, config["MAIL_DEFAULT_SENDER"])
    if not config["MAIL_SERVER"]:
        _write_file(email, Path(config["MAIL_FILE_DIR"]), message)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                          timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def _write_file(email: EmailMessage, folder: Path, message: OutboxMessage) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        path = folder / f"{stamp}-{message.id}-{message.kind}-{uuid.uuid4().hex[:6]}.eml"
        path.write_bytes(bytes(email))
    except OSError as exc:
        raise DeliveryError(str(exc)) from exc
