"""The versions of the privacy notice: a draft is written in both languages, then published.

A published version is never edited: a change is a new version. The published version with the
highest number is in force (accounts/notices.py reads it, for registration).
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import PrivacyNotice, User
from portal.accounts.notices import notice_in_force, record_acceptance, version_in_force  # noqa: F401
from portal.audit.services import record_event
from portal.bilingual import Bilingual
from portal.extensions import db

TEXT_FIELDS = ("text_en", "text_ru", "summary_en", "summary_ru")


class NoticeRefused(Exception):
    """A change the notice's rules do not allow; the message says why."""


@dataclass
class NoticeTexts:
    text_en: str
    text_ru: str
    summary_en: str = ""
    summary_ru: str = ""


def versions() -> list[PrivacyNotice]:
    """Every version, the newest first."""
    return list(db.session.scalars(sa.select(PrivacyNotice)
                                   .order_by(PrivacyNotice.version.desc())))


def draft() -> PrivacyNotice | None:
    """The version being written, if any (there is at most one)."""
    return db.session.scalar(sa.select(PrivacyNotice)
                             .where(PrivacyNotice.published_at.is_(None)).limit(1))


def text(notice: PrivacyNotice, name: str, language: str | None = None) -> str:
    """`text` or `summary` in the reader's (or the given) language, else the other one."""
    return Bilingual.text(notice, name, language)


def start_version(*, actor: User, now: datetime) -> PrivacyNotice:
    """A new draft, numbered after the newest version, starting from the text in force.
    Refused while another draft exists. Flushes; audited."""
    if draft() is not None:
        raise NoticeRefused(_l("A new version is already being written: finish that one."))
    newest = db.session.scalar(sa.select(sa.func.max(PrivacyNotice.version))) or 0
    current = notice_in_force()
    notice = PrivacyNotice(version=newest + 1, created_at=now, created_by_id=actor.id,
                           text_en=current.text_en if current else "",
                           text_ru=current.text_ru if current else "",
                           summary_en="", summary_ru="")
    db.session.add(notice)
    db.session.flush()
    record_event("privacy.notice_created", actor=actor, object_type="privacy_notice",
                 object_id=str(notice.id), version=notice.version)
    return notice


def save_draft(notice: PrivacyNotice, texts: NoticeTexts, *, actor: User) -> None:
    """Replace a draft's texts. A published version is refused. Flushes; audited."""
    if notice.published_at is not None:
        raise NoticeRefused(_l("A published version is never changed: write a new version."))
    changed = [name for name in TEXT_FIELDS if getattr(notice, name) != getattr(texts, name)]
    for name in TEXT_FIELDS:
        setattr(notice, name, getattr(texts, name))
    db.session.flush()
    record_event("privacy.notice_edited", actor=actor, object_type="privacy_notice",
                 object_id=str(notice.id), version=notice.version, changed=changed)


def publish(notice: PrivacyNotice, *, actor: User, now: datetime) -> None:
    """Put a draft in force. Both languages must be written, and, after the first version,
    what changed in both. Everyone who accepted an older version is asked to accept this one
    at their next sign-in (hooks.py). Flushes; audited."""
    if notice.published_at is not None:
        raise NoticeRefused(_l("This version is already published."))
    if not (notice.text_en.strip() and notice.text_ru.strip()):
        raise NoticeRefused(_l("Write the notice in both English and Russian before publishing."))
    in_force = version_in_force()
    if in_force is not None and not (notice.summary_en.strip() and notice.summary_ru.strip()):
        raise NoticeRefused(_l("Say what changed, in both English and Russian, before "
                               "publishing: people are shown it when asked to accept."))
    if in_force is not None and in_force > notice.version:
        raise NoticeRefused(_l("A newer version is already in force."))
    notice.published_at = now
    db.session.flush()
    record_event("privacy.notice_published", actor=actor, object_type="privacy_notice",
                 object_id=str(notice.id), version=notice.version)


def needs_acceptance(user: User) -> int | None:
    """The version in force if `user` has not accepted it (nor a later one), else None."""
    version = version_in_force()
    if version is None or (user.privacy_version or 0) >= version:
        return None
    return version


def accept(user: User, version: int, *, now: datetime) -> None:
    """The user accepted `version` (audited)."""
    record_acceptance(user, version, now=now)
    db.session.flush()
