"""The privacy notice in force and a person's acceptance of it.

The notice's pages live in portal/privacy (last in the domain's order); registration, here,
only needs to know which version it asks to accept and to record that it was.
"""

from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import PrivacyNotice, User
from portal.audit.services import record_event
from portal.extensions import db


def notice_in_force() -> PrivacyNotice | None:
    """The published version with the highest number, or None before any is published."""
    return db.session.scalar(
        sa.select(PrivacyNotice).where(PrivacyNotice.published_at.is_not(None))
        .order_by(PrivacyNotice.version.desc()).limit(1))


def version_in_force() -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(PrivacyNotice.version))
        .where(PrivacyNotice.published_at.is_not(None)))


def record_acceptance(user: User, version: int, *, now: datetime) -> None:
    """The user accepted `version` at `now` (audited)."""
    user.privacy_version = version
    user.privacy_accepted_at = now
    record_event("privacy.accepted", actor=user, obj=user, version=version)
