"""Everything the portal holds about a person, as one ZIP: data.json and their documents.

Read from every package (privacy comes last in the domain's order). Built by a job
(portal/privacy/download.py) into a stored file that only the person may download.
"""

import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import sqlalchemy as sa

from portal.accounts.models import User
from portal.administrations.models import FocalPoint
from portal.applications.models import Application
from portal.applications.services import public_state
from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.endorsements.models import Endorsement
from portal.extensions import db
from portal.messages.models import Message, MessageRecipient
from portal.reviews.models import Assignment, Review
from portal.selection.models import Offer
from portal.storage import storage, write_to_zip

SPOOL_LIMIT = 8 * 1024 * 1024  # beyond this the archive is built on disk, not in memory


@dataclass
class Summary:
    """What the download holds, counted, for the page that offers it."""

    applications: int
    documents: int
    reviews: int
    messages: int
    endorsements: int
    audit_events: int


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _applications(user: User) -> list[Application]:
    return list(db.session.scalars(sa.select(Application)
                                   .where(Application.applicant_id == user.id)
                                   .order_by(Application.id)))


def _assignments(user: User) -> list[Assignment]:
    return list(db.session.scalars(sa.select(Assignment)
                                   .where(Assignment.reviewer_id == user.id)
                                   .order_by(Assignment.id)))


def _messages(user: User) -> list[tuple[MessageRecipient, Message]]:
    return list(db.session.execute(
        sa.select(MessageRecipient, Message).join(Message)
        .where(MessageRecipient.user_id == user.id).order_by(Message.id)).all())


def _endorsements_decided(user: User) -> list[Endorsement]:
    return list(db.session.scalars(sa.select(Endorsement)
                                   .where(Endorsement.decided_by_id == user.id)
                                   .order_by(Endorsement.id)))


def _audit_events(user: User) -> list[AuditEvent]:
    """Events the person did, and events done to their account."""
    return list(db.session.scalars(sa.select(AuditEvent).where(sa.or_(
        AuditEvent.actor_id == user.id,
        sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id)),
    )).order_by(AuditEvent.id)))


def summary(user: User) -> Summary:
    applications = _applications(user)
    return Summary(
        applications=len(applications),
        documents=sum(len(a.documents) for a in applications),
        reviews=db.session.scalar(sa.select(sa.func.count(Review.id)).join(Assignment)
                                  .where(Assignment.reviewer_id == user.id)) or 0,
        messages=len(_messages(user)),
        endorsements=len(_endorsements_decided(user)),
        audit_events=len(_audit_events(user)))


def _account(user: User) -> dict:
    focal_points = db.session.scalars(sa.select(FocalPoint).where(FocalPoint.user_id == user.id))
    return {
        "id": user.id, "email": user.email, "full_name": user.full_name,
        "native_name": user.native_name, "administration": user.administration_code,
        "position": user.position, "preferred_language": user.preferred_language,
        "time_zone": user.time_zone, "roles": sorted(str(role) for role in user.roles),
        "created_at": _moment(user.created_at),
        "email_confirmed_at": _moment(user.email_verified_at),
        "last_sign_in_at": _moment(user.last_login_at),
        "privacy_notice_version_accepted": user.privacy_version,
        "privacy_notice_accepted_at": _moment(user.privacy_accepted_at),
        "focal_point_of": [{"administration": fp.administration_code, "title": fp.title}
                           for fp in focal_points],
    }


def document_path(application: Application, document) -> str:
    """Where a document is in the archive: a folder per application, the id first so that
    two files of one name never collide."""
    return f"documents/application-{application.id}/{document.id}-{document.file_name}"


