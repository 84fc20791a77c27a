"""Deleting one's own account: what is removed, what stays anonymised, and why.

- Drafts (applications never submitted) and their documents are removed.
- A submitted application of a call whose results are not published yet stays for the
  selection (the other applicants are ranked beside it), anonymised: the names, the personal
  details and nomination, every answer a blind reviewer may not see, and every document are
  removed (purged_at set).
- One of a call whose results are published keeps only what the call's statistics count, as
  the call's retention rule leaves it (retention.remove_personal_data).
- Reviews written and endorsement decisions stay: they are part of other people's results.
- Audit records stay (they are append-only); the account they name keeps no name.
- The account row stays, anonymised: names blanked, the e-mail address replaced by a
  placeholder that cannot receive mail, no password, no roles, every session ended.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.accounts.models import Role, User
from portal.accounts.passwords import check_password
from portal.accounts.sign_in import end_sessions
from portal.administrations.models import FocalPoint
from portal.applications.models import Application, ApplicationState
from portal.applications.sections import SECTIONS_BY_KEY
from portal.audit.services import record_event
from portal.calls.models import CallState, DeadlineExtension
from portal.endorsements.models import Endorsement
from portal.extensions import db
from portal.jobs.files import jobs_keeping_files, retire_files
from portal.messages.models import MessageRecipient
from portal.notifications.models import OutboxMessage
from portal.privacy import download
from portal.privacy.retention import remove_personal_data, statistics_answer_keys
from portal.reviews.models import Assignment, Review, ReviewerProfile
from portal.storage import delete_after_commit

PLACEHOLDER_DOMAIN = "deleted.invalid"  # .invalid never resolves (RFC 2606)
STAFF_ROLES = (Role.admin, Role.coordinator)


@dataclass
class Plan:
    """What deleting the account would do, for the page that asks to confirm it."""

    drafts: list[Application] = field(default_factory=list)
    kept_in_selection: list[Application] = field(default_factory=list)
    kept_for_statistics: list[Application] = field(default_factory=list)
    reviews: int = 0
    endorsement_decisions: int = 0


def refusal(user: User) -> str | None:
    """Why this account cannot be deleted by its owner, or None."""
    if any(user.has_role(role) for role in STAFF_ROLES):
        return _("The accounts of coordinators and administrators are closed by an "
                 "administrator: their decisions must stay attributed to them. Please write "
                 "to the programme office.")
    return None


def password_matches(user: User, password: str) -> bool:
    return check_password(user.password_hash, password)


def _applications(user: User) -> list[Application]:
    return list(db.session.scalars(sa.select(Application)
                                   .where(Application.applicant_id == user.id)
                                   .order_by(Application.id)))


def plan(user: User) -> Plan:
    result = Plan()
    for application in _applications(user):
        if application.state == ApplicationState.draft:
            result.drafts.append(application)
        elif application.call.state == CallState.published:
            result.kept_for_statistics.append(application)
        else:
            result.kept_in_selection.append(application)
    result.reviews = db.session.scalar(
        sa.select(sa.func.count(Review.id)).join(Assignment)
        .where(Assignment.reviewer_id == user.id)) or 0
    result.endorsement_decisions = db.session.scalar(
        sa.select(sa.func.count(Endorsement.id))
        .where(Endorsement.decided_by_id == user.id)) or 0
    return result


def _endorsement_of(application: Application) -> Endorsement | None:
    return db.session.scalar(sa.select(Endorsement)
                             .where(Endorsement.application_id == application.id))


def _remove_draft(application: Application) -> list[str]:
    """Remove a draft with its sections, documents and any early endorsement; the storage
    keys to delete."""
    keys = [document.storage_key for document in application.documents]
    endorsement = _endorsement_of(application)
    if endorsement is not None:
        keys += [endorsement.letter_key] if endorsement.letter_key else []
        db.session.delete(endorsement)
    db.session.delete(application)
    return keys


def kept_answers(key: str, answers: dict) -> dict:
    """The answers of a section that stay: those a blind reviewer may see. Answers to the
    call's own questions, and whole sections of its own, go."""
    section = SECTIONS_BY_KEY.get(key)
    if section is None:
        return {}
    return {name: value for name, value in answers.items()
            if name in section.blind and section.blind[name] is None}


def anonymise_application(application: Application, *, now: datetime) -> list[str]:
    """Remove what identifies the applicant from a submitted application; the storage keys to
    delete. The row, its state and its reviews stay."""
    keys = [document.storage_key for document in application.documents]
    application.documents.clear()
    for section in application.sections:
        section.answers = kept_answers(section.key, section.answers)
    application.applicant_name = ""
    application.applicant_native_name = ""
    application.purged_at = now
    endorsement = _endorsement_of(application)
    if endorsement is not None and endorsement.letter_key:
        keys.append(endorsement.letter_key)
        endorsement.letter_key, endorsement.letter_name = None, ""
        endorsement.letter_size, endorsement.letter_sha256 = None, ""
    return keys


def _remove_personal_rows(user: User) -> None:
    """Rows about the person that nothing else needs: their inbox, extensions, focal-point
    and reviewer profiles, and the e-mails written to them."""
    for model, column in ((MessageRecipient, MessageRecipient.user_id),
                          (DeadlineExtension, DeadlineExtension.user_id),
                          (FocalPoint, FocalPoint.user_id),
                          (ReviewerProfile, ReviewerProfile.user_id)):
        db.session.execute(sa.delete(model).where(column == user.id))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient == user.email))


def _anonymise_account(user: User, *, now: datetime) -> None:
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@{PLACEHOLDER_DOMAIN}"
    user.pending_email = None
    user.full_name = ""
    user.native_name = None
    user.position = ""
    user.administration_code = None
    user.password_hash = "!"  # noqa: S105 (never matches: no hash has this form)
    user.reset_nonce = None
    user.is_active_account = False
    user.role_rows.clear()
    user.deleted_at = now


def delete_account(user: User, *, now: datetime) -> None:
    """Delete the account at its owner's request, as the module's docstring says. Ends every
    session; storage files go after the commit. Flushes; audited (account.deleted)."""
    counts = plan(user)
    keys: list[str] = []
    for application in counts.drafts:
        keys += _remove_draft(application)
    for application in counts.kept_in_selection:
        keys += anonymise_application(application, now=now)
    for application in counts.kept_for_statistics:
        if application.purged_at is None:  # as the call's retention rule does
            remove_personal_data(application, now=now,
                                 kept_answers=statistics_answer_keys(application.call_id))
    db.session.flush()
    _remove_personal_rows(user)
    retire_files(jobs_keeping_files(lock=download.lock(user)), reason="removed")
    end_sessions(user, now=now)
    _anonymise_account(user, now=now)
    db.session.flush()
    delete_after_commit(keys)
    record_event("account.deleted", actor=user, obj=user, drafts_removed=len(counts.drafts),
                 applications_anonymised=len(counts.kept_in_selection)
                 + len(counts.kept_for_statistics))
