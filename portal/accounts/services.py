"""The rules of accounts: registering, verifying, signing in, passwords, roles, profiles."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many

from portal.accounts.models import Role, SignInSession, User, UserRole
from portal.accounts.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    spend_time_like_a_check,
)

# Sign-in sessions are reached through this module too.
from portal.accounts.sign_in import (  # noqa: F401
    STAFF_ROLES,
    SessionExpired,
    end_session,
    end_sessions,
    load_user,
    session_expiry,
    session_needs_touch,
    start_session,
    touch_session,
)
from portal.accounts.signals import administration_changed
from portal.accounts.tokens import (
    TokenExpired,
    TokenInvalid,
    make_token,
    read_token,
)
from portal.audit.services import record_event
from portal.database import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.notifications.services import queue_email
from portal.urls import public_url

__all__ = ["TokenExpired", "TokenInvalid"]


class WrongPassword(Exception):
    pass


class LastAdmin(Exception):
    """The change would leave the portal without any administrator."""


@dataclass
class Profile:
    full_name: str
    native_name: str | None
    administration_code: str | None
    position: str
    preferred_language: str
    time_zone: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def create_user(*, email: str, password: str, profile: Profile, roles=(Role.applicant,),
                verified: bool = False, password_hash: str | None = None) -> User:
    """A new user with the given roles (and `password`, or its hash if already made). Flushes.
    Raises ValueError if the e-mail is taken."""
    if find_user_by_email(email) is not None:
        raise ValueError("e-mail already registered")
    user = User(
        email=normalize_email(email),
        password_hash=password_hash or hash_password(password),
        email_verified_at=utcnow() if verified else None,
        **profile.__dict__,
    )
    user.role_rows = [UserRole(role=Role(role)) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


def register(*, email: str, password: str, profile: Profile) -> User | None:
    """Register an applicant and e-mail a verification link.

    If the address already has an account, nothing is created; its owner gets an
    e-mail saying so instead (at most as often as EMAILS_PER_ADDRESS_LIMIT allows). The
    caller shows the same page either way, and both ways take as long (the password is
    hashed in both, the slow part), so the form never tells a stranger which addresses
    have accounts. Returns the new user or None.
    """
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        if _may_email(existing, "already_registered"):
            queue_email(
                kind="already_registered", recipient=existing.email,
                language=existing.preferred_language,
                subject=_l("Someone tried to register with your e-mail address"),
                user=existing, login_url=public_url("accounts.login"),
                reset_url=public_url("accounts.request_password_reset"),
            )
        record_event("account.register_existing", actor=None, obj=existing)
        return None
    user = create_user(email=email, password=password, profile=profile,
                       password_hash=password_hash)
    record_event("account.registered", actor=user, obj=user)
    send_verification_email(user)
    return user


def send_verification_email(user: User) -> None:
    token = make_token("verify-email", {"uid": user.id, "email": user.email})
    queue_email(
        kind="verify_email", recipient=user.email, language=user.preferred_language,
        subject=_l("Confirm your e-mail address"),
        user=user, verify_url=public_url("accounts.verify_email", token=token),
        valid_days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400,
    )


def verify_email(token: str) -> User:
    """Mark the address in the token verified. Raises TokenExpired or TokenInvalid."""
    payload = read_token("verify-email", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or user.email != payload.get("email"):
        raise TokenInvalid()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event("account.email_verified", actor=user, obj=user)
        db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Failed attempts are audited.

    The deliberately slow password check (Argon2, about 45 ms) runs before this session's
    transaction starts, on the committed hash read in a short transaction of its own: on SQLite
    a form post's transaction holds the database's write lock, and every other user's save
    would wait for the check (bench/'s deadline rush showed it).
    """
    committed_hash = _committed_password_hash(email)
    if committed_hash is None:
        spend_time_like_a_check(password)
    else:
        matches = check_password(committed_hash, password)
    user = find_user_by_email(email)
    if user is None:
        record_event("login.failed", reason="unknown e-mail")
        return None
    if user.password_hash != committed_hash:  # changed since, or not committed yet
        matches = check_password(user.password_hash, password)
    if not matches or not user.is_active:
        record_event("login.failed", obj=user,
                     reason="wrong password" if user.is_active else "inactive account")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record_event("login.succeeded", actor=user, obj=user)
    db.session.flush()
    return user


def _committed_password_hash(email: str) -> str | None:
    if db.engine.url.get_backend_name() == "sqlite" and db.engine.url.database in (None, "",
                                                                                  ":memory:"):
        return None  # one shared connection: no transaction of its own to be had
    with db.engine.connect() as connection:
        return connection.scalar(sa.select(User.password_hash)
                                 .where(User.email == normalize_email(email)))


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address has an account; do nothing visible otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        record_event("password.reset_requested_unknown")
        return
    if not _may_email(user, "reset_password"):
        record_event("password.reset_requested_too_often", obj=user)
        return
    send_reset_email(user)
    record_event("password.reset_requested", obj=user)


