"""Sending a message to an audience, reading it, and the one-click reminder's text."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.audit.services import record_event
from portal.calls.deadlines import call_extensions
from portal.calls.models import Call
from portal.extensions import db
from portal.i18n import format_moment
from portal.messages.audiences import recipients
from portal.messages.models import Message, MessageRecipient
from portal.notifications.services import queue_email
from portal.urls import public_url

LANGUAGES = ("en", "ru")


class MessageError(Exception):
    """A refused send; `message` is a lazy string for the coordinator."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Draft:
    """What the coordinator wrote and chose, before it is sent."""

    audience: str
    call_id: int | None
    person_id: int | None
    subject_en: str
    subject_ru: str
    body_en: str
    body_ru: str
    kind: str = "message"

    def subject(self, language: str) -> str:
        return self.subject_ru if language == "ru" else self.subject_en

    def body(self, language: str) -> str:
        return self.body_ru if language == "ru" else self.body_en


def send_message(draft: Draft, *, actor, now: datetime) -> Message:
    """Fix the recipients, queue one e-mail to each in their language, record the sending.

    Adds the Message with a MessageRecipient per person, one outbox e-mail per person and an
    audit event; flushes. Refuses an audience that holds nobody.
    """
    people = recipients(draft.audience, call_id=draft.call_id, person_id=draft.person_id)
    if not people:
        raise MessageError(_("Nobody is in this group: the message was not sent."))
    message = Message(audience=draft.audience, call_id=draft.call_id, person_id=draft.person_id,
                      kind=draft.kind, subject_en=draft.subject_en, subject_ru=draft.subject_ru,
                      body_en=draft.body_en, body_ru=draft.body_ru, sender_id=actor.id,
                      created_at=now, sent_at=now, recipient_count=len(people))
    db.session.add(message)
    db.session.flush()
    call = db.session.get(Call, draft.call_id) if draft.call_id else None
    extended = extended_deadlines(draft.kind, call, [person.id for person in people])
    for person in people:
        language = person.preferred_language if person.preferred_language in LANGUAGES else "en"
        db.session.add(MessageRecipient(message_id=message.id, user_id=person.id,
                                        language=language))
        queue_email(kind="message", recipient=person.email, language=language,
                    subject=draft.subject(language), user=person, body=draft.body(language),
                    link=public_url("messages.read_message", message_id=message.id),
                    own_deadline=extended.get(person.id), zone=call.time_zone if call else None)
    record_event("message.sent", actor=actor, obj=message, audience=draft.audience,
                 call=draft.call_id, user=draft.person_id, message_kind=draft.kind,
                 recipients=len(people))
    db.session.flush()
    return message


def extended_deadlines(kind: str, call: Call | None, user_ids: list[int]) -> dict:
    """For a reminder to a call's drafts: the deadlines of those of `user_ids` whose own deadline
    is later than the call's (an extension), by user id, in one query. The reminder names the
    call's deadline; each of them also reads their own."""
    if kind != "draft_reminder" or call is None or call.closes_at is None:
        return {}
    return {user_id: extension.closes_at
            for user_id, extension in call_extensions(call.id, user_ids).items()
            if extension.closes_at > call.closes_at}


def received(user, message_id: int) -> tuple[MessageRecipient, Message] | None:
    """The person's copy of a message and the message, or None if it was not sent to them."""
    row = db.session.execute(
        sa.select(MessageRecipient, Message).join(Message)
        .where(MessageRecipient.user_id == user.id, Message.id == message_id)).first()
    return (row[0], row[1]) if row else None


def mark_read(recipient: MessageRecipient, *, now: datetime) -> None:
    """The first reading counts; flushes."""
    if recipient.read_at is None:
        recipient.read_at = now
        db.session.flush()


def unread_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(MessageRecipient)
        .where(MessageRecipient.user_id == user.id, MessageRecipient.read_at.is_(None)))


def draft_reminder(call) -> dict[str, str]:
    """The reminder to the owners of a call's unfinished drafts, in both languages, naming the
    deadline in the call's time zone: the composer's fields, for the coordinator to adjust."""
    texts = {}
    for language in LANGUAGES:
        with force_locale(language):
            title = call.text("title", language)
            deadline = format_moment(call.closes_at, call.time_zone)
            texts[f"subject_{language}"] = _(
                "Reminder: your application to %(call)s is not submitted yet", call=title)
            texts[f"body_{language}"] = _(
                "Your application to \"%(call)s\" is still a draft. Applications must be "
                "submitted by %(deadline)s; a draft that is not submitted by then cannot be "
                "considered.\n\nPlease complete the remaining sections, check your answers "
                "and submit your application in the portal.", call=title, deadline=deadline)
    return texts
