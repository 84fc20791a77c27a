"""Queueing e-mails in the recipient's language and sending what is due."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_babel import force_locale

from portal.database import utcnow
from portal.extensions import db
from portal.notifications.mailer import DeliveryError, deliver
from portal.notifications.models import OutboxMessage, OutboxStatus

# How long a sender may hold a message before another sender may take it over.
CLAIM_TIME = timedelta(minutes=5)


def queue_email(*, kind: str, recipient: str, language: str, subject, **context) -> OutboxMessage:
    """Render `notifications/email/<kind>.txt|.html` in `language` and add it to the outbox.

    `subject` is a lazy string, rendered in the recipient's language. Flushes; the
    message is sent after the caller commits (the request's background sender or
    `flask outbox send`).
    """
    with force_locale(language):
        message = OutboxMessage(
            kind=kind,
            recipient=recipient,
            language=language,
            subject=str(subject),
            body_text=render_template(f"notifications/email/{kind}.txt", **context),
            body_html=render_template(f"notifications/email/{kind}.html", subject=str(subject),
                                      **context),
        )
    db.session.add(message)
    db.session.flush()
    g.outbox_has_new_messages = True
    return message


def retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _claim_due_messages(limit: int) -> list[int]:
    """Mark up to `limit` due messages as ours, committed, so no other sender takes them."""
    now = utcnow()
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.queued,
            OutboxMessage.next_attempt_at <= now,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    claimed = []
    for message_id in due:
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.queued,
                sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM_TIME)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def send_due_messages(limit: int = 100) -> tuple[int, int]:
    """Send queued messages that are due. Returns (sent, failed this round).

    Commits after every message, so a crash never sends a message twice nor loses one.
    """
    config = current_app.config
    sent = failed = 0
    for message_id in _claim_due_messages(limit):
        message = db.session.get(OutboxMessage, message_id)
        try:
            deliver(message, config)
        except DeliveryError as exc:
            failed += 1
            message.attempts += 1
            message.last_error = str(exc)[:2000]
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.failed
            current_app.logger.warning("e-mail %s not sent: %s", message.id, exc)
        else:
            sent += 1
            message.attempts += 1
            message.status = OutboxStatus.sent
            message.sent_at = utcnow()
            message.last_error = ""
        message.claimed_until = None
        db.session.commit()
    return sent, failed


def requeue_failed() -> int:
    """Give messages that ran out of attempts another round (an operator's command)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.failed)
        .values(status=OutboxStatus.queued, attempts=0, next_attempt_at=utcnow())
    )
    db.session.flush()
    return result.rowcount
