"""Invitations: an account made for someone by the office, who sets its password from a link.

The account starts with an unusable password (no password signs in to it). The e-mail, in the
invitee's language, carries a set-password link that works for INVITATION_DAYS days and once:
like a reset link it holds the account's reset nonce, so a newer invitation (or reset link)
spends the older ones, and setting the password spends it. Setting the password confirms the
address, since only its owner could follow the link. An existing account is not made again:
it gets the roles, and an e-mail saying so with a link to the sign-in page (a link that carries
no power of its own).
"""

import secrets
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User
from portal.accounts.services import (
    Profile,
    create_user,
    find_user_by_email,
    reset_password_for,
    set_roles,
)
from portal.accounts.tokens import TokenExpired, TokenInvalid, make_token, read_token
from portal.audit.services import record_event
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.urls import public_url

__all__ = ["InvitationUsed", "TokenExpired", "TokenInvalid", "accept_invitation",
           "has_usable_password", "invite_user", "resend_invitation", "user_for_invitation"]

# A password hash no password matches (Argon2 refuses it as a hash): the mark of an account
# whose owner has not set a password yet.
UNUSABLE_PREFIX = "!"
LINK_KIND = "account-invitation"


class InvitationUsed(Exception):
    """The account's password is set already: the invitation has done its work."""


def unusable_password_hash() -> str:
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def has_usable_password(user: User) -> bool:
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def invitation_days() -> int:
    return current_app.config["INVITATION_DAYS"]


def invite_user(*, email: str, full_name: str, language: str, roles: Iterable[Role], actor,
                now: datetime, administration_code: str | None = None,
                time_zone: str | None = None, email_kind: str = "account_invitation",
                **email_context) -> User:
    """The account of `email` with `roles` added: a new one (unusable password, the given name,
    language, administration) or the existing one. Queues the invitation e-mail in the
    account's language: a set-password link while no password is set, else a sign-in link.
    `email_context` reaches the e-mail's template (`administration` for a focal point);
    `email_kind` names another kind of invitation e-mail ("reviewer_invitation").
    Audited (account.invited). Flushes.
    """
    roles = {Role(role) for role in roles}
    user = find_user_by_email(email)
    created = user is None
    if created:
        profile = Profile(full_name=full_name.strip(), native_name=None,
                          administration_code=administration_code, position="",
                          preferred_language=language,
                          time_zone=time_zone or current_app.config["OFFICE_TIMEZONE"])
        user = create_user(email=email, password="", profile=profile, roles=sorted(roles),
                           password_hash=unusable_password_hash())
    elif not roles <= user.roles:
        set_roles(user, user.roles | roles, actor=actor)
    record_event("account.invited", actor=actor, obj=user, new_account=created,
                 roles=sorted(roles))
    _send(user, actor=actor, kind=email_kind, **email_context)
    return user


def resend_invitation(user: User, *, actor, now: datetime, **email_context) -> None:
    """A new set-password link (the older ones stop working). Raises InvitationUsed once the
    password is set. Audited (account.invitation_resent). Flushes."""
    if has_usable_password(user):
        raise InvitationUsed()
    record_event("account.invitation_resent", actor=actor, obj=user)
    _send(user, actor=actor, **email_context)


def _subject(kind: str):
    """The subject of each kind of invitation e-mail."""
    if kind == "reviewer_invitation":
        return _l("Invitation to review fellowship applications of ROCB Europe")
    return _l("Invitation to the fellowship portal of ROCB Europe")


def _send(user: User, *, actor, kind: str = "account_invitation", **email_context) -> None:
    pending = not has_usable_password(user)
    link = (public_url("accounts.accept_invitation", token=_new_token(user)) if pending
            else public_url("accounts.login"))
    queue_email(kind=kind, recipient=user.email,
                language=user.preferred_language,
                subject=_subject(kind),
                user=user, inviter=actor, roles=sorted(user.roles), link=link,
                set_password=pending, valid_days=invitation_days(), **email_context)


def _new_token(user: User) -> str:
    user.reset_nonce = secrets.token_urlsafe(16)
    db.session.flush()
    return make_token(LINK_KIND, {"uid": user.id, "nonce": user.reset_nonce})


def invitation_token(user: User) -> str:
    """A fresh set-password link's token for a pending invitation (tests, scripts)."""
    return _new_token(user)


def user_for_invitation(token: str) -> User:
    """The invited account of a link. Raises TokenExpired, InvitationUsed once the password is
    set, TokenInvalid when a newer link was sent or the token is not one of ours."""
    payload = read_token(LINK_KIND, token, invitation_days() * 86400)
    uid = payload.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or not user.is_active:
        raise TokenInvalid()
    if has_usable_password(user):
        raise InvitationUsed()
    if user.reset_nonce is None or payload.get("nonce") != user.reset_nonce:
        raise TokenInvalid()
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the invited account's password from its link: the link is spent and the address
    confirmed. Raises as user_for_invitation. Flushes."""
    user = user_for_invitation(token)
    reset_password_for(user, password)
    return user
