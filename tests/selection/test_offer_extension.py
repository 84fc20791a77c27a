"""One offer's answer deadline extended with a reason: held to the second, audited, e-mailed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls.moments import utc_to_local
from portal.database import utcnow
from portal.notifications.models import OutboxMessage
from portal.selection import publication, services
from portal.selection.models import OfferState
from portal.selection.offer_extension import StaleOffer, extend_offer


def _published_offer(reviewed_call, create_user, db, language="en"):
    call, (selected, waiting) = reviewed_call([[5], [4]], places=1, languages=[language, "en"])
    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow(), waitlist_length=1)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=7)
    db.session.commit()
    return selected.offer, waiting, coordinator


def test_extended_offer_is_answered_one_second_before_its_new_deadline(
        db, reviewed_call, create_user):
    offer, _waiting, coordinator = _published_offer(reviewed_call, create_user, db)
    old, new = offer.respond_by, offer.respond_by + timedelta(days=3)
    extend_offer(offer, respond_by=new, reason="Passport renewal", actor=coordinator,
                 now=utcnow(), expected_respond_by=old)
    db.session.commit()
    assert (offer.respond_by, offer.extension_reason) == (new, "Passport renewal")
    assert services.expire_due_offers(old + timedelta(seconds=1)) == 0
    with pytest.raises(services.SelectionError):
        services.respond_to_offer(offer, accept=True, actor=offer.application.applicant, now=new)
    db.session.rollback()
    services.respond_to_offer(offer, accept=True, actor=offer.application.applicant,
                              now=new - timedelta(seconds=1))
    assert offer.state == OfferState.accepted


def test_extended_offer_expires_at_its_new_deadline(db, reviewed_call, create_user):
    offer, waiting, coordinator = _published_offer(reviewed_call, create_user, db)
    new = offer.respond_by + timedelta(days=3)
    extend_offer(offer, respond_by=new, reason="Passport renewal", actor=coordinator,
                 now=utcnow())
    db.session.commit()
    assert services.expire_due_offers(new - timedelta(seconds=1)) == 0
    assert services.expire_due_offers(new) == 1
    assert (offer.state, waiting.offer.state) == (OfferState.expired, OfferState.pending)


def test_extension_is_audited_and_told_to_the_applicant_in_their_language(
        db, reviewed_call, create_user):
    offer, _waiting, coordinator = _published_offer(reviewed_call, create_user, db, "ru")
    old, new = offer.respond_by, offer.respond_by + timedelta(days=3)
    extend_offer(offer, respond_by=new, reason="Passport renewal", actor=coordinator,
                 now=utcnow())
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "offer.extended"))
    assert (event.actor_id, event.details["reason"], event.details["respond_by"],
            event.details["previous_respond_by"]) == (
        coordinator.id, "Passport renewal", new.isoformat(), old.isoformat())
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "offer_extended"))
    assert (mail.recipient, mail.language) == (offer.application.applicant.email, "ru")


@pytest.mark.parametrize("days, reason", [(-1, "Late"), (0, "Late"), (3, " ")])
def test_extension_refused(db, reviewed_call, create_user, days, reason):
    offer, _waiting, coordinator = _published_offer(reviewed_call, create_user, db)
    old = offer.respond_by
    with pytest.raises(services.SelectionError):
        extend_offer(offer, respond_by=old + timedelta(days=days), reason=reason,
                     actor=coordinator, now=utcnow())
    db.session.rollback()
    assert (offer.respond_by, offer.extension_reason) == (old, "")


def test_answered_or_changed_offer_is_not_extended(db, reviewed_call, create_user):
    offer, _waiting, coordinator = _published_offer(reviewed_call, create_user, db)
    old = offer.respond_by
    with pytest.raises(StaleOffer):
        extend_offer(offer, respond_by=old + timedelta(days=3), reason="Visa",
                     actor=coordinator, now=utcnow(), expected_respond_by=old - timedelta(days=1))
    services.respond_to_offer(offer, accept=True, actor=offer.application.applicant, now=utcnow())
    db.session.commit()
    with pytest.raises(services.SelectionError):
        extend_offer(offer, respond_by=old + timedelta(days=3), reason="Visa",
                     actor=coordinator, now=utcnow())


def test_coordinator_extends_an_offer_from_the_fellows_page(
        db, client, forms, login_as, reviewed_call, create_user):
    offer, _waiting, coordinator = _published_offer(reviewed_call, create_user, db)
    application, call = offer.application, offer.application.call
    login_as(coordinator)
    url = f"/manage/applications/{application.id}/offer/extend"
    assert url in client.get(f"/manage/calls/{call.id}/fellows").get_data(as_text=True)
    new = (offer.respond_by + timedelta(days=2)).replace(microsecond=0)
    local = utc_to_local(new, call.time_zone).strftime("%Y-%m-%dT%H:%M:%S")
    response = forms.post(url, {"respond_by": local, "reason": "Visa appointment",
                                "expected": offer.respond_by.isoformat()}, page=url)
    assert response.headers["Location"] == f"/manage/calls/{call.id}/fellows"
    db.session.refresh(offer)
    assert (offer.respond_by, offer.extension_reason) == (new, "Visa appointment")
    stale = forms.post(url, {"respond_by": local, "reason": "Again",
                             "expected": (new - timedelta(days=2)).isoformat()}, page=url)
    assert "The offer changed after you opened this page" in stale.get_data(as_text=True)
