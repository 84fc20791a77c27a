"""Who reviews: inviting reviewers (accounts' invitation, with a set-password link in their
language) and their profiles (the languages they read, their expertise)."""

from datetime import datetime

from portal.accounts.invitations import invite_user
from portal.accounts.models import Role, User
from portal.accounts.services import find_user_by_email
from portal.audit.services import record_event
from portal.extensions import db
from portal.reviews.models import ReviewerProfile
from portal.urls import public_url


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
    """Give the person's account the reviewer role, or create one (accounts.invitations): a
    new account gets the administration given (None: staff or an independent expert), an
    existing one keeps its own. The e-mail, in the account's language, carries the
    set-password link while no password is set. Audited. Flushes.
    """
    created = find_user_by_email(email) is None
    user = invite_user(email=email, full_name=full_name, language=language,
                       roles={Role.reviewer}, actor=actor, now=now,
                       administration_code=administration_code,
                       email_kind="reviewer_invitation",
                       reviews_url=public_url("reviews.dashboard"))
    profile = reviewer_profile(user)
    profile.invited_at = now
    profile.invited_by_id = actor.id
    record_event("reviewer.invited", actor=actor, obj=user, new_account=created)
    db.session.flush()
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
