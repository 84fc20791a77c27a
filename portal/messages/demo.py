"""The demo's message: the coordinator's reminder to the owners of the open call's drafts."""

import sqlalchemy as sa

from portal.accounts.services import find_user_by_email
from portal.database import utcnow
from portal.extensions import db
from portal.messages import services
from portal.messages.models import Message


def seed_demo_messages(call) -> None:
    """Send the reminder once (its e-mails go to the outbox like any other). Flushes."""
    coordinator = find_user_by_email("coordinator@demo.rocb.example")
    sent = db.session.scalar(sa.select(Message.id).where(Message.call_id == call.id,
                                                         Message.kind == "draft_reminder"))
    if coordinator is None or sent is not None:
        return
    draft = services.Draft(audience="drafts", call_id=call.id, person_id=None,
                           kind="draft_reminder", **services.draft_reminder(call))
    try:
        services.send_message(draft, actor=coordinator, now=utcnow())
    except services.MessageError:  # no drafts in this call
        pass
