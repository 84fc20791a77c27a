"""The rules of selecting: deciding, filling the places, offers (publishing: publication.py).

Before publication a decision is the coordinators' private working state: the application keeps
its state (submitted or under review), so nothing an applicant can see changes. Publication copies
every decision onto its application, makes an offer to each selected applicant and queues one
e-mail per applicant, all in one transaction that only one coordinator can win.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.applications.models import Application, ApplicationState
from portal.audit.models import AuditEvent
from portal.audit.services import audit_row, record_event
from portal.calls.models import Call, CallState
from portal.database import add_first_row
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.reviews.services import coordinators
from portal.selection.filling import Candidate, fill_places, next_offer
from portal.selection.models import Decision, Offer, OfferState, Outcome
from portal.selection.queries import POOL_STATES, decisions_by_application, ranking_table
from portal.urls import public_url

# Calls whose results can be decided and published: applications are no longer accepted.
DECIDABLE_CALL_STATES = (CallState.closed, CallState.in_review, CallState.decided, CallState.published)
UNPUBLISHED_DECIDABLE = (CallState.closed, CallState.in_review, CallState.decided)
# An offer not yet answered holds its place, as does an accepted one.
HOLDING_OFFER_STATES = (OfferState.pending, OfferState.accepted)
MAX_RESPONSE_DAYS = 90


class SelectionError(Exception):
    """A refused selection step; `message` is a lazy string for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class StaleDecision(SelectionError):
    def __init__(self):
        super().__init__(_l("Another coordinator changed this decision while you were editing it. "
                            "Their version is shown below; your note is kept in the form."))


class ConfirmationNeeded(SelectionError):
    """Filling the places would change `count` decisions already made: the coordinator confirms."""

    def __init__(self, count: int):
        super().__init__(lazy_ngettext(
            "Filling the places would replace %(num)d decision already made. Tick the box to confirm.",
            "Filling the places would replace %(num)d decisions already made. Tick the box to confirm.",
            count))
        self.count = count


class AlreadyPublished(SelectionError):
    def __init__(self):
        super().__init__(_l("The results of this call have already been published. "
                            "Nothing was sent again."))


def _check_decidable(call: Call) -> None:
    if call.state not in DECIDABLE_CALL_STATES:
        raise SelectionError(_l("Decisions can be made once the call has closed."))


def is_published(call: Call) -> bool:
    return call.state == CallState.published


def record_selection_event(action: str, *, now: datetime, actor=None, **details) -> None:
    """An audit event dated at the moment of the change it records (the moment given to the service)."""
    record_event(action, actor=actor, **details).occurred_at = now


# --- Decisions -----------------------------------------------------------------------------------

def decide(application: Application, *, outcome: Outcome, note: str, actor, now: datetime,
           expected_version: int | None = None, waitlist_position: int | None = None) -> Decision:
    """Set (or change) one application's decision. After publication the change is visible at once,
    audited as such, and a newly selected applicant receives an offer."""
    call = application.call
    _check_decidable(call)
    if application.state not in POOL_STATES:
        raise SelectionError(_l("Only submitted applications that are still in the competition "
                                "can be decided."))
    decision = application.decision
    # expected_version 0: the coordinator saw no decision, so one made meanwhile is not overwritten.
    if expected_version is not None and (decision.version if decision else 0) != expected_version:
        raise StaleDecision()
    published = is_published(call)
    if published and application.offer is not None and (decision is None or outcome != decision.outcome):
        raise SelectionError(_l("This applicant has been offered a place: the outcome now follows the "
                                "offer, which the applicant answers or lets expire."))
    if published and outcome == Outcome.accepted and application.offer is None:
        _check_free_place(call, application)
    previous = decision.outcome if decision else None
    values = {"outcome": outcome, "note": note.strip(), "decided_by_id": actor.id, "decided_at": now}
    decision = _save_decision(application, decision, values)
    _place_on_waitlist(call, decision, waitlist_position if outcome == Outcome.waitlisted else None)
    record_selection_event("decision.changed_after_publication" if published else "decision.set", actor=actor, now=now,
           obj=application, outcome=outcome.value, previous=previous.value if previous else None,
           note=decision.note)
    if published:
        _apply_after_publication(application, decision, actor=actor, now=now)
    else:
        _update_call_state(call)
    return decision


