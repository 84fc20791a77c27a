"""The demo sends its reminder to the open call's drafts once, however often it is seeded."""

import sqlalchemy as sa

from portal.demo import seed_demo_data
from portal.messages.audiences import count_recipients
from portal.messages.models import Message, MessageRecipient


def test_demo_reminds_the_open_calls_drafts_once(app, db):
    seed_demo_data()
    seed_demo_data()
    messages = db.session.scalars(sa.select(Message)).all()
    assert [(m.kind, m.audience) for m in messages] == [("draft_reminder", "drafts")]
    recipients = db.session.scalar(sa.select(sa.func.count()).select_from(MessageRecipient))
    assert recipients == messages[0].recipient_count == count_recipients(
        "drafts", call_id=messages[0].call_id) > 0
