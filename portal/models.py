"""Imports every model, so that Alembic and create_all see the whole schema."""

from portal.accounts.models import Role, User, UserRole
from portal.administrations.models import Administration
from portal.audit.models import AuditEvent
from portal.notifications.models import OutboxMessage, OutboxStatus

__all__ = ["Administration", "AuditEvent", "OutboxMessage", "OutboxStatus", "Role", "User",
           "UserRole"]