def _application(application: Application) -> dict:
    endorsement = db.session.scalar(sa.select(Endorsement)
                                    .where(Endorsement.application_id == application.id))
    offers = db.session.scalars(sa.select(Offer).where(Offer.application_id == application.id)
                                .order_by(Offer.id))
    call = application.call
    return {
        "id": application.id, "reference": application.reference,
        "call": {"id": call.id, "title_en": call.title_en, "title_ru": call.title_ru},
        "state": public_state(application).value, "language": application.language,
        "created_at": _moment(application.created_at),
        "submitted_at": _moment(application.submitted_at),
        "withdrawn_at": _moment(application.withdrawn_at),
        "answers": {section.key: section.answers for section in application.sections},
        "documents": [{
            "kind": document.kind.value, "name": document.file_name,
            "content_type": document.content_type, "size": document.size,
            "sha256": document.sha256, "uploaded_at": _moment(document.uploaded_at),
            "file": document_path(application, document),
        } for document in application.documents],
        "endorsement": endorsement and {
            "administration": endorsement.administration_code,
            "state": endorsement.state.value,
            "reason": endorsement.reason if call.endorsement_reason_shown else None,
        },
        "offers": [{"state": offer.state.value, "offered_at": _moment(offer.offered_at),
                    "respond_by": _moment(offer.respond_by),
                    "responded_at": _moment(offer.responded_at)} for offer in offers],
    }


def _review(assignment: Assignment) -> dict:
    review = assignment.review
    return {
        "application": assignment.application.reference, "call_id":
        assignment.application.call_id, "assignment_state": assignment.state.value,
        "conflict_reason": assignment.conflict_reason,
        "scores": review.scores if review else None,
        "comments": review.comments if review else None,
        "recommendation": review.recommendation.value if review and review.recommendation
        else None,
        "submitted_at": _moment(review.submitted_at) if review else None,
    }


def _message(recipient: MessageRecipient, message: Message) -> dict:
    russian = recipient.language == "ru"
    return {"subject": message.subject_ru if russian else message.subject_en,
            "body": message.body_ru if russian else message.body_en,
            "sent_at": _moment(message.sent_at), "read_at": _moment(recipient.read_at)}


def _audit_event(event: AuditEvent) -> dict:
    return {"occurred_at": _moment(event.occurred_at), "action": event.action,
            "by_me": event.actor_id is not None, "object_type": event.object_type,
            "object_id": event.object_id, "ip_address": event.ip_address,
            "details": event.details}


def data(user: User, *, now: datetime) -> dict:
    """data.json's content."""
    return {
        "exported_at": _moment(now),
        "account": _account(user),
        "applications": [_application(a) for a in _applications(user)],
        "reviews_written": [_review(a) for a in _assignments(user)],
        "messages": [_message(r, m) for r, m in _messages(user)],
        "endorsement_decisions": [{
            "application": e.application.reference, "administration": e.administration_code,
            "state": e.state.value, "statement": e.statement, "reason": e.reason,
            "priority": e.priority, "decided_at": _moment(e.decided_at),
        } for e in _endorsements_decided(user)],
        "audit_events": [_audit_event(e) for e in _audit_events(user)],
    }


def build_archive(user: User, *, now: datetime, progress=None) -> BinaryIO:
    """The ZIP (rewound, in a temporary file; the caller closes it): data.json, then every
    document of the person's applications still in storage. `progress` (a job's) is told the
    step "documents" with their number, and each document done. Its download is audited."""
    content = data(user, now=now)
    applications = _applications(user)
    if progress is not None:
        progress.step("documents", total=sum(len(a.documents) for a in applications))
    buffer = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(content, ensure_ascii=False, indent=2,
                                                 default=str))
        for application in applications:
            for document in application.documents:
                if storage().exists(document.storage_key):
                    write_to_zip(archive, document.storage_key,
                                 document_path(application, document),
                                 compress_type=zipfile.ZIP_DEFLATED)
                if progress is not None:
                    progress.advance()
    buffer.seek(0)
    return buffer


def record_download(user: User, *, applications: int) -> None:
    """Audit a person's download of their data (privacy.data_downloaded)."""
    record_event("privacy.data_downloaded", actor=user, obj=user, applications=applications)


def archive_name(now: datetime) -> str:
    return f"my-data-{now:%Y-%m-%d}.zip"
