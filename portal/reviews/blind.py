"""What a reviewer may see of an application: everything, or in a blind call only the answers
and documents that portal/applications/sections.py declares shown in blind review."""

from portal.applications.models import Application, Document, DocumentKind
from portal.applications.sections import (
    FORM_SECTIONS,
    SECTIONS_BY_KEY,
    Identifies,
    blind_reason,
    display_answers,
    field_label,
    field_names,
)
from portal.storage import EXTENSIONS


def reviewer_answers(application: Application):
    """The answers a reviewer of this application sees, as display_answers gives them."""
    return display_answers(application, blind=application.call.blind_review)


def reviewer_documents(application: Application) -> list[tuple[Document, str]]:
    """(document, download name) of the files a reviewer of this application may download
    (Document.shown_to_reviewers); the name tells the reference and kind, not the file's own."""
    names = []
    shown = [document for document in application.documents if document.shown_to_reviewers]
    for number, document in enumerate(shown, start=1):
        extension = EXTENSIONS.get(document.content_type, "bin")  # the verified type's
        names.append((document, f"{application.reference}-{document.kind.value}-{number}."
                                f"{extension}"))
    return names


def hidden_from_reviewers(application: Application) -> list[tuple[str, list[str]]]:
    """(why, labels of the answers and documents) hidden from this application's reviewers,
    for the review page to say; none unless the call is blind."""
    if not application.call.blind_review:
        return []
    hidden = {reason: [] for reason in Identifies}
    for section in FORM_SECTIONS:
        for name in field_names(section):
            reason = blind_reason(section, name)
            if reason is not None:
                hidden[reason].append(field_label(section, name))
    documents = SECTIONS_BY_KEY["documents"]
    for kind in DocumentKind:
        if kind == DocumentKind.answer:  # listed by their questions, which differ per call
            continue
        reason = blind_reason(documents, kind.value)
        if reason is not None:
            hidden[reason].append(kind.label)
    return [(reason.reason, labels) for reason, labels in hidden.items() if labels]
