"""One offer's answer deadline moved later by a coordinator, with a reason.

`Offer.respond_by` moves (what the applicant reads, what `respond_to_offer` and
`expire_due_offers` hold them to); the reason stays in `Offer.extension_reason` and the audit log.
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.calls.models import Call
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.selection.models import Offer, OfferState
from portal.selection.services import SelectionError, record_selection_event
from portal.urls import public_url

MAX_REASON_LENGTH = 2000


class StaleOffer(SelectionError):
    def __init__(self):
        super().__init__(_l("The offer changed after you opened this page (answered, expired or "
                            "extended by someone else). Nothing was saved: read it again."))


def extend_offer(offer: Offer, *, respond_by: datetime, reason: str, actor, now: datetime,
                 expected_respond_by: datetime | None = None) -> None:
    """Give the applicant until `respond_by` to answer the pending offer. Refused (SelectionError)
    for an answered or expired offer, a moment not later than both the current deadline and
    now, or no reason; StaleOffer when the offer's deadline is no longer the one the form was
    loaded with. The applicant is told by e-mail in their language. Audited. Flushes."""
    reason = (reason or "").strip()
    # Answers, expiries and extensions of a call's offers one at a time (PostgreSQL row lock).
    db.session.execute(sa.select(Call.id).where(Call.id == offer.call_id).with_for_update())
    db.session.refresh(offer)
    previous = offer.respond_by
    if expected_respond_by is not None and previous != expected_respond_by:
        raise StaleOffer()
    if offer.state != OfferState.pending:
        raise SelectionError(_l("Only an offer still waiting for its answer can be extended."))
    if not reason:
        raise SelectionError(_l("Give the reason for the extension."))
    if len(reason) > MAX_REASON_LENGTH:
        raise SelectionError(_l("The reason is too long."))
    if respond_by <= previous or respond_by <= now:
        raise SelectionError(_l("The new answer deadline must be later than the current one "
                                "and in the future."))
    offer.respond_by, offer.extension_reason = respond_by, reason
    record_selection_event("offer.extended", actor=actor, now=now, obj=offer.application,
                           respond_by=respond_by.isoformat(),
                           previous_respond_by=previous.isoformat(), reason=reason)
    applicant = offer.application.applicant
    queue_email(kind="offer_extended", recipient=applicant.email,
                language=applicant.preferred_language,
                subject=_l("More time to answer your fellowship offer"), user=applicant,
                application=offer.application, call=offer.application.call, offer=offer,
                offer_url=public_url("selection.respond_to_offer",
                                     application_id=offer.application_id))