def _save_decision(application: Application, decision: Decision | None, values: dict) -> Decision:
    """Write the decision, or raise StaleDecision if another coordinator's was written meanwhile.

    Both coordinators may have read the same state (on PostgreSQL nothing holds the second back
    until it writes): the second's first decision then breaks the one-per-application rule, and
    its change of an existing one finds the version moved on. (The caller rolls back after it.)
    """
    if decision is None:
        decision = Decision(application_id=application.id, call_id=application.call_id, **values)
        if not add_first_row(db.session, decision, twin_exists=lambda: db.session.scalar(
                sa.select(Decision.id).where(Decision.application_id == application.id)) is not None):
            raise StaleDecision()
        # Both ends as loaded from the database, so that nothing is left to write (and count as a change).
        so.attributes.set_committed_value(application, "decision", decision)
        so.attributes.set_committed_value(decision, "application", application)
        return decision
    for name, value in values.items():
        setattr(decision, name, value)
    try:
        db.session.flush()
    except so.exc.StaleDataError:
        raise StaleDecision() from None
    return decision


def held_places(call_id: int) -> Counter:
    """Places held by an accepted or unanswered offer, per administration code."""
    return Counter(code or "" for code, in db.session.execute(
        sa.select(Application.administration_code).join(Offer, Offer.application_id == Application.id)
        .where(Offer.call_id == call_id, Offer.state.in_(HOLDING_OFFER_STATES))))


def _check_free_place(call: Call, application: Application) -> None:
    held = held_places(call.id)
    if sum(held.values()) >= call.places:
        raise SelectionError(_l("Every place is taken by an accepted or unanswered offer."))
    cap = call.cap_per_administration
    if cap is not None and held[application.administration_code or ""] >= cap:
        raise SelectionError(_l("This administration already holds as many places as the cap allows."))


def _place_on_waitlist(call: Call, decision: Decision, position: int | None) -> None:
    """Keep the waiting list numbered 1..n; a decision moved to `position` pushes the others down."""
    waiting = db.session.scalars(
        sa.select(Decision).where(Decision.call_id == call.id, Decision.outcome == Outcome.waitlisted,
                                  Decision.id != decision.id)
        .order_by(Decision.waitlist_position.nulls_last(), Decision.id)).all()
    if decision.outcome == Outcome.waitlisted:
        if position is None:
            position = decision.waitlist_position or len(waiting) + 1
        position = max(1, min(position, len(waiting) + 1))
        waiting.insert(position - 1, decision)
    else:
        decision.waitlist_position = None
    for number, item in enumerate(waiting, start=1):
        if item.waitlist_position != number:
            item.waitlist_position = number
    db.session.flush()


def _update_call_state(call: Call) -> None:
    """A call whose every application is decided is `decided`; otherwise it is back in review."""
    if call.state not in (CallState.in_review, CallState.decided, CallState.closed):
        return
    complete = undecided_count(call.id) == 0
    if complete and call.state != CallState.decided:
        call.state = CallState.decided
    elif not complete and call.state == CallState.decided:
        call.state = CallState.in_review


def undecided_count(call_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Application.id))
        .outerjoin(Decision, Decision.application_id == Application.id)
        .where(Application.call_id == call_id, Application.state.in_(POOL_STATES),
               Decision.id.is_(None))) or 0


