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


def _claimable(now):
    """Queued, due, and held by no sender (or by one whose claim ran out)."""
    return sa.and_(
        OutboxMessage.status == OutboxStatus.queued,
        OutboxMessage.next_attempt_at <= now,
        sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _due_message_ids(limit: int) -> list[int]:
    now = utcnow()
    due = db.session.scalars(
        sa.select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.rollback()
    return list(due)


def _claim(message_id: int) -> bool:
    """Mark one message as ours, committed, just before sending it; False if it is not
    claimable any more (another sender holds it, sent it, or put it off)."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(claimed_until=now + CLAIM_TIME)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due_messages(limit: int = 100) -> tuple[int, int]:
    """Send queued messages that are due. Returns (sent, failed this round).

    Each message is claimed just before it is sent (a claim taken for the whole round
    could run out while earlier messages wait for a slow server, and another sender
    would then send the rest too), and its outcome is committed at once: a crash loses
    nothing, and at worst sends one message again, with the same Message-ID.
    No transaction is open while a message is on its way, so a slow SMTP server never
    holds up the pages (on SQLite an open transaction would hold the write lock).
    """
    config = current_app.config
    sent = failed = 0
    for message_id in _due_message_ids(limit):
        if not _claim(message_id):
            continue
        message = _read_message(message_id)
        error = _try_to_deliver(message, config)
        _record_attempt(message, error, config["MAIL_MAX_ATTEMPTS"])
        if error is None:
            sent += 1
        else:
            failed += 1
    return sent, failed


def _read_message(message_id: int) -> OutboxMessage:
    """A copy of the message, outside the session, read in a transaction that ends at once."""
    stored = db.session.get(OutboxMessage, message_id)
    copy = OutboxMessage(**{
        column.key: getattr(stored, column.key)
        for column in sa.inspect(OutboxMessage).column_attrs
    })
    db.session.rollback()
    return copy


def _try_to_deliver(message: OutboxMessage, config) -> str | None:
    """Hand the message over; the error text if that failed, else None."""
    try:
        deliver(message, config)
    except DeliveryError as exc:
        current_app.logger.warning("e-mail %s not sent: %s", message.id, exc)
        return str(exc)
    except Exception as exc:  # e.g. a header that cannot be built: must not block the rest
        current_app.logger.exception("e-mail %s could not be built or sent", message.id)
        return f"{type(exc).__name__}: {exc}"
    return None


def _record_attempt(message: OutboxMessage, error: str | None, max_attempts: int) -> None:
    """Store the outcome of one attempt and release the claim. Commits."""
    attempts = message.attempts + 1
    if error is None:
        values = {"status": OutboxStatus.sent, "sent_at": utcnow(), "last_error": ""}
    else:
        values = {"last_error": error[:2000],
                  "next_attempt_at": utcnow() + retry_delay(attempts)}
        if attempts >= max_attempts:
            values["status"] = OutboxStatus.failed
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(attempts=attempts, claimed_until=None, **values)
    )
    db.session.commit()


def requeue_failed() -> int:
    """Give messages that ran out of attempts another round (an operator's command)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.failed)
        .values(status=OutboxStatus.queued, attempts=0, next_attempt_at=utcnow())
    )
    db.session.flush()
    return result.rowcount
