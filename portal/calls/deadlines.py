"""Each applicant's deadline: the call's, or a later one a coordinator gave them (an extension).

The server holds an applicant to `deadline_for` to the second wherever they start, change,
upload or submit (`accepts_from`); every page that shows them the call's deadline shows theirs.
An extended applicant may go on after the call has closed (also when `flask calls close-due`
moved it to closed), until the call goes to review.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.audit.services import record_event
from portal.calls.models import Call, CallState, DeadlineExtension
from portal.extensions import db

# The states in which an extended applicant may still work: once reviewing starts, nobody.
EXTENSIBLE_STATES = (CallState.open, CallState.closed)
MAX_REASON_LENGTH = 2000


class ExtensionError(Exception):
    """A rule of extensions was broken; `message` (lazy, localized) says which."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class StaleExtension(ExtensionError):
    """Someone else set, changed or removed the extension since this form was loaded."""

    def __init__(self):
        super().__init__(_l("Someone else changed this extension after you opened the page. "
                            "Nothing was saved: read it again and decide."))


def _user_id(user) -> int | None:
    """A user's id (a user, an id, or None and anonymous visitors: no id)."""
    return user if isinstance(user, int) or user is None else getattr(user, "id", None)


def extension_of(call: Call, user) -> DeadlineExtension | None:
    """The applicant's extension of the call, if any (`user`: a user or a user's id)."""
    user_id = _user_id(user)
    if user_id is None:
        return None
    return db.session.scalar(sa.select(DeadlineExtension).where(
        DeadlineExtension.call_id == call.id, DeadlineExtension.user_id == user_id))


def _later(call_deadline: datetime | None, extension: DeadlineExtension | None) -> datetime | None:
    """The applicant's deadline: an extension never moves it earlier than the call's."""
    if extension is None or call_deadline is None:
        return call_deadline
    return max(call_deadline, extension.closes_at)


def deadline_for(call: Call, user) -> datetime | None:
    """The moment the applicant's time runs out: their extension, or the call's `closes_at`."""
    return _later(call.closes_at, extension_of(call, user))


def extended_until(call: Call, user) -> datetime | None:
    """The applicant's extended deadline when it is later than the call's, else None."""
    extension = extension_of(call, user)
    deadline = _later(call.closes_at, extension)
    return deadline if extension is not None and deadline != call.closes_at else None


def extensions_for(calls: Iterable[Call], user) -> dict[int, DeadlineExtension]:
    """The user's extensions of these calls, by call id, in one query (for the dashboard)."""
    ids, user_id = [call.id for call in calls], _user_id(user)
    if not ids or user_id is None:
        return {}
    return {extension.call_id: extension for extension in db.session.scalars(
        sa.select(DeadlineExtension).where(DeadlineExtension.user_id == user_id,
                                           DeadlineExtension.call_id.in_(ids)))}


def deadlines_for(calls: Iterable[Call], user) -> dict[int, datetime | None]:
    """Each call's deadline for the user, by call id, in one query."""
    calls = list(calls)
    extensions = extensions_for(calls, user)
    return {call.id: _later(call.closes_at, extensions.get(call.id)) for call in calls}


def call_extensions(call_id: int, user_ids: Iterable[int] | None = None) -> dict[int, DeadlineExtension]:
    """The call's extensions by user id (only these users' when given), in one query."""
    query = sa.select(DeadlineExtension).where(DeadlineExtension.call_id == call_id)
    if user_ids is not None:
        query = query.where(DeadlineExtension.user_id.in_(list(user_ids)))
    return {extension.user_id: extension for extension in db.session.scalars(query)}


def accepts_from(call: Call, user, now: datetime, extension=False) -> bool:
    """Whether the applicant may start, change, upload or submit at `now`: while the call is
    open and before its deadline, or, with an extension, from the opening until the extension's
    moment (to the second: at the moment itself, no longer) while the call is open or closed.
    `extension` may pass the applicant's extension (or None) when already read."""
    if call.is_open_at(now):
        return True
    if extension is False:
        extension = extension_of(call, user)
    if extension is None or call.state not in EXTENSIBLE_STATES or call.opens_at is None:
        return False
    deadline = _later(call.closes_at, extension)
    return call.opens_at <= now < deadline


def set_extension(call: Call, user, *, closes_at: datetime, reason: str, actor, now: datetime,
                  expected_version: int | None) -> DeadlineExtension:
    """Give the applicant a later deadline, or change the one they have (`expected_version`:
    the version read with the form, None when there was none). Raises ExtensionError (a
    moment not after the call's deadline or already past, no reason, the call in review) or
    StaleExtension. Audited. Flushes."""
    reason = (reason or "").strip()
    _check(call, closes_at=closes_at, reason=reason, now=now)
    extension = extension_of(call, user)
    if (extension.version if extension is not None else None) != expected_version:
        raise StaleExtension()
    previous = extension.closes_at if extension is not None else None
    if extension is None:
        extension = DeadlineExtension(call_id=call.id, user_id=user.id, created_at=now,
                                      created_by_id=actor.id if actor else None)
        db.session.add(extension)
    extension.closes_at, extension.reason = closes_at, reason
    try:
        db.session.flush()
    except (so.exc.StaleDataError, sa.exc.IntegrityError) as exc:
        raise StaleExtension() from exc
    record_event("deadline_extension.changed" if previous else "deadline_extension.set",
                 actor=actor, obj=call, user=user.id, closes_at=closes_at.isoformat(),
                 previous_closes_at=previous.isoformat() if previous else None, reason=reason)
    return extension


def remove_extension(call: Call, user, *, reason: str, actor, expected_version: int) -> None:
    """The applicant is held to the call's deadline again. Raises ExtensionError (no reason) or
    StaleExtension. Audited. Flushes."""
    reason = (reason or "").strip()
    if not reason:
        raise ExtensionError(_l("Give the reason for removing the extension."))
    extension = extension_of(call, user)
    if extension is None or extension.version != expected_version:
        raise StaleExtension()
    previous = extension.closes_at
    db.session.delete(extension)
    try:
        db.session.flush()
    except so.exc.StaleDataError as exc:
        raise StaleExtension() from exc
    record_event("deadline_extension.removed", actor=actor, obj=call, user=user.id,
                 previous_closes_at=previous.isoformat(), reason=reason)


def _check(call: Call, *, closes_at: datetime, reason: str, now: datetime) -> None:
    if call.state not in EXTENSIBLE_STATES or call.closes_at is None:
        raise ExtensionError(_l("Deadlines can be extended only while the call is open or "
                                "closed, before reviewing starts."))
    if not reason:
        raise ExtensionError(_l("Give the reason for the extension."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ExtensionError(_l("The reason is too long."))
    if closes_at <= call.closes_at:
        raise ExtensionError(_l("The new deadline must be later than the call's deadline."))
    if closes_at <= now:
        raise ExtensionError(_l("The new deadline must be in the future."))
