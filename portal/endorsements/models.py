"""An application's endorsement by its administration, and the administration's priority."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class EndorsementState(enum.StrEnum):
    requested = "requested"  # the focal points were asked; nobody has acted yet
    endorsed = "endorsed"
    declined = "declined"

    @property
    def label(self) -> str:
        return str(ENDORSEMENT_STATE_LABELS[self])


ENDORSEMENT_STATE_LABELS = {
    EndorsementState.requested: _l("Awaiting endorsement"),
    EndorsementState.endorsed: _l("Endorsed"),
    EndorsementState.declined: _l("Endorsement declined"),
}


class Endorsement(db.Model):
    """One application's endorsement: asked of its administration's focal points when the
    application is submitted (or earlier, where the call allows), then endorsed or declined by
    one of them before the call's endorsement deadline.

    `priority` orders an administration's endorsed candidates in a call (1 first); the letter
    is a PDF kept in storage under `letter_key`, never shown to reviewers.
    """

    __tablename__ = "endorsement"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    # Copies of the application's, for the focal point's and coordinators' lists.
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id"), index=True)
    administration_code: so.Mapped[str] = so.mapped_column(sa.ForeignKey("administration.code"))
    state: so.Mapped[EndorsementState] = so.mapped_column(
        sa.Enum(EndorsementState, native_enum=False, length=16),
        default=EndorsementState.requested, index=True)
    statement: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    priority: so.Mapped[int | None] = so.mapped_column()
    letter_key: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    letter_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    letter_size: so.Mapped[int | None] = so.mapped_column()
    letter_sha256: so.Mapped[str] = so.mapped_column(sa.String(64), default="")

    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow,
                                                       onupdate=utcnow)
    # Optimistic locking: two focal points acting on one candidate cannot overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    application: so.Mapped["Application"] = so.relationship()  # noqa: F821
    decided_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_endorsement_call_administration", "call_id", "administration_code",
                 "state", "priority"),
    )

    def __repr__(self) -> str:
        return f"<Endorsement {self.application_id} {self.state}>"
