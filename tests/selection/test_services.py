"""Deciding, filling the places, publishing and the offers, through the services."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.applications.models import ApplicationState
from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.database import utcnow
from portal.notifications.models import OutboxMessage
from portal.selection import publication, services
from portal.selection.models import Decision, Offer, OfferState, Outcome


def _coordinator(create_user):
    return create_user(roles=("coordinator",))


def test_fill_places_selects_the_best_within_places_and_waitlists_the_rest_in_rank_order(
        db, reviewed_call, create_user):
    call, (a, b, c, d) = reviewed_call([[3, 3], [5, 5], [4, 4], [2, 2]], places=2)
    summary = services.fill_places_in_rank_order(call, actor=_coordinator(create_user), now=utcnow())
    db.session.commit()
    assert (summary.accepted, summary.waitlisted, summary.not_selected) == (2, 2, 0)
    decisions = {x.application_id: x for x in db.session.scalars(sa.select(Decision))}
    assert decisions[b.id].outcome == decisions[c.id].outcome == Outcome.accepted
    assert (decisions[a.id].waitlist_position, decisions[d.id].waitlist_position) == (1, 2)
    assert call.state == CallState.decided
    # Nothing reaches the applicants: their applications are unchanged.
    assert {x.state for x in (a, b, c, d)} == {ApplicationState.under_review}
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "selection_result")) == 0


def test_fill_places_respects_the_cap_per_administration(db, reviewed_call, create_user):
    call, (a, b, c) = reviewed_call([[5, 5], [4, 4], [3, 3]], places=2, cap=1,
                                    administrations=["GE", "GE", "AM"])
    summary = services.fill_places_in_rank_order(call, actor=_coordinator(create_user), now=utcnow())
    outcomes = {x.application_id: x.outcome for x in db.session.scalars(sa.select(Decision))}
    assert outcomes == {a.id: Outcome.accepted, b.id: Outcome.waitlisted, c.id: Outcome.accepted}
    assert summary.skipped_for_cap == 1


def test_waitlist_length_sends_the_rest_to_not_selected(db, reviewed_call, create_user):
    call, apps = reviewed_call([[5], [4], [3], [2]], places=1)
    services.fill_places_in_rank_order(call, actor=_coordinator(create_user), now=utcnow(), waitlist_length=1)
    outcomes = [db.session.scalar(sa.select(Decision.outcome).where(Decision.application_id == a.id))
                for a in apps]
    assert outcomes == [Outcome.accepted, Outcome.waitlisted, Outcome.not_selected, Outcome.not_selected]


def test_a_decision_moved_on_the_waiting_list_renumbers_the_others(db, reviewed_call, create_user):
    call, (a, b, c, d) = reviewed_call([[5], [4], [3], [2]], places=1)
    coordinator = _coordinator(create_user)
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    services.decide(d, outcome=Outcome.waitlisted, note="Strong project", actor=coordinator, now=utcnow(),
                    waitlist_position=1)
    db.session.commit()
    positions = {x.application_id: x.waitlist_position for x in db.session.scalars(sa.select(Decision))}
    assert positions == {a.id: None, d.id: 1, b.id: 2, c.id: 3}
    services.decide(b, outcome=Outcome.not_selected, note="", actor=coordinator, now=utcnow())
    positions = {x.application_id: x.waitlist_position for x in db.session.scalars(sa.select(Decision))}
    assert positions == {a.id: None, d.id: 1, b.id: None, c.id: 2}


def test_a_stale_decision_is_refused(db, reviewed_call, create_user):
    call, (a,) = reviewed_call([[5]], places=1)
    coordinator = _coordinator(create_user)
    decision = services.decide(a, outcome=Outcome.accepted, note="", actor=coordinator, now=utcnow())
    seen = decision.version
    services.decide(a, outcome=Outcome.waitlisted, note="", actor=coordinator, now=utcnow(),
                    expected_version=seen)
    with pytest.raises(services.StaleDecision):
        services.decide(a, outcome=Outcome.not_selected, note="", actor=coordinator, now=utcnow(),
                        expected_version=seen)


def _decide_all(call, coordinator, **kw):
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow(), **kw)


def test_publication_is_refused_while_applications_are_undecided(db, reviewed_call, create_user):
    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    services.decide(a, outcome=Outcome.accepted, note="", actor=coordinator, now=utcnow())
    with pytest.raises(services.SelectionError):
        publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    assert call.state != CallState.published


def test_missing_reviews_need_a_reason_which_is_audited(db, reviewed_call, create_user):
    call, apps = reviewed_call([[5, 5], [4]], places=1, expected=2)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    with pytest.raises(services.SelectionError):
        publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14,
                             override_reason="The second reviewer fell ill")
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.published"))
    assert event.details["override_reason"] == "The second reviewer fell ill"
    assert event.details["missing_reviews"] == 1


def test_publication_notifies_everyone_once_in_their_language_and_makes_offers(
        db, reviewed_call, create_user, create_application):
    call, (a, b, c) = reviewed_call([[5], [4], [3]], places=1, languages=["ru", "en", "en"])
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator, waitlist_length=1)
    check = publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=10)
    db.session.commit()
    assert check.recipients == 3
    assert (a.state, b.state, c.state) == (ApplicationState.accepted, ApplicationState.waitlisted,
                                           ApplicationState.not_selected)
    offer = db.session.scalar(sa.select(Offer))
    assert offer.application_id == a.id and offer.state == OfferState.pending
    assert (offer.respond_by - offer.offered_at).days == 10
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "selection_result")
                                  .order_by(OutboxMessage.recipient)).all()
    by_recipient = {m.recipient: m for m in messages}
    assert len(messages) == 3
    assert "Вы отобраны" in by_recipient[a.applicant.email].subject
    assert "waiting list" in by_recipient[b.applicant.email].subject
    assert "number 1 on the waiting list" in by_recipient[b.applicant.email].body_text
    with pytest.raises(services.AlreadyPublished):
        publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=10)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                             .where(OutboxMessage.kind == "selection_result")) == 3


def test_a_decline_offers_the_place_to_the_next_and_a_second_decline_moves_further_down(
        db, reviewed_call, create_user):
    call, (a, b, c, d) = reviewed_call([[5], [4], [3], [2]], places=1)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=utcnow())
    db.session.commit()
    assert a.state == ApplicationState.declined and a.offer.state == OfferState.declined
    assert b.state == ApplicationState.accepted and b.offer.from_waitlist
    assert [c.decision.waitlist_position, d.decision.waitlist_position] == [1, 2]
    services.respond_to_offer(b.offer, accept=False, actor=b.applicant, now=utcnow())
    db.session.commit()
    assert c.state == ApplicationState.accepted and c.offer.state == OfferState.pending
    assert d.state == ApplicationState.waitlisted and d.decision.waitlist_position == 1
    kinds = db.session.scalars(sa.select(OutboxMessage.recipient).where(
        OutboxMessage.kind == "offer_from_waitlist").order_by(OutboxMessage.id)).all()
    assert kinds == [b.applicant.email, c.applicant.email]
    services.respond_to_offer(c.offer, accept=True, actor=c.applicant, now=utcnow())
    db.session.commit()
    assert d.state == ApplicationState.waitlisted and sum(services.held_places(call.id).values()) == 1
    with pytest.raises(services.SelectionError):
        services.respond_to_offer(c.offer, accept=False, actor=c.applicant, now=utcnow())


def test_a_freed_place_skips_a_waiting_applicant_over_the_cap(db, reviewed_call, create_user):
    call, (a, b, c, d) = reviewed_call([[5], [4], [3], [2]], places=2, cap=1,
                                       administrations=["GE", "AM", "AM", "TR"])
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=utcnow())
    db.session.commit()
    # AM already holds its one place (b), so the place goes to d, not to c.
    assert d.state == ApplicationState.accepted and c.state == ApplicationState.waitlisted


def test_an_expired_offer_goes_to_the_next_on_the_list(db, reviewed_call, create_user):
    from datetime import timedelta

    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=1)
    db.session.commit()
    later = utcnow() + timedelta(days=1, seconds=1)
    with pytest.raises(services.SelectionError):
        services.respond_to_offer(a.offer, accept=True, actor=a.applicant, now=later)
    db.session.rollback()
    assert services.expire_due_offers(later) == 1
    db.session.commit()
    assert a.offer.state == OfferState.expired and a.state == ApplicationState.declined
    assert b.state == ApplicationState.accepted
    kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds[-2:] == ["offer_expired", "offer_from_waitlist"]
    assert services.expire_due_offers(later) == 0


def test_a_change_after_publication_is_visible_and_audited(db, reviewed_call, create_user):
    call, (a, b, c) = reviewed_call([[5], [4], [3]], places=1)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator, waitlist_length=1)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    services.decide(c, outcome=Outcome.waitlisted, note="Reconsidered", actor=coordinator, now=utcnow())
    db.session.commit()
    assert c.state == ApplicationState.waitlisted and c.decision.waitlist_position == 2
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "decision.changed_after_publication"))
    assert event.details["previous"] == "not_selected" and event.details["outcome"] == "waitlisted"
    with pytest.raises(services.SelectionError):  # the only place is held by a's offer
        services.decide(b, outcome=Outcome.accepted, note="", actor=coordinator, now=utcnow())


def test_the_expiry_command_expires_due_offers(app, db, reviewed_call, create_user):
    from datetime import timedelta

    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    publication.publish_results(call, actor=coordinator, now=utcnow() - timedelta(days=2), response_days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["selection", "expire-offers"])
    assert result.exit_code == 0 and "offers: 1 expired" in result.output
    db.session.expire_all()
    assert a.offer.state == OfferState.expired and b.offer.state == OfferState.pending


def test_a_decision_made_meanwhile_by_another_coordinator_is_not_overwritten(db, reviewed_call, create_user):
    call, (a,) = reviewed_call([[5]], places=1)
    services.decide(a, outcome=Outcome.accepted, note="", actor=_coordinator(create_user), now=utcnow())
    with pytest.raises(services.StaleDecision):  # the second coordinator's page showed no decision
        services.decide(a, outcome=Outcome.not_selected, note="", actor=_coordinator(create_user), now=utcnow(),
                        expected_version=0)


def test_an_application_found_ineligible_after_its_decision_is_published_as_ineligible(
        db, reviewed_call, create_user):
    from portal.applications.services import screen_out

    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    _decide_all(call, coordinator)
    screen_out(a, actor=coordinator, reason="Not a customs officer", now=utcnow())
    services.decide(b, outcome=Outcome.accepted, note="", actor=coordinator, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    assert a.state == ApplicationState.screened_out and a.offer is None
    assert b.state == ApplicationState.accepted and b.offer is not None


# --- Who decided, and when (issue 11, item 3) ---------------------------------------------------

_BASE = utcnow().replace(microsecond=0) - timedelta(days=10)


def _moment(days=0):
    """Whole seconds, as every database keeps them, the same on every call."""
    return _BASE + timedelta(days=days)


def _events(action, application):
    return db_scalars(sa.select(AuditEvent).where(AuditEvent.action == action,
                                                  AuditEvent.object_type == "application",
                                                  AuditEvent.object_id == str(application.id)))


def db_scalars(query):
    from portal.extensions import db

    return db.session.scalars(query.order_by(AuditEvent.id)).all()


def test_places_filled_by_a_coordinator_are_decided_by_them_at_that_moment(db, reviewed_call, create_user):
    call, (a, b, c) = reviewed_call([[5], [4], [3]], places=1)
    coordinator = _coordinator(create_user)
    filled_at = _moment()
    services.fill_places_in_rank_order(call, actor=coordinator, now=filled_at, waitlist_length=1)
    db.session.commit()
    decisions = db.session.scalars(sa.select(Decision).order_by(Decision.application_id)).all()
    assert [(d.decided_by_id, d.decided_at) for d in decisions] == [(coordinator.id, filled_at)] * 3
    for application, outcome in ((a, "accepted"), (b, "waitlisted"), (c, "not_selected")):
        [event] = _events("decision.set", application)
        assert (event.actor_id, event.occurred_at, event.details["outcome"], event.details["filled"]) == (
            coordinator.id, filled_at, outcome, True)


def test_filling_again_keeps_the_author_of_a_decision_it_does_not_change(db, reviewed_call, create_user):
    call, (a, b) = reviewed_call([[5], [4]], places=1)
    first, second = _coordinator(create_user), _coordinator(create_user)
    services.fill_places_in_rank_order(call, actor=first, now=_moment())
    services.decide(b, outcome=Outcome.not_selected, note="", actor=first, now=_moment(1))
    services.fill_places_in_rank_order(call, actor=second, now=_moment(2), replace=True)
    db.session.commit()
    assert (a.decision.decided_by_id, a.decision.decided_at) == (first.id, _moment())
    assert (b.decision.decided_by_id, b.decision.decided_at) == (second.id, _moment(2))
    assert [e.actor_id for e in _events("decision.set", b)] == [first.id, first.id, second.id]


def test_a_place_offered_from_the_waiting_list_is_decided_by_the_system_when_it_is_offered(
        db, reviewed_call, create_user):
    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    services.fill_places_in_rank_order(call, actor=coordinator, now=_moment())
    publication.publish_results(call, actor=coordinator, now=_moment(1), response_days=14)
    db.session.commit()
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=_moment(2))
    db.session.commit()
    assert (b.decision.outcome, b.decision.decided_by_id, b.decision.decided_at) == (
        Outcome.accepted, None, _moment(2))
    [event] = _events("offer.made_from_waitlist", b)
    assert (event.actor_id, event.occurred_at) == (None, _moment(2))
    assert a.decision.decided_by_id == coordinator.id  # the declined selection stays the coordinator's


def test_a_coordinator_selecting_after_publication_is_the_author_of_the_offer(db, reviewed_call, create_user):
    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator, other = _coordinator(create_user), _coordinator(create_user)
    services.fill_places_in_rank_order(call, actor=coordinator, now=_moment(), waitlist_length=0)
    publication.publish_results(call, actor=coordinator, now=_moment(1), response_days=14)
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=_moment(2))
    services.decide(b, outcome=Outcome.accepted, note="", actor=other, now=_moment(3))
    db.session.commit()
    assert (b.decision.decided_by_id, b.decision.decided_at, b.offer.offered_at) == (other.id, _moment(3), _moment(3))
    [event] = _events("offer.made_from_waitlist", b)
    assert (event.actor_id, event.occurred_at) == (other.id, _moment(3))


# --- Confirmation only when something would be replaced (item 17) -------------------------------

def test_filling_needs_no_confirmation_when_no_decision_would_change(db, reviewed_call, create_user):
    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = _coordinator(create_user)
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())  # the same result again
    services.decide(b, outcome=Outcome.not_selected, note="Kept", actor=coordinator, now=utcnow())
    with pytest.raises(services.ConfirmationNeeded) as refused:
        services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    assert refused.value.count == 1
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow(), replace=True)
    assert (b.decision.outcome, b.decision.note) == (Outcome.waitlisted, "Kept")


# --- The coordinators are told of every answer to an offer (item 10) -----------------------------

def test_the_coordinators_are_told_of_an_answer_in_their_own_language(db, reviewed_call, create_user):
    call, (a, b, c) = reviewed_call([[5], [4], [3]], places=1)
    english, russian = create_user(roles=("coordinator",)), create_user(roles=("coordinator",), language="ru")
    create_user(roles=("coordinator",), verified=True).is_active_account = False
    services.fill_places_in_rank_order(call, actor=english, now=utcnow())
    publication.publish_results(call, actor=english, now=utcnow(), response_days=14)
    db.session.commit()
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=utcnow())
    services.respond_to_offer(b.offer, accept=True, actor=b.applicant, now=utcnow())
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "offer_answered")
                                  .order_by(OutboxMessage.id)).all()
    assert [(m.recipient, m.language) for m in messages] == [
        (english.email, "en"), (russian.email, "ru"), (english.email, "en"), (russian.email, "ru")]
    declined_en, declined_ru, accepted_en, accepted_ru = messages
    assert declined_en.subject == f"Offer of a fellowship place declined: {a.reference}"
    assert declined_ru.subject == f"Предложение об участии отклонено: {a.reference}"
    assert accepted_en.subject == f"Offer of a fellowship place accepted: {b.reference}"
    assert accepted_ru.subject == f"Предложение об участии принято: {b.reference}"
    assert f"The place has been offered to {b.applicant_name} ({b.reference}), the next on the waiting list." \
        in declined_en.body_text
    assert f"следующему в резервном списке: {b.applicant_name} ({b.reference})" in declined_ru.body_text
    assert f"/manage/calls/{call.id}/fellows" in accepted_ru.body_text
    assert f"/manage/calls/{call.id}/fellows" in accepted_ru.body_html
    assert "waiting list" not in accepted_en.body_text
