"""Each applicant's deadline: extensions set, changed and removed, and held to the second."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls import deadlines
from portal.calls.models import CallState, DeadlineExtension
from portal.calls.services import close_due_calls
from portal.database import utcnow


def _extend(call, user, coordinator, *, hours=24, reason="Hospital stay", version=None,
            now=None):
    return deadlines.set_extension(call, user, closes_at=call.closes_at + timedelta(hours=hours),
                                   reason=reason, actor=coordinator, now=now or utcnow(),
                                   expected_version=version)


def test_deadline_is_the_calls_without_an_extension(db, create_user, create_call):
    call, applicant = create_call(), create_user()
    assert deadlines.deadline_for(call, applicant) == call.closes_at
    assert deadlines.deadline_for(call, None) == call.closes_at


def test_extension_gives_the_applicant_a_later_deadline(db, create_user, create_call):
    call, applicant, other = create_call(), create_user(), create_user()
    coordinator = create_user(roles=("coordinator",))
    extension = _extend(call, applicant, coordinator)
    assert deadlines.deadline_for(call, applicant) == call.closes_at + timedelta(hours=24)
    assert deadlines.deadline_for(call, other) == call.closes_at
    assert (extension.reason, extension.created_by_id, extension.version) == (
        "Hospital stay", coordinator.id, 1)


def test_extension_held_to_the_second(db, create_user, create_call):
    call, applicant, other = create_call(), create_user(), create_user()
    _extend(call, applicant, create_user(roles=("coordinator",)))
    extended = call.closes_at + timedelta(hours=24)
    assert deadlines.accepts_from(call, applicant, extended - timedelta(seconds=1)) is True
    assert deadlines.accepts_from(call, applicant, extended) is False
    assert deadlines.accepts_from(call, other, call.closes_at - timedelta(seconds=1)) is True
    assert deadlines.accepts_from(call, other, call.closes_at) is False


def test_extension_outlives_the_call_closing_by_command(db, create_user, create_call):
    call, applicant, other = create_call(), create_user(), create_user()
    _extend(call, applicant, create_user(roles=("coordinator",)))
    after = call.closes_at + timedelta(hours=1)
    assert close_due_calls(after) == 1
    assert call.state == CallState.closed
    assert (deadlines.accepts_from(call, applicant, after),
            deadlines.accepts_from(call, other, after)) == (True, False)


def test_extension_ends_when_reviewing_starts(db, create_user, create_call):
    call, applicant = create_call(), create_user()
    _extend(call, applicant, create_user(roles=("coordinator",)))
    call.state = CallState.in_review
    assert deadlines.accepts_from(call, applicant, call.closes_at + timedelta(hours=1)) is False


def test_extension_never_moves_the_deadline_earlier(db, create_user, create_call):
    call, applicant = create_call(), create_user()
    _extend(call, applicant, create_user(roles=("coordinator",)), hours=1)
    call.closes_at += timedelta(days=2)  # the call's deadline moved later than the extension
    assert deadlines.deadline_for(call, applicant) == call.closes_at


@pytest.mark.parametrize("hours, reason, message", [
    (0, "Illness", "The new deadline must be later than the call's deadline."),
    (-1, "Illness", "The new deadline must be later than the call's deadline."),
    (24, "  ", "Give the reason for the extension."),
])
def test_extension_refused(db, create_user, create_call, hours, reason, message):
    call, applicant = create_call(), create_user()
    with pytest.raises(deadlines.ExtensionError) as refused:
        _extend(call, applicant, create_user(roles=("coordinator",)), hours=hours, reason=reason)
    assert str(refused.value.message) == message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeadlineExtension)) == 0


def test_extension_in_the_past_refused(db, create_user, create_call):
    call = create_call(opens_at=utcnow() - timedelta(days=9), closes_at=utcnow() - timedelta(days=3),
                       state=CallState.closed)
    with pytest.raises(deadlines.ExtensionError) as refused:
        _extend(call, create_user(), create_user(roles=("coordinator",)), hours=24)
    assert str(refused.value.message) == "The new deadline must be in the future."


def test_extension_refused_once_in_review(db, create_user, create_call):
    call = create_call(state=CallState.in_review)
    with pytest.raises(deadlines.ExtensionError):
        _extend(call, create_user(), create_user(roles=("coordinator",)))


def test_change_and_remove_are_audited_with_the_version_lock(db, create_user, create_call):
    call, applicant = create_call(), create_user()
    coordinator = create_user(roles=("coordinator",))
    _extend(call, applicant, coordinator, hours=24)
    with pytest.raises(deadlines.StaleExtension):  # a second "set" from a form without one
        _extend(call, applicant, coordinator, hours=48, version=None)
    changed = _extend(call, applicant, coordinator, hours=48, reason="Still ill", version=1)
    assert (changed.version, changed.reason) == (2, "Still ill")
    with pytest.raises(deadlines.StaleExtension):
        deadlines.remove_extension(call, applicant, reason="Recovered", actor=coordinator,
                                   expected_version=1)
    deadlines.remove_extension(call, applicant, reason="Recovered", actor=coordinator,
                               expected_version=2)
    assert deadlines.deadline_for(call, applicant) == call.closes_at
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.details)
                                .order_by(AuditEvent.id)).all()
    assert [(action, details["user"], details["reason"]) for action, details in events] == [
        ("deadline_extension.set", applicant.id, "Hospital stay"),
        ("deadline_extension.changed", applicant.id, "Still ill"),
        ("deadline_extension.removed", applicant.id, "Recovered"),
    ]
    assert events[1][1]["previous_closes_at"] == (call.closes_at + timedelta(hours=24)).isoformat()


def test_remove_needs_a_reason(db, create_user, create_call):
    call, applicant = create_call(), create_user()
    coordinator = create_user(roles=("coordinator",))
    _extend(call, applicant, coordinator)
    with pytest.raises(deadlines.ExtensionError):
        deadlines.remove_extension(call, applicant, reason=" ", actor=coordinator,
                                   expected_version=1)


def test_batch_deadlines_in_one_query(db, create_user, create_call):
    first, second = create_call(), create_call()
    applicant = create_user()
    _extend(second, applicant, create_user(roles=("coordinator",)))
    expected = {first.id: first.closes_at, second.id: second.closes_at + timedelta(hours=24)}
    queries = []

    def count(*_args, **_kwargs):
        queries.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = deadlines.deadlines_for([first, second], applicant)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert (found, len(queries)) == (expected, 1)
