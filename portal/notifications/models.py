"""E-mails: written to the outbox in the recipient's language first, sent afterwards."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class OutboxStatus(enum.StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"  # gave up after the configured number of attempts


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    # The e-mails of one kind sent to one address lately are counted (accounts' per-address limits).
    __table_args__ = (sa.Index("ix_outbox_message_recipient_kind", "recipient", "kind",
                               "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    language: so.Mapped[str] = so.mapped_column(sa.String(8))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body_text: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    kind: so.Mapped[str] = so.mapped_column(sa.String(64))
    status: so.Mapped[OutboxStatus] = so.mapped_column(
        sa.Enum(OutboxStatus, native_enum=False, length=16),
        default=OutboxStatus.queued,
        index=True,
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Set while a sender holds the message, so two senders never send it twice.
    claimed_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
