"""An append-only record of who did what, when and from where."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The acting user, if any; kept as a plain id so deleting a user keeps their trail.
    actor_id: so.Mapped[int | None] = so.mapped_column(index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    object_id: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    ip_address: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)
