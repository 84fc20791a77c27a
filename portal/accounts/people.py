"""The admin's work on people's accounts: creating one by invitation, editing it, a change of
e-mail address confirmed at the new address (also from the person's own profile), sending the
confirmation or a password reset again, deactivating and reactivating.

Services only: they flush, audit and queue e-mails; the view commits.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.accounts import invitations
from portal.accounts.models import Role, User
from portal.accounts.services import (
    find_user_by_email,
    normalize_email,
    send_reset_email,
    send_verification_email,
    set_administration,
    set_roles,
)
from portal.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from portal.audit.services import record_event
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.urls import public_url

__all__ = ["EmailTaken", "TokenExpired", "TokenInvalid"]

EMAIL_CHANGE = "change-email"


class EmailTaken(Exception):
    """Another account has this e-mail address."""


@dataclass
class AccountDetails:
    """What the admin edits of an account (the e-mail goes through request_email_change)."""

    full_name: str
    native_name: str | None
    administration_code: str | None
    preferred_language: str
    roles: set[Role]


def create_by_invitation(*, email: str, details: AccountDetails, actor, now: datetime) -> User:
    """A new account invited by the admin: a set-password link in the chosen language (through
    invitations.invite_user). Raises EmailTaken if the address has an account. Flushes."""
    if find_user_by_email(email) is not None:
        raise EmailTaken()
    user = invitations.invite_user(
        email=email, full_name=details.full_name, language=details.preferred_language,
        roles=details.roles, actor=actor, now=now,
        administration_code=details.administration_code)
    user.native_name = details.native_name
    db.session.flush()
    return user


def update_account(user: User, details: AccountDetails, *, actor) -> None:
    """The admin's changes of names, language, administration (announced, as a conflict may
    arise) and roles. Raises services.LastAdmin. Audited. Flushes."""
    before = [user.full_name, user.native_name, user.preferred_language]
    user.full_name = details.full_name
    user.native_name = details.native_name
    user.preferred_language = details.preferred_language
    after = [user.full_name, user.native_name, user.preferred_language]
    if after != before:
        record_event("account.updated_by_admin", actor=actor, obj=user, before=before,
                     after=after)
    set_roles(user, details.roles, actor=actor)
    set_administration(user, details.administration_code, actor=actor)


def request_email_change(user: User, new_email: str, *, actor) -> bool:
    """Keep `new_email` as the account's pending address and send a confirmation link to it;
    the address changes only when the link is followed. False if it is the current address
    (a pending change stays: saving other details must not cancel it). Raises EmailTaken.
    Audited. Flushes."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        return False
    other = find_user_by_email(new_email)
    if other is not None:
        raise EmailTaken()
    user.pending_email = new_email
    record_event("account.email_change_requested", actor=actor, obj=user, email=new_email)
    send_email_change_link(user)
    return True


def send_email_change_link(user: User) -> None:
    """The confirmation link of the pending address, sent to that address in the account's
    language. Flushes."""
    token = make_token(EMAIL_CHANGE, {"uid": user.id, "email": user.pending_email})
    queue_email(
        kind="confirm_new_email", recipient=user.pending_email,
        language=user.preferred_language, subject=_l("Confirm your new e-mail address"),
        user=user, new_email=user.pending_email,
        confirm_url=public_url("accounts.confirm_email_change", token=token),
        valid_days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400)


def confirm_email_change(token: str, *, now: datetime) -> User:
    """Follow a confirmation link: the pending address becomes the account's, confirmed.
    Raises TokenExpired, TokenInvalid (not the pending address any more), EmailTaken (someone
    took it meanwhile). Audited. Flushes."""
    payload = read_token(EMAIL_CHANGE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    uid = payload.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or not user.pending_email or payload.get("email") != user.pending_email:
        raise TokenInvalid()
    other = db.session.scalar(sa.select(User.id).where(User.email == user.pending_email,
                                                       User.id != user.id))
    if other is not None:
        raise EmailTaken()
    before = user.email
    user.email, user.pending_email = user.pending_email, None
    user.email_verified_at = now
    user.reset_nonce = None  # reset links sent to the old address stop working
    record_event("account.email_changed", actor=user, obj=user, before=before, after=user.email)
    db.session.flush()
    return user


def resend_confirmation(user: User, *, actor, now: datetime) -> str:
    """Send again what the account waits for: the invitation while no password is set, else
    the confirmation of a pending address, else that of the address. Returns which
    ("invitation", "email_change", "verification") or "" if nothing is awaited. Flushes."""
    if not invitations.has_usable_password(user):
        invitations.resend_invitation(user, actor=actor, now=now)
        return "invitation"
    if user.pending_email:
        send_email_change_link(user)
        record_event("account.confirmation_resent", actor=actor, obj=user,
                     email=user.pending_email)
        return "email_change"
    if not user.email_verified:
        send_verification_email(user)
        record_event("account.confirmation_resent", actor=actor, obj=user, email=user.email)
        return "verification"
    return ""


def send_password_reset(user: User, *, actor) -> None:
    """A password-reset link to the account's address, sent by the admin (older links stop
    working). Audited. Flushes."""
    send_reset_email(user)
    record_event("password.reset_sent_by_admin", actor=actor, obj=user)
    db.session.flush()

