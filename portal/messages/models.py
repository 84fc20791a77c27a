"""A message the office sends, and who it went to."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class Message(db.Model):
    """One message written in English and Russian by a coordinator to an audience.

    The audience is what the coordinator chose: `audience` names the group (a call's drafts,
    its submitted, selected or waiting-list applicants, reviewers with unfinished reviews, one
    person), with `call_id` and `person_id` where the group needs them. The recipients are
    fixed when it is sent (MessageRecipient); each reads it, and gets it by e-mail, in their
    own language.
    """

    __tablename__ = "message"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    audience: so.Mapped[str] = so.mapped_column(sa.String(32))
    call_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("call.id", ondelete="SET NULL"), index=True)
    person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # "message" for one written by hand, "draft_reminder" for the one-click reminder.
    kind: so.Mapped[str] = so.mapped_column(sa.String(32), default="message")
    subject_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    subject_ru: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    body_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sender_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    recipient_count: so.Mapped[int] = so.mapped_column(default=0)

    recipients: so.Mapped[list["MessageRecipient"]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<Message {self.id} to {self.audience}>"


class MessageRecipient(db.Model):
    """One person a message was sent to, and when they read it in the portal."""

    __tablename__ = "message_recipient"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    # The language the e-mail went out in (the person's at the time).
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    message: so.Mapped[Message] = so.relationship(back_populates="recipients")

    __table_args__ = (sa.UniqueConstraint("message_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<MessageRecipient {self.message_id} {self.user_id}>"
