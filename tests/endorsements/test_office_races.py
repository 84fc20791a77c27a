"""Two coordinators confirming the screening out of the candidates not endorsed at the same
moment: each candidate is screened out once, with one reason (tests/races.py)."""

from datetime import timedelta

import sqlalchemy as sa

from portal.applications.models import Application, ApplicationState
from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.database import utcnow
from portal.endorsements import office
from portal.extensions import db
from tests.endorsements.office_factories import set_endorsement
from tests.races import post_at_once, signed_in_client


def test_two_coordinators_screening_out_at_once_screen_each_candidate_once(
        app, monkeypatch, create_call, create_application, create_user):
    call = create_call(endorsement_required=True)
    for state in ("endorsed", "declined", "requested"):
        application = create_application(call=call, submit=True)
        set_endorsement(application, state, priority=1 if state == "endorsed" else None)
    call.closes_at = utcnow() - timedelta(hours=2)
    call.endorsement_deadline = utcnow() - timedelta(hours=1)
    call.state = CallState.closed
    db.session.commit()
    clients = [signed_in_client(app, create_user(roles=("coordinator",))) for _ in range(2)]
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run
    url = f"/manage/calls/{call.id}/endorsements/screen-out"
    responses = post_at_once(monkeypatch, office, "screen_out_non_endorsed", [
        (clients[0], url, {"reason_en": "First", "reason_ru": "Первая"}),
        (clients[1], url, {"reason_en": "Second", "reason_ru": "Вторая"})])
    assert [r.status_code for r in responses] == [302, 302]
    db.session.expire_all()
    screened = db.session.execute(sa.select(Application.screening_reason).where(
        Application.call_id == call.id, Application.state == ApplicationState.screened_out)).scalars().all()
    assert len(screened) == 2 and len(set(screened)) == 1
    events = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action == "application.screened_out")).all()
    assert len(events) == 2
