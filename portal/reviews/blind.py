"""What a reviewer may see of an application: everything, or in a blind call only the answers
and documents declared shown in blind review: the built-in ones in
portal/applications/sections.py, the call's own questions by their blind flag
(layout.CallForm.blind_reason, Document.shown_to_reviewers)."""

from portal.applications.layout import CallForm, call_form
from portal.applications.models import Application, Document
from portal.applications.sections import SECTIONS_BY_KEY, Identifies, blind_reason
from portal.storage import EXTENSIONS


def reviewer_answers(application: Application, form: CallForm | None = None):
    """The answers a reviewer of this application sees, as CallForm.display_answers gives
    them: in a blind call, none of a question not marked for blind reviewers."""
    form = form or call_form(application.call)
    return form.display_answers(application, blind=application.call.blind_review)


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


def hidden_from_reviewers(application: Application, form: CallForm | None = None
                          ) -> list[tuple[str, list[str]]]:
    """(why, labels of the answers and documents) hidden from this application's reviewers,
    for the review page to say; none unless the call is blind. Answers the call does not ask
    (hidden built-in ones) are not listed; its questions kept from blind reviewers are, under
    Identifies.question."""
    if not application.call.blind_review:
        return []
    form = form or call_form(application.call)
    hidden = {reason: [] for reason in Identifies}
    for section in form.form_section_list:
        for name in form.field_names(section):
            reason = form.blind_reason(section, name)
            if reason is not None:
                hidden[reason].append(form.field_label(section, name))
    documents = SECTIONS_BY_KEY["documents"]
    for kind in form.document_kinds():
        reason = blind_reason(documents, kind.value)
        if reason is not None:
            hidden[reason].append(kind.label)
    return [(reason.reason, labels) for reason, labels in hidden.items() if labels]
