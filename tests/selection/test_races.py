"""Two coordinators saving one application's decision at the same moment (see tests/races.py):
either way the second is told that the decision changed meanwhile."""

import re

import pytest
import sqlalchemy as sa

from portal.selection import services
from portal.selection.models import Decision, Outcome
from tests.races import post_at_once, signed_in_client

STALE = "Another coordinator changed this decision while you were editing it."


@pytest.mark.parametrize("existing", [False, True], ids=["first decision", "changed decision"])
def test_two_coordinators_deciding_at_once_the_second_is_told_it_was_stale(
        app, db, monkeypatch, create_user, reviewed_call, existing):
    call, (application,) = reviewed_call([[4, 4]], places=1)
    version = 0
    if existing:
        coordinator = create_user(roles=("coordinator",))
        version = services.decide(application, outcome=Outcome.waitlisted, note="", actor=coordinator,
                                  now=call.closes_at).version
    db.session.commit()
    clients = [signed_in_client(app, create_user(roles=("coordinator",))) for _ in range(2)]
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run
    url = f"/manage/applications/{application.id}/decision"
    responses = post_at_once(monkeypatch, services, "decide", [
        (clients[0], url, {"outcome": "accepted", "note": "First note", "version": str(version)}),
        (clients[1], url, {"outcome": "not_selected", "note": "Second note", "version": str(version)})])
    assert sorted(r.status_code for r in responses) == [200, 302]
    stale = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert STALE in stale
    kept_note, saved_note = ("Second note", "First note") if responses[0].status_code == 302 \
        else ("First note", "Second note")
    assert kept_note in stale  # the loser's note is still in the form
    db.session.expire_all()
    decision = db.session.scalars(sa.select(Decision).where(Decision.application_id == application.id)).one()
    assert decision.note == saved_note
    # The form now carries the winner's version: sending it again saves.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', stale).group(1)
    assert int(new_version) == decision.version
