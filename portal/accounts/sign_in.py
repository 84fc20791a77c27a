"""Sign-in sessions: one row per sign-in, whose id the login cookie carries; started, ended
(one, or all of a user's), loaded with their idle and lifetime limits, and touched."""

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from portal.accounts.models import Role, SignInSession, User
from portal.database import utcnow
from portal.extensions import db


class SessionExpired(Exception):
    """The sign-in session was idle too long ("idle") or is older than allowed ("lifetime")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Roles whose sessions end sooner when left idle: they reach other people's data.
STAFF_ROLES = frozenset({Role.reviewer, Role.coordinator, Role.admin})


def start_session(user: User, *, now: datetime) -> SignInSession:
    """A new sign-in session of the user; its id is what the login cookie carries. Deletes the
    user's sessions that are past their lifetime, so that the table keeps only live ones and
    those recently ended. Flushes."""
    lifetime = timedelta(seconds=current_app.config["SESSION_LIFETIME"])
    db.session.execute(sa.delete(SignInSession).where(SignInSession.user_id == user.id,
                                                      SignInSession.created_at < now - lifetime))
    sign_in = SignInSession(user=user, created_at=now, last_seen_at=now)
    db.session.add(sign_in)
    db.session.flush()
    user.sign_in_session = sign_in
    return sign_in


def end_session(sign_in: SignInSession, *, now: datetime) -> None:
    """Sign out: every copy of this session's cookie stops working at once. Flushes."""
    if sign_in.ended_at is None:
        sign_in.ended_at = now
        db.session.flush()


def end_sessions(user: User, *, now: datetime, keep: SignInSession | None = None) -> None:
    """End every live session of the user but `keep` (a new password, a suspension)."""
    query = sa.update(SignInSession).where(SignInSession.user_id == user.id,
                                           SignInSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    db.session.execute(query.values(ended_at=now))


def load_user(session_id: str, *, now: datetime | None = None) -> User | None:
    """The user of this live sign-in session, or None if there is none or it was ended. One
    query; writes nothing. Raises SessionExpired if it was left idle or is too old."""
    if not session_id or len(session_id) > 64:
        return None
    sign_in = db.session.scalars(_live_session(), {"id": session_id}).unique().one_or_none()
    if sign_in is None:
        return None
    reason = session_expiry(sign_in, now=now or utcnow())
    if reason:
        raise SessionExpired(reason)
    sign_in.user.sign_in_session = sign_in
    return sign_in.user


def session_expiry(sign_in: SignInSession, *, now: datetime) -> str | None:
    """Why the session is over although nobody ended it ("idle", "lifetime"), or None."""
    config = current_app.config
    if now - sign_in.created_at > timedelta(seconds=config["SESSION_LIFETIME"]):
        return "lifetime"
    staff = not STAFF_ROLES.isdisjoint(sign_in.user.roles)
    idle = config["SESSION_IDLE_TIMEOUT_STAFF" if staff else "SESSION_IDLE_TIMEOUT"]
    if now - sign_in.last_seen_at > timedelta(seconds=idle):
        return "idle"
    return None


# last_seen_at moves at most this often: a write a minute, not one per page.
TOUCH_INTERVAL = timedelta(minutes=1)


def session_needs_touch(sign_in: SignInSession, *, now: datetime) -> bool:
    return now - sign_in.last_seen_at >= TOUCH_INTERVAL


def touch_session(session_id: str, *, now: datetime) -> None:
    """Mark a live session used now (for the idle timeout): an UPDATE of its row only."""
    db.session.execute(sa.update(SignInSession)
                       .where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
                       .values(last_seen_at=now))


@cache
def _live_session() -> sa.Select:
    """Every page loads its user: one query for the session, its user and the roles joined; the
    administration (its names) only on the pages that show it. Built once (on first use, when
    every model is mapped): building the statement cost a fifth of running it."""
    user = so.contains_eager(SignInSession.user)
    return (sa.select(SignInSession)
            .join(SignInSession.user)
            .where(SignInSession.id == sa.bindparam("id"), SignInSession.ended_at.is_(None),
                   User.is_active_account)
            .options(user.joinedload(User.role_rows), user.lazyload(User.administration)))
