"""Turning an outbox message into a real e-mail: by SMTP, or as a .eml file in development."""

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from portal.database import utcnow
from portal.notifications.headers import MAIL_POLICY
from portal.notifications.models import OutboxMessage


class DeliveryError(Exception):
    """The message could not be handed over; it stays in the outbox for a retry."""


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage(policy=MAIL_POLICY)  # headers folded so that they decode to themselves
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message, sender)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    # After the body: set_content() drops every Content-* header set before it.
    email["Content-Language"] = message.language
    return email


def message_id(message: OutboxMessage, sender: str) -> str:
    """Stable per outbox row (the same on every attempt), so a receiver can spot a duplicate.

    The row's creation time keeps ids apart when a database is rebuilt and ids repeat.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "portal.local"
    stamp = message.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox-{message.id}.{stamp}@{domain}>"


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
                # Without a context, smtplib checks neither the certificate nor the host name.
                smtp.starttls(context=ssl.create_default_context())
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