def send_reset_email(user: User) -> None:
    """A new reset link (older ones stop working) to the account's address, in its language."""
    token = new_reset_token(user)
    queue_email(
        kind="reset_password", recipient=user.email, language=user.preferred_language,
        subject=_l("Reset your password"), user=user,
        reset_url=public_url("accounts.reset_password", token=token),
        valid_minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


def _may_email(user: User, kind: str) -> bool:
    """Whether a stranger's request may send `user` one more e-mail of this kind.

    Counted per address and kind in the outbox, against each limit of EMAILS_PER_ADDRESS_LIMIT
    ("1 per 5 minutes;6 per day": windows reaching back from now), whoever asks and from
    wherever. The user's row is locked first so that concurrent requests for one address count
    one after the other on PostgreSQL (SQLite's writers take turns anyway). Reads only.
    """
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    now = utcnow()
    for limit in parse_many(current_app.config["EMAILS_PER_ADDRESS_LIMIT"]):
        sent = db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.recipient == user.email, OutboxMessage.kind == kind,
                   OutboxMessage.created_at > now - timedelta(seconds=limit.get_expiry())))
        if sent >= limit.amount:
            return False
    return True


def new_reset_token(user: User) -> str:
    """The token of a new reset link. Only the newest link works: this spends every older one
    (a new nonce, which the token carries). Flushes."""
    user.reset_nonce = secrets.token_urlsafe(16)
    db.session.flush()
    return make_token("reset-password", {"uid": user.id, "nonce": user.reset_nonce})


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to. Raises TokenExpired, or TokenInvalid once used, once a
    newer link was sent, or once the password changed."""
    payload = read_token("reset-password", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    uid = payload.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if (user is None or not user.is_active or user.reset_nonce is None
            or payload.get("nonce") != user.reset_nonce):
        raise TokenInvalid()
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link (and every session) is spent."""
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    # Following the link proved the address is the user's.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record_event("password.reset", actor=user, obj=user)
    db.session.flush()
    return user


def reset_password_for(user: User, new_password: str) -> None:
    """Set the password of a user who proved they own the address (an invitation link)."""
    _set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record_event("password.set_from_invitation", actor=user, obj=user)
    db.session.flush()


def change_password(user: User, *, current_password: str, new_password: str,
                    current_session: SignInSession | None = None) -> None:
    """Raises WrongPassword. Ends the user's sessions but `current_session`."""
    if not check_password(user.password_hash, current_password):
        record_event("password.change_failed", actor=user, obj=user)
        raise WrongPassword()
    _set_password(user, new_password, keep=current_session)
    record_event("password.changed", actor=user, obj=user)
    db.session.flush()


def _set_password(user: User, new_password: str, *, keep: SignInSession | None = None) -> None:
    """The new password spends every reset link and ends every session but `keep`."""
    user.password_hash = hash_password(new_password)
    user.reset_nonce = None
    end_sessions(user, now=utcnow(), keep=keep)


def update_profile(user: User, profile: Profile) -> None:
    """The user's own details; a new administration is announced (set_administration)."""
    code = profile.administration_code
    for name, value in profile.__dict__.items():
        if name != "administration_code":
            setattr(user, name, value)
    record_event("account.profile_updated", actor=user, obj=user)
    set_administration(user, code, actor=user)


def set_administration(user: User, code: str | None, *, actor: User | None) -> None:
    """Move the user to another administration. Flushes, then sends administration_changed
    (reviews ends the assignments that became a conflict of interest). Nothing if unchanged."""
    before = user.administration_code
    if code == before:
        db.session.flush()
        return
    user.administration_code = code
    record_event("account.administration_changed", actor=actor, obj=user,
                 before=before, after=code)
    db.session.flush()
    administration_changed.send(user, before=before, now=utcnow())


def set_roles(user: User, roles: set[Role], *, actor: User | None) -> None:
    """Give the user exactly these roles; audited. Raises LastAdmin."""
    roles = {Role(r) for r in roles}
    before = user.roles
    if Role.admin in before and Role.admin not in roles and _admin_count() <= 1:
        raise LastAdmin()
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in sorted(roles - before)
    ]
    if before != roles:
        record_event(
            "account.roles_changed", actor=actor, obj=user,
            before=sorted(before), after=sorted(roles),
        )
    db.session.flush()


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    """Suspend or restore an account; suspending ends its sessions. Audited."""
    if user.is_active_account == active:
        return
    if not active and Role.admin in user.roles and _admin_count() <= 1:
        raise LastAdmin()
    user.is_active_account = active
    if not active:
        end_sessions(user, now=utcnow())
    record_event("account.activated" if active else "account.suspended", actor=actor, obj=user)
    db.session.flush()


def _admin_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.role == Role.admin, User.is_active_account)
    )