def fill_places_in_rank_order(call: Call, *, actor, now: datetime, waitlist_length: int | None = None,
                              replace: bool = False) -> "FillSummary":
    """Decide every application of the pool from the ranking: places first (within the cap per
    administration), then the waiting list in rank order, then not selected. Notes are kept.

    Every decision it makes or changes is the actor's, at `now`, with an audit event of its own; one
    it leaves as it was keeps its author. Changing a decision already made needs `replace`, else
    ConfirmationNeeded is raised and nothing changes.
    """
    _check_decidable(call)
    if is_published(call):
        raise SelectionError(_l("The results are published: places are now filled through the offers "
                                "and the waiting list."))
    rows = ranking_table(call)
    candidates = [Candidate(r.application.id, r.application.administration_code or "") for r in rows]
    result = fill_places(candidates, call.places, call.cap_per_administration,
                         waitlist_length=waitlist_length)
    decisions = decisions_by_application(call.id)
    positions = {app_id: n for n, app_id in enumerate(result.waitlist, start=1)}
    outcomes = {**dict.fromkeys(result.accepted, Outcome.accepted),
                **dict.fromkeys(result.waitlist, Outcome.waitlisted),
                **dict.fromkeys(result.not_selected, Outcome.not_selected)}
    changed = {app_id: outcome for app_id, outcome in outcomes.items()
               if app_id not in decisions or (decisions[app_id].outcome, decisions[app_id].waitlist_position)
               != (outcome, positions.get(app_id))}
    replaced = sum(1 for app_id in changed if app_id in decisions)
    if replaced and not replace:
        raise ConfirmationNeeded(replaced)
    events = []
    for app_id, outcome in changed.items():
        decision = decisions.get(app_id)
        previous = decision.outcome.value if decision else None
        if decision is None:
            decision = Decision(application_id=app_id, call_id=call.id)
            db.session.add(decision)
        decision.outcome = outcome
        decision.waitlist_position = positions.get(app_id)
        decision.decided_by_id = actor.id
        decision.decided_at = now
        events.append({**audit_row("decision.set", actor=actor, object_type="application", object_id=str(app_id),
                                   outcome=outcome.value, previous=previous, filled=True), "occurred_at": now})
    db.session.flush()
    if events:
        db.session.execute(sa.insert(AuditEvent), events)
    record_selection_event("decision.filled_places", actor=actor, now=now, obj=call, accepted=len(result.accepted),
           waitlisted=len(result.waitlist), not_selected=len(result.not_selected),
           skipped_for_cap=len(result.skipped_for_cap), waitlist_length=waitlist_length)
    _update_call_state(call)
    return FillSummary(len(result.accepted), len(result.waitlist), len(result.not_selected),
                       len(result.skipped_for_cap))


@dataclass(frozen=True)
class FillSummary:
    accepted: int
    waitlisted: int
    not_selected: int
    skipped_for_cap: int


# --- Publication ---------------------------------------------------------------------------------

def _lock_call(call_id: int) -> Call:
    """Serialize offer changes of one call (PostgreSQL row lock; SQLite writes one at a time)."""
    return db.session.execute(
        sa.select(Call).where(Call.id == call_id).with_for_update()).scalar_one()


def respond_to_offer(offer: Offer, *, accept: bool, actor, now: datetime) -> Offer | None:
    """The applicant accepts or declines; a decline offers the place to the next on the waiting list.
    Every coordinator is sent an e-mail about the answer. Returns the offer made to the next
    applicant, if any."""
    call = _lock_call(offer.call_id)
    db.session.refresh(offer)
    if offer.state != OfferState.pending:
        raise SelectionError(_l("You have already answered this offer."))
    if now >= offer.respond_by:
        raise SelectionError(_l("The time to answer this offer has passed."))
    offer.state = OfferState.accepted if accept else OfferState.declined
    offer.responded_at = now
    record_selection_event("offer.accepted" if accept else "offer.declined", actor=actor, now=now,
                           obj=offer.application)
    following = None
    if not accept:
        offer.application.state = ApplicationState.declined
    db.session.flush()
    if not accept:
        following = offer_free_places(call, now=now)
    _tell_coordinators_of_the_answer(offer, following)
    return following


def offer_answer_subject(offer: Offer):
    reference = offer.application.reference
    if offer.state == OfferState.accepted:
        return _l("Offer of a fellowship place accepted: %(reference)s", reference=reference)
    return _l("Offer of a fellowship place declined: %(reference)s", reference=reference)


