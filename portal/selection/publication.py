"""Publishing a call's results: the check before it, the one transaction that copies every
decision onto its application, makes the offers and queues one e-mail per applicant, and the
previews of those e-mails in each language."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.applications.models import Application, ApplicationState
from portal.audit.services import record_event
from portal.calls.models import Call, CallState
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.selection.models import Decision, Offer, Outcome
from portal.selection.queries import POOL_STATES, decisions_by_application, ranking_table
from portal.selection.services import (
    MAX_RESPONSE_DAYS,
    UNPUBLISHED_DECIDABLE,
    AlreadyPublished,
    SelectionError,
)
from portal.urls import public_url


@dataclass
class PublicationCheck:
    outcomes: Counter = field(default_factory=Counter)  # Outcome -> count
    undecided: int = 0
    missing_reviews: int = 0
    screened_out: int = 0
    places: int = 0
    over_cap: list[str] = field(default_factory=list)  # administrations above the cap

    @property
    def blocking(self) -> bool:
        """Undecided applications or too many selected: publication is refused outright."""
        return self.undecided > 0 or self.outcomes[Outcome.accepted] > self.places or bool(self.over_cap)

    @property
    def needs_override(self) -> bool:
        return self.missing_reviews > 0

    @property
    def recipients(self) -> int:
        return sum(self.outcomes.values()) + self.screened_out


def publication_check(call: Call, rows=None) -> PublicationCheck:
    """What publishing now would announce, and what stands in its way (rows: a ranking_table)."""
    rows = ranking_table(call) if rows is None else rows
    check = PublicationCheck(places=call.places)
    held: Counter[str] = Counter()
    for row in rows:
        if row.decision is None:
            check.undecided += 1
        else:
            check.outcomes[row.decision.outcome] += 1
            if row.decision.outcome == Outcome.accepted:
                held[row.application.administration_code or ""] += 1
        if row.score.missing_reviews:
            check.missing_reviews += 1
    cap = call.cap_per_administration
    check.over_cap = sorted(code for code, n in held.items() if cap is not None and n > cap)
    check.screened_out = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.call_id == call.id, Application.state == ApplicationState.screened_out)) or 0
    return check


def publish_results(call: Call, *, actor, now: datetime, response_days: int,
                    override_reason: str = "") -> PublicationCheck:
    """Publish the call's results: one winner even when two coordinators press at once.

    The conditional UPDATE of the call's state is the gate: the transaction that changes it goes on
    to notify; any other finds no row to change and raises AlreadyPublished, sending nothing.
    """
    if call.state == CallState.published:
        raise AlreadyPublished()
    if call.state not in UNPUBLISHED_DECIDABLE:
        raise SelectionError(_l("Results can be published once the call has closed."))
    if not 1 <= response_days <= MAX_RESPONSE_DAYS:
        raise SelectionError(_l("The time to answer an offer must be between 1 and %(max)d days.",
                                max=MAX_RESPONSE_DAYS))
    check = publication_check(call)
    if check.blocking:
        raise SelectionError(_l("Publication is refused until every application has a decision and "
                                "the selected fit the places and the cap per administration."))
    if check.needs_override and not override_reason.strip():
        raise SelectionError(_l("Some applications are missing reviews. To publish anyway, give the "
                                "reason; it is recorded in the audit log."))
    won = db.session.execute(
        sa.update(Call)
        .where(Call.id == call.id, Call.state.in_(UNPUBLISHED_DECIDABLE))
        .values(state=CallState.published, published_at=now, published_by_id=actor.id,
                offer_response_days=response_days, version=Call.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        raise AlreadyPublished()  # the caller rolls back: another coordinator has just published
    db.session.refresh(call)
    respond_by = now + timedelta(days=response_days)
    applications = db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call.id,
               Application.state.in_((*POOL_STATES, ApplicationState.screened_out)))
        .options(so.joinedload(Application.applicant), so.lazyload(Application.call), so.lazyload(Application.sections),
                 so.lazyload(Application.documents))).all()
    decisions = decisions_by_application(call.id)
    for application in applications:
        # A decision made before the application was found ineligible no longer applies.
        decision = None if application.state == ApplicationState.screened_out else decisions.get(application.id)
        offer = None
        if decision is not None:
            application.state = ApplicationState(decision.outcome.value)
            if decision.outcome == Outcome.accepted:
                offer = Offer(application=application, call_id=call.id, offered_at=now, respond_by=respond_by)
                db.session.add(offer)
        _queue_result_email(application, decision, offer)
    db.session.flush()
    record_event("call.published", actor=actor, obj=call, response_days=response_days,
                 override_reason=override_reason.strip() or None,
                 missing_reviews=check.missing_reviews,
                 **{outcome.value: check.outcomes[outcome] for outcome in Outcome},
                 screened_out=check.screened_out).occurred_at = now
    return check


RESULT_OUTCOMES = (ApplicationState.accepted, ApplicationState.waitlisted, ApplicationState.not_selected,
                   ApplicationState.screened_out)


def result_subject(state: ApplicationState, reference: str):
    if state == ApplicationState.accepted:
        return _l("You have been selected for the fellowship: %(reference)s", reference=reference)
    if state == ApplicationState.waitlisted:
        return _l("You are on the waiting list for the fellowship: %(reference)s", reference=reference)
    return _l("The result of your fellowship application %(reference)s", reference=reference)


def _queue_result_email(application: Application, decision: Decision | None, offer: Offer | None) -> None:
    applicant = application.applicant
    queue_email(
        kind="selection_result", recipient=applicant.email, language=applicant.preferred_language,
        subject=result_subject(application.state, application.reference),
        **result_email_context(application, decision, offer, applicant))


def result_email_context(application, decision, offer, user) -> dict:
    return dict(user=user, application=application, call=application.call, outcome=application.state.value,
                waitlist_position=decision.waitlist_position if decision else None, offer=offer,
                screening_reason=application.screening_reason_in(user.preferred_language),
                application_url=public_url("applications.view_application", application_id=application.id))


def preview_result_emails(call: Call, language: str, *, response_days: int, now: datetime) -> list[dict]:
    """The notification of each outcome as the applicants will receive it, in `language`, rendered
    with a sample application of the call (or placeholders), without queueing anything."""
    from flask import render_template
    from flask_babel import force_locale

    from portal.accounts.models import User

    sample = db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.reference.is_not(None))
        .order_by(Application.id).limit(1)).first()
    # Placeholders in the language of the preview (and the reason in both, as coordinators give it).
    with force_locale(language):
        placeholder_name = str(_l("Applicant's name"))
    reasons = {}
    for reason_language in ("en", "ru"):
        with force_locale(reason_language):
            reasons[reason_language] = str(_l("The reason given when the application was marked ineligible."))
    user = User(full_name=placeholder_name if sample is None else sample.applicant.full_name,
                native_name=None if sample is None else sample.applicant.native_name,
                email="applicant@example.org", preferred_language=language,
                time_zone=sample.applicant.time_zone if sample else call.time_zone)
    previews = []
    for state in RESULT_OUTCOMES:
        application = Application(id=sample.id if sample else 0, call=call, state=state,
                                  reference=sample.reference if sample else "FEL-0000-0000",
                                  screening_reason=reasons["en"], screening_reason_ru=reasons["ru"])
        offer = Offer(respond_by=now + timedelta(days=response_days)) if state == ApplicationState.accepted else None
        decision = Decision(waitlist_position=1) if state == ApplicationState.waitlisted else None
        context = result_email_context(application, decision, offer, user)
        with force_locale(language):
            subject = str(result_subject(state, application.reference))
            body = render_template("notifications/email/selection_result.txt", **context)
        previews.append({"outcome": state, "subject": subject, "body": body})
    return previews


# --- Offers --------------------------------------------------------------------------------------
