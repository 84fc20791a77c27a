"""Every document of a call's applications as one ZIP archive, with a manifest.

A file answering one of the call's questions is named by the question's number in the form
(question-3-1.pdf) and the manifest gives the question's text. The archive is the
coordinators'; reviewers download files one by one, as Document.shown_to_reviewers allows.
"""

import re
import tempfile
import zipfile
from collections import Counter

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from portal.applications.models import Application, ApplicationState
from portal.extensions import db
from portal.questions.models import questions_of, sections_of
from portal.reports.answers import in_form_order
from portal.reports.exports import Table, csv_bytes
from portal.storage import EXTENSIONS, storage, write_to_zip

# Drafts are the applicant's own business; a withdrawn application left the competition.
EXCLUDED_STATES = (ApplicationState.draft, ApplicationState.withdrawn)
SPOOL_LIMIT = 8 * 1024 * 1024  # beyond this the archive is built on disk, not in memory


def archived_applications(call_id: int) -> list[Application]:
    """The call's applications with their documents (two queries), by reference number."""
    return db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call_id, Application.state.not_in(EXCLUDED_STATES))
        .options(so.selectinload(Application.documents), so.lazyload(Application.sections))
        .order_by(Application.reference)
    ).all()


def ascii_name(text: str, fallback: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return name or fallback


def entry_name(application: Application, document, n: int, question_number: int | None = None
               ) -> str:
    """<reference>/<kind>-<n>.<ext>, or for a file answering question 3 of the form
    <reference>/question-3-<n>.<ext>: ASCII, no folders or dots from the uploaded name, and the
    extension of the type the content was verified to be, never the uploader's."""
    extension = EXTENSIONS.get(document.content_type, "bin")
    reference = ascii_name(application.reference or "", f"application-{application.id}")
    if question_number is not None:
        return f"{reference}/question-{question_number}-{n}.{extension}"
    return f"{reference}/{document.kind.value}-{n}.{extension}"


def question_numbers(call) -> dict[int, tuple[int, str]]:
    """question id → (its number in the form, its text in the current language), for every
    question of the call, retired ones included (two queries)."""
    questions = in_form_order(questions_of(call.id, include_retired=True), sections_of(call.id))
    return {q.id: (n, q.text("text")) for n, q in enumerate(questions, start=1)}


def documents_archive(call, progress=None) -> tempfile.SpooledTemporaryFile:
    """Build the archive into a temporary file (rewound); the caller stores and closes it.

    Each file is copied from storage in chunks, so the documents are never all in memory.
    `progress` (a job's, portal/jobs/registry.Progress) is told the step "documents" with
    their number, and each document done.
    """
    files = storage()
    manifest = Table([_("File in the archive"), _("Reference number"), _("Applicant"),
                      _("Kind of document"), _("Original file name"), _("Size (bytes)"),
                      "SHA-256", _("Question")], [])
    numbers = question_numbers(call)
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)
    applications = archived_applications(call.id)
    if progress is not None:
        progress.step("documents", total=sum(len(a.documents) for a in applications))
    with zipfile.ZipFile(archive, "w") as zf:
        for application in applications:
            counts = Counter()
            for document in application.documents:
                number, question = numbers.get(document.question_id, (None, ""))
                counts[document.kind, number] += 1
                name = entry_name(application, document, counts[document.kind, number], number)
                # PDFs and images are compressed already; deflating them wastes time.
                compression = (zipfile.ZIP_DEFLATED if name.endswith((".doc", ".docx", ".txt"))
                               else zipfile.ZIP_STORED)
                if not files.exists(document.storage_key):
                    # A file lost from storage must not cost the coordinator the whole archive:
                    # the manifest says which one is missing.
                    current_app.logger.error("document %s missing from storage", document.id)
                    name = _("missing from storage: %(name)s", name=name)
                else:
                    write_to_zip(zf, document.storage_key, name, compress_type=compression)
                manifest.rows.append([name, application.reference, application.applicant_name,
                                      document.kind.label, document.file_name,
                                      document.size, document.sha256,
                                      _("%(number)d. %(question)s", number=number,
                                        question=question) if number else ""])
                if progress is not None:
                    progress.advance()
        zf.writestr("manifest.csv", csv_bytes(manifest))
    archive.seek(0)
    return archive