def _tell_coordinators_of_the_answer(offer: Offer, following: Offer | None) -> None:
    """One e-mail to each coordinator, in their own language: the answer, and who is offered the
    place a decline freed."""
    application = offer.application
    for coordinator in coordinators():
        queue_email(kind="offer_answered", recipient=coordinator.email, language=coordinator.preferred_language,
                    subject=offer_answer_subject(offer), user=coordinator, application=application,
                    call=application.call, offer=offer, accepted=offer.state == OfferState.accepted,
                    following=following.application if following else None,
                    link=public_url("selection.fellows", call_id=application.call_id))


def expire_due_offers(now: datetime, call_id: int | None = None) -> int:
    """Expire the unanswered offers past their deadline and offer their places on. Returns the count."""
    query = sa.select(Offer.id, Offer.call_id).where(Offer.state == OfferState.pending, Offer.respond_by <= now)
    if call_id is not None:
        query = query.where(Offer.call_id == call_id)
    due = db.session.execute(query.order_by(Offer.respond_by)).all()
    expired = 0
    for offer_id, offer_call_id in due:
        call = _lock_call(offer_call_id)
        offer = db.session.get(Offer, offer_id, populate_existing=True)
        if offer.state != OfferState.pending:
            continue
        offer.state = OfferState.expired
        offer.application.state = ApplicationState.declined
        record_selection_event("offer.expired", now=now, obj=offer.application)
        applicant = offer.application.applicant
        queue_email(kind="offer_expired", recipient=applicant.email, language=applicant.preferred_language,
                    subject=_l("Your fellowship offer has expired"), user=applicant,
                    application=offer.application, call=call, offer=offer)
        db.session.flush()
        offer_free_places(call, now=now)
        expired += 1
    return expired


def offer_free_places(call: Call, *, now: datetime) -> Offer | None:
    """Offer every free place to the next on the waiting list (within the cap), as decisions of the
    system at `now`. Returns the last offer."""
    held = held_places(call.id)
    waiting = db.session.execute(
        sa.select(Decision, Application.administration_code)
        .join(Application, Decision.application_id == Application.id)
        .where(Decision.call_id == call.id, Decision.outcome == Outcome.waitlisted,
               Application.state == ApplicationState.waitlisted)
        .order_by(Decision.waitlist_position, Decision.id)).all()
    decisions = {d.application_id: d for d, _ in waiting}
    candidates = [Candidate(d.application_id, code or "") for d, code in waiting]
    made = None
    while sum(held.values()) < call.places:
        app_id = next_offer(candidates, held, call.cap_per_administration)
        if app_id is None:
            break
        candidates = [c for c in candidates if c.application_id != app_id]
        made = _offer_from_waitlist(call, decisions[app_id], actor=None, now=now)
        held[made.application.administration_code or ""] += 1
    return made


def _offer_from_waitlist(call: Call, decision: Decision, *, actor, now: datetime) -> Offer:
    """Select `decision`'s applicant after publication and offer them a place: a decision of `actor`
    (a coordinator, or None for the system promoting the next on the waiting list) made at `now`."""
    application = decision.application
    application.state = ApplicationState.accepted
    decision.outcome = Outcome.accepted
    decision.decided_by_id = actor.id if actor else None
    decision.decided_at = now
    offer = Offer(application=application, call_id=call.id, from_waitlist=True, offered_at=now,
                  respond_by=now + timedelta(days=call.offer_response_days))
    db.session.add(offer)
    db.session.flush()
    _place_on_waitlist(call, decision, None)
    record_selection_event("offer.made_from_waitlist", actor=actor, now=now, obj=application)
    applicant = application.applicant
    queue_email(kind="offer_from_waitlist", recipient=applicant.email, language=applicant.preferred_language,
                subject=_l("A fellowship place is offered to you: %(reference)s",
                           reference=application.reference),
                user=applicant, application=application, call=call, offer=offer,
                application_url=public_url("applications.view_application", application_id=application.id))
    return offer


def _apply_after_publication(application: Application, decision: Decision, *, actor, now: datetime) -> None:
    """A decision changed after publication is visible at once; a new selection gets its offer."""
    if decision.outcome == Outcome.accepted and application.offer is None:
        _offer_from_waitlist(application.call, decision, actor=actor, now=now)
    else:
        application.state = ApplicationState(decision.outcome.value)
    db.session.flush()
