"""The sections of an application, in order, what each needs to be complete, and what of it a
blind reviewer may see."""

import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.applications import forms
from portal.applications.models import Application, DocumentKind


class Identifies(enum.StrEnum):
    """What an answer or a document would tell a blind reviewer: the reason it is hidden."""

    applicant = "applicant"
    office = "office"
    nominator = "nominator"
    # One of the call's own questions that its coordinators did not mark for blind reviewers.
    question = "question"

    @property
    def reason(self) -> str:
        return str(IDENTIFIES_REASONS[self])


IDENTIFIES_REASONS = {
    Identifies.applicant: _l("These name the applicant or say how to reach them."),
    Identifies.office: _l("These name or point to the applicant's administration, office or "
                          "country (a position or a language often does)."),
    Identifies.nominator: _l("These name the official who nominated the applicant."),
    Identifies.question: _l("The programme office keeps the answers to these questions of "
                            "the call from blind reviewers."),
}
SHOWN = None  # an answer a blind reviewer may see


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy string
    form_class: type | None  # None: the documents section, which has its own page
    required: tuple[str, ...] = ()
    # Every answer (for the documents section: every DocumentKind) declares whether a blind
    # reviewer may see it (SHOWN) or what it would tell them. This is the one place that
    # decides it: the reviewer's page, their downloads and the permissions all read it.
    blind: dict[str, Identifies | None] = field(default_factory=dict, compare=False)


SECTIONS = [
    Section("personal", _l("Personal details"), forms.PersonalForm,
            ("full_name", "date_of_birth", "phone"),
            blind={"full_name": Identifies.applicant, "native_name": Identifies.applicant,
                   "date_of_birth": Identifies.applicant, "phone": Identifies.applicant}),
    Section("professional", _l("Professional background"), forms.ProfessionalForm,
            ("administration_code", "department", "position", "years_in_service", "expertise"),
            # A position is usually written with its unit and office ("inspector of the
            # clearance division of Bishkek customs"); the anonymised CV tells the career.
            blind={"administration_code": Identifies.office, "department": Identifies.office,
                   "position": Identifies.office, "years_in_service": SHOWN,
                   "expertise": SHOWN}),
    Section("languages", _l("Languages"), forms.LanguagesForm,
            ("english_level", "russian_level"),
            # Other languages ("Kyrgyz, native") tell the country.
            blind={"english_level": SHOWN, "russian_level": SHOWN,
                   "other_languages": Identifies.office}),
    Section("motivation", _l("Motivation and proposed project"), forms.MotivationForm,
            ("motivation", "project_title", "project_description"),
            blind={"motivation": SHOWN, "project_title": SHOWN, "project_description": SHOWN}),
    Section("nomination", _l("Nomination"), forms.NominationForm,
            ("nominator_name", "nominator_title", "nominator_email"),
            blind={"nominator_name": Identifies.nominator,
                   "nominator_title": Identifies.nominator,
                   "nominator_email": Identifies.nominator}),
    Section("documents", _l("Documents"), None,
            # CVs and certificates carry the applicant's name; the anonymised CV is the copy
            # the applicant cleaned for a blind call.
            blind={DocumentKind.cv.value: Identifies.applicant,
                   DocumentKind.anonymised_cv.value: SHOWN,
                   DocumentKind.nomination_letter.value: Identifies.nominator,
                   DocumentKind.certificate.value: Identifies.applicant,
                   # A file answering a question of the call: hidden unless its question is
                   # marked for blind reviewers (Document.shown_to_reviewers).
                   DocumentKind.answer.value: Identifies.question}),
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
FORM_SECTIONS = [s for s in SECTIONS if s.form_class is not None]
REQUIRED_DOCUMENTS = (DocumentKind.cv, DocumentKind.nomination_letter)


def blind_reason(section: Section, name: str) -> Identifies | None:
    """Why a blind reviewer may not see this answer (or kind of document), or None if they may.

    An answer without a declaration raises KeyError: shown to no one rather than leaked
    (tests/applications/test_sections.py finds one first).
    """
    return section.blind[name]


def document_kinds(call) -> list[DocumentKind]:
    """The kinds of document an applicant may upload to this call: an anonymised CV only
    when the call is reviewed blind."""
    return [kind for kind in DocumentKind if kind != DocumentKind.answer
            and (kind != DocumentKind.anonymised_cv or call.blind_review)]


def missing_answers(section: Section, answers: dict) -> list[str]:
    """Names of the required answers this section still lacks."""
    return [name for name in section.required if answers.get(name) in (None, "", [])]


def missing_documents(application: Application) -> list[DocumentKind]:
    return [kind for kind in REQUIRED_DOCUMENTS if not application.documents_of(kind)]


def section_is_complete(application: Application, section: Section) -> bool:
    if section.form_class is None:
        return not missing_documents(application)
    stored = application.section(section.key)
    return bool(stored and stored.complete)


def progress(application: Application) -> list[tuple[Section, bool]]:
    return [(section, section_is_complete(application, section)) for section in SECTIONS]


def next_section(key: str) -> Section | None:
    keys = [s.key for s in SECTIONS]
    index = keys.index(key)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def field_label(section: Section, name: str) -> str:
    """The label of a field, for lists of what is missing (built without a request's form)."""
    unbound = getattr(section.form_class, name)
    return str(unbound.args[0] if unbound.args else unbound.kwargs.get("label", name))


def display_answers(application: Application, *, blind: bool = False
                    ) -> list[tuple[Section, list[tuple[str, str]]]]:
    """Each form section's answers as (label, text) pairs, ready to show, as the application's
    call asks them (layout.CallForm.display_answers). With `blind`, only those a blind
    reviewer may see, and no section left empty by that."""
    from portal.applications.layout import call_form

    return call_form(application.call).display_answers(application, blind=blind)


def display_builtin_value(name: str, value) -> str:
    """A built-in answer as a person reads it: the administration's and levels' names, a date
    in words."""
    from datetime import date

    from flask_babel import format_date, get_locale

    from portal.administrations.models import Administration
    from portal.applications.forms import CEFR_LEVELS
    from portal.extensions import db

    if name == "administration_code" and value:
        administration = db.session.get(Administration, value)
        value = administration.name(get_locale()) if administration else value
    elif name.endswith("_level") and value:
        value = {code: str(label) for code, label in CEFR_LEVELS if code}.get(value, value)
    elif name == "date_of_birth" and value:
        value = format_date(date.fromisoformat(value), "long")
    return "" if value is None else str(value)


def field_names(section: Section) -> list[str]:
    """The answers of a form section, in the order its form declares them."""
    skip = {"version", "save", "csrf_token"}
    form_class = section.form_class
    names = [name for name in dir(form_class)
             if not name.startswith("_") and name not in skip
             and hasattr(getattr(form_class, name), "field_class")]
    # In the order the form declares them.
    return sorted(names, key=lambda n: getattr(form_class, n).creation_counter)
