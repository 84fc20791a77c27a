"""Decisions on applications and the offers of places that follow publication."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class Outcome(enum.StrEnum):
    accepted = "accepted"
    waitlisted = "waitlisted"
    not_selected = "not_selected"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.accepted: _l("Selected"),
    Outcome.waitlisted: _l("Waiting list"),
    Outcome.not_selected: _l("Not selected"),
}


class Decision(db.Model):
    """The coordinators' outcome for one application: invisible to the applicant until the
    call's results are published (then copied onto the application's state)."""

    __tablename__ = "decision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"), index=True)
    outcome: so.Mapped[Outcome] = so.mapped_column(sa.Enum(Outcome, native_enum=False, length=16))
    # 1, 2, ... for waitlisted applications: the order in which freed places are offered.
    waitlist_position: so.Mapped[int | None] = so.mapped_column()
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Two coordinators deciding on the same application cannot overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    application: so.Mapped["Application"] = so.relationship(  # noqa: F821
        backref=so.backref("decision", uselist=False))
    decided_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}


class OfferState(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"

    @property
    def label(self) -> str:
        return str(OFFER_STATE_LABELS[self])


OFFER_STATE_LABELS = {
    OfferState.pending: _l("Awaiting an answer"),
    OfferState.accepted: _l("Accepted"),
    OfferState.declined: _l("Declined"),
    OfferState.expired: _l("Expired"),
}


class Offer(db.Model):
    """A fellowship place offered to a selected applicant, to accept or decline by a deadline."""

    __tablename__ = "offer"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"), index=True)
    state: so.Mapped[OfferState] = so.mapped_column(
        sa.Enum(OfferState, native_enum=False, length=16), default=OfferState.pending, index=True)
    # Whether the place came free and was offered from the waiting list after publication.
    from_waitlist: so.Mapped[bool] = so.mapped_column(default=False)
    offered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    respond_by: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)
    responded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Why a coordinator gave this one offer a later answer deadline (empty: never extended).
    extension_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    application: so.Mapped["Application"] = so.relationship(  # noqa: F821
        backref=so.backref("offer", uselist=False))


class CallRanking(db.Model):
    """A call's ranking as last computed (portal/selection/queries.py), shared by every worker
    and host: whoever finds it stale (its fingerprint no longer the call's) computes it once and
    writes it here, and everyone else reads it."""

    __tablename__ = "call_ranking"

    call_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("call.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(200))
    # The ranked scores, one JSON object per application in ranking order.
    rows: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    computed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
