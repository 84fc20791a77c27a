"""What a reviewer may see of an application: everything, or in a blind call nothing that
identifies the applicant (name, contacts, administration, nominator, their own files)."""

from portal.applications.models import Application, Document
from portal.applications.sections import display_answers

# Sections and answers that name or locate the applicant.
IDENTIFYING_SECTIONS = {"personal", "nomination"}
IDENTIFYING_ANSWERS = {"administration_code"}


def reviewer_answers(application: Application):
    shown = display_answers(application)
    if not application.call.blind_review:
        return shown
    from portal.applications.sections import SECTIONS_BY_KEY, field_label

    hidden_labels = {field_label(SECTIONS_BY_KEY["professional"], name)
                     for name in IDENTIFYING_ANSWERS}
    return [(section, [(label, value) for label, value in rows if label not in hidden_labels])
            for section, rows in shown if section.key not in IDENTIFYING_SECTIONS]


def reviewer_documents(application: Application) -> list[tuple[Document, str]]:
    """(document, download name). In a blind call reviewers get no uploaded files: CVs and
    nomination letters name the applicant, and their contents cannot be cleaned here."""
    if application.call.blind_review:
        return []
    names = []
    for number, document in enumerate(application.documents, start=1):
        extension = document.original_name.rsplit(".", 1)[-1].lower()[:5]
        names.append((document, f"{application.reference}-{document.kind.value}-{number}."
                                f"{extension}"))
    return names
