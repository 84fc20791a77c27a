"""Two coordinators saving one application's decision at the same moment, in two real transactions.

SQLite runs the two requests one after the other (a POST takes the write lock first), so the second
sees the first's decision; PostgreSQL runs them side by side, so both read the same state before
either writes. Either way the second coordinator is told that the decision changed meanwhile.
"""

import re
import threading

import pytest
import sqlalchemy as sa

from portal.selection import services
from portal.selection.models import Decision, Outcome
from tests.conftest import PASSWORD, csrf_token_from

STALE = "Another coordinator changed this decision while you were editing it."


def _coordinator_clients(app, create_user, count=2):
    clients = []
    for _ in range(count):
        coordinator = create_user(roles=("coordinator",))
        c = app.test_client()
        token = csrf_token_from(c.get("/login").get_data(as_text=True))
        c.post("/login", data={"email": coordinator.email, "password": PASSWORD, "csrf_token": token})
        clients.append(c)
    return clients


def _race(monkeypatch, clients, url, posts):
    """POST each form from its own client in its own thread, both decisions made at once.

    Each request waits (briefly) for the other inside the view, after it read the current
    decision and before the service writes: on PostgreSQL both then write together; on SQLite
    the second is still waiting for the write lock, so the first goes on alone after the wait.
    """
    barrier = threading.Barrier(len(clients))
    decide = services.decide

    def decide_together(*args, **kwargs):
        try:
            barrier.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return decide(*args, **kwargs)

    monkeypatch.setattr(services, "decide", decide_together)
    forms = []
    for c, data in zip(clients, posts, strict=True):
        token = csrf_token_from(c.get(url).get_data(as_text=True))
        forms.append((c, {**data, "csrf_token": token}))
    responses = [None] * len(clients)

    def post(i, c, data):
        responses[i] = c.post(url, data=data)

    threads = [threading.Thread(target=post, args=(i, *pair)) for i, pair in enumerate(forms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return responses


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
    clients = _coordinator_clients(app, create_user)
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run
    url = f"/manage/applications/{application.id}/decision"
    responses = _race(monkeypatch, clients, url, [
        {"outcome": "accepted", "note": "First note", "version": str(version)},
        {"outcome": "not_selected", "note": "Second note", "version": str(version)}])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 302]
    stale = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert STALE in stale
    kept_note = "Second note" if responses[0].status_code == 302 else "First note"
    saved_note = "First note" if kept_note == "Second note" else "Second note"
    assert kept_note in stale  # the loser's note is still in the form
    db.session.expire_all()
    decision = db.session.scalars(sa.select(Decision).where(Decision.application_id == application.id)).one()
    assert decision.note == saved_note
    # The form now carries the winner's version: sending it again saves.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', stale).group(1)
    assert int(new_version) == decision.version
