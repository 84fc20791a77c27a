"""The applicant's files: judged by their content, stored, replaced and removed."""

from datetime import datetime

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.applications.errors import (
    REMOVAL_TOO_LATE,
    UPLOAD_TOO_LATE,
    DocumentRefused,
    check_editable,
)
from portal.applications.layout import call_form
from portal.applications.models import Application, Document, DocumentKind
from portal.audit.services import record_event
from portal.extensions import db
from portal.pdf_structure import page_count
from portal.questions.models import FILE_TYPES, Question, QuestionKind
from portal.storage import TooLarge, delete_after_commit, document_name, local_copy, storage

# What each kind of document may be, judged from the file's content.
ALLOWED_TYPES = {
    DocumentKind.cv: {"application/pdf"},
    DocumentKind.anonymised_cv: {"application/pdf"},
    DocumentKind.nomination_letter: {"application/pdf"},
    DocumentKind.certificate: {"application/pdf", "image/jpeg", "image/png"},
}


def add_document(application: Application, *, kind: DocumentKind, stream, filename: str,
                 actor, now: datetime, question: Question | None = None) -> Document:
    """Store an uploaded file after judging it by its content. Raises DocumentRefused.

    A PDF must parse as one (pypdf, in a child process bounded in memory and time). The file
    is named with the extension of the type it was verified to be, whatever the uploader's
    was. A refused file is removed from storage before this returns. A CV or nomination
    letter replaces the previous one; a file answering a `question` (kind `answer`), the
    previous answer to that question. Flushes.
    """
    check_editable(application, now, UPLOAD_TOO_LATE)
    if (kind == DocumentKind.answer) != (question is not None):
        raise DocumentRefused(_l("This call's form has no such question."))
    name = clean_filename(filename)
    config = current_app.config
    limit = _size_limit(question, config)
    try:
        stored = storage().save(stream, max_size=limit)
    except TooLarge:
        raise DocumentRefused(_l("The file is larger than %(size)s MB.",
                                 size=limit // (1024 * 1024))) from None
    content_type = filetype.guess_mime(stored.head)
    problem = (_judge(application, kind, question, content_type, stored.size, config)
               or _unreadable(content_type, stored.key, config))
    if problem is not None:
        storage().delete(stored.key)
        raise DocumentRefused(problem)
    replaced = []
    if kind == DocumentKind.answer:
        replaced = [d for d in application.documents_of(kind) if d.question_id == question.id]
    elif kind != DocumentKind.certificate:
        replaced = application.documents_of(kind)
    for old in replaced:
        application.documents.remove(old)
    document = Document(kind=kind, original_name=document_name(name, content_type),
                        content_type=content_type, question=question,
                        size=stored.size, sha256=stored.sha256, storage_key=stored.key,
                        uploaded_at=now)
    application.documents.append(document)
    application.updated_at = now
    db.session.flush()
    delete_after_commit([old.storage_key for old in replaced])
    details = {"question": question.id} if question is not None else {}
    record_event("application.document_added", actor=actor, obj=application, kind=kind.value,
                 sha256=stored.sha256, **details)
    return document


def _size_limit(question: Question | None, config) -> int:
    """The largest file in bytes: the portal's limit, or a file question's if smaller."""
    limit = config["MAX_DOCUMENT_SIZE"]
    if question is not None and question.max_size_mb:
        limit = min(limit, question.max_size_mb * 1024 * 1024)
    return limit


def accepted_types(question: Question) -> list[str]:
    """The FILE_TYPES keys a file question accepts (a PDF when it names none)."""
    return [key for key in (question.file_types or ["pdf"]) if key in FILE_TYPES] or ["pdf"]


def _judge(application, kind, question, content_type, size, config):
    if kind == DocumentKind.answer:
        return _judge_answer(application, question, content_type, size, config)
    if kind == DocumentKind.anonymised_cv and not application.call.blind_review:
        return _l("This call is not reviewed blind: reviewers read your CV itself, so no "
                  "anonymised CV is needed.")
    if kind not in call_form(application.call).document_kinds():
        return _l("This call does not ask for this document.")
    if size == 0:
        return _l("The file is empty.")
    if content_type not in ALLOWED_TYPES[kind]:
        if kind == DocumentKind.certificate:
            return _l("This file is not a PDF, JPEG or PNG file (judged by its content, "
                      "not its name).")
        return _l("This file is not a PDF file (judged by its content, not its name).")
    if kind == DocumentKind.certificate and len(application.documents_of(kind)) >= \
            config["MAX_CERTIFICATES"]:
        return lazy_ngettext("You can upload at most %(num)d certificate.",
                             "You can upload at most %(num)d certificates.",
                             config["MAX_CERTIFICATES"])
    return _over_total(application, lambda d: d.kind != kind or
                       kind == DocumentKind.certificate, size, config)


def _judge_answer(application, question, content_type, size, config):
    if question.call_id != application.call_id or question.kind != QuestionKind.file \
            or question.is_retired:
        return _l("This call's form has no such question.")
    if size == 0:
        return _l("The file is empty.")
    types = accepted_types(question)
    if not any(content_type in FILE_TYPES[key] for key in types):
        return _l("This file is not of a type this question accepts (%(types)s), judged by "
                  "its content, not its name.", types=", ".join(k.upper() for k in types))
    return _over_total(application, lambda d: d.question_id != question.id, size, config)


def _over_total(application, kept, size, config):
    """Why the documents kept plus this one would be too much, or None."""
    total = sum(d.size for d in application.documents if kept(d)) + size
    if total > config["MAX_APPLICATION_DOCUMENTS_SIZE"]:
        return _l("All documents together may not exceed %(size)s MB.",
                  size=config["MAX_APPLICATION_DOCUMENTS_SIZE"] // (1024 * 1024))
    return None


def _unreadable(content_type, key, config):
    """Why a file judged a PDF by its first bytes is not one a reader can open, or None."""
    if content_type != "application/pdf":
        return None
    with local_copy(key) as path:
        pages = page_count(path, memory=config["PDF_CHECK_MEMORY"],
                           seconds=config["PDF_CHECK_SECONDS"])
    if not pages:
        return _l("This file could not be opened as a PDF document: it may be damaged or "
                  "protected by a password. Save it again as a PDF and upload it once more.")
    return None


def clean_filename(filename: str | None) -> str:
    """The name to show for an upload. Path parts and control characters are refused."""
    name = (filename or "").strip()
    if not name:
        raise DocumentRefused(_l("Choose a file to upload."))
    if ("/" in name or "\\" in name or ".." in name or len(name) > 200
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)):
        raise DocumentRefused(_l("The file name contains characters that are not allowed. "
                                 "Rename the file and try again."))
    return name


def remove_document(application: Application, document: Document, *, actor,
                    now: datetime) -> None:
    check_editable(application, now, REMOVAL_TOO_LATE)
    application.documents.remove(document)
    application.updated_at = now
    db.session.flush()
    delete_after_commit([document.storage_key])
    record_event("application.document_removed", actor=actor, obj=application,
                 kind=document.kind.value)
