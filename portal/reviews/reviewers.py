"""Who reviews: inviting reviewers (a link in their language that sets their password) and
their profiles (the languages they read, their expertise)."""

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import Profile, create_user, find_user_by_email
from portal.accounts.tokens import account_fingerprint, make_token, read_token
from portal.audit.services import record_event
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.reviews.models import ReviewerProfile
from portal.urls import public_url

INVITATION_MAX_AGE = 14 * 24 * 3600


def reviewer_profile(user: User) -> ReviewerProfile:
    """The user's reviewer profile, created with defaults the first time."""
    profile = db.session.get(ReviewerProfile, user.id)
    if profile is None:
        profile = ReviewerProfile(user_id=user.id, reads_en=True,
                                  reads_ru=user.preferred_language == "ru")
        db.session.add(profile)
        db.session.flush()
    return profile


def invite_reviewer(*, email: str, full_name: str, language: str, actor, now: datetime,
                    administration_code: str | None = None) -> User:
    """Give an existing account the reviewer role, or create one with a set-password link.

    A new account gets the administration given (None: staff or an independent expert);
    an existing one keeps its own. Either way the person is told by e-mail, in their
    language. Flushes.
    """
    user = find_user_by_email(email)
    created = user is None
    if created:
        profile = Profile(full_name=full_name, native_name=None,
                          administration_code=administration_code,
                          position="", preferred_language=language,
                          time_zone=current_app.config["OFFICE_TIMEZONE"])
        user = create_user(email=email, password=secrets.token_urlsafe(32), profile=profile,
                           roles=(Role.reviewer,))
    elif Role.reviewer not in user.roles:
        user.role_rows.append(UserRole(role=Role.reviewer))
    profile = reviewer_profile(user)
    profile.invited_at = now
    profile.invited_by_id = actor.id
    db.session.flush()
    link = (public_url("reviews.accept_invitation", token=invitation_token(user)) if created
            else public_url("reviews.dashboard"))
    queue_email(kind="reviewer_invitation", recipient=user.email,
                language=user.preferred_language,
                subject=_l("Invitation to review fellowship applications of ROCB Europe"),
                user=user, inviter=actor, link=link, new_account=created,
                valid_days=INVITATION_MAX_AGE // 86400)
    record_event("reviewer.invited", actor=actor, obj=user, new_account=created)
    return user


def invitation_token(user: User) -> str:
    return make_token("invitation", {"uid": user.id, "fp": account_fingerprint(user)})


def user_for_invitation(token: str) -> User:
    """Raises TokenExpired, or TokenInvalid once a password has been set with it."""
    from portal.accounts.tokens import TokenInvalid

    payload = read_token("invitation", token, INVITATION_MAX_AGE)
    uid = payload.get("uid")
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or payload.get("fp") != account_fingerprint(user):
        raise TokenInvalid()
    return user


def update_reviewer_profile(user: User, *, reads_en: bool, reads_ru: bool, expertise: str,
                            max_reviews_per_call: int) -> None:
    profile = reviewer_profile(user)
    profile.reads_en, profile.reads_ru = reads_en, reads_ru
    profile.expertise = expertise.strip()
    profile.max_reviews_per_call = max_reviews_per_call
    record_event("reviewer.profile_updated", actor=user, obj=user)
    db.session.flush()


# Conflicts ----------------------------------------------------------------------------------
