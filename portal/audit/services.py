"""Writing audit events."""

import sqlalchemy as sa
from flask import has_request_context, request

from portal.audit.models import AuditEvent
from portal.extensions import db


def record_event(action: str, *, actor=None, obj=None, object_type: str = "",
                 object_id: str = "", **details) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's transaction)."""
    event = AuditEvent(**audit_row(action, actor=actor, obj=obj, object_type=object_type,
                                   object_id=object_id, **details))
    db.session.add(event)
    return event


def audit_row(action: str, *, actor=None, obj=None, object_type: str = "", object_id: str = "",
              **details) -> dict:
    """An audit event's columns, for record_event or for a caller inserting thousands at once."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id or str(sa.inspect(obj).identity[0] if sa.inspect(obj).identity else "")
    return {"action": action, "actor_id": getattr(actor, "id", None), "object_type": object_type,
            "object_id": str(object_id),
            "ip_address": request.remote_addr or "" if has_request_context() else "",
            "details": {k: v for k, v in details.items() if v is not None}}


def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit events are append-only")


sa.event.listen(AuditEvent, "before_update", _refuse_change)
sa.event.listen(AuditEvent, "before_delete", _refuse_change)
