"""The sections of an application, in order, and what each needs to be complete."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.applications import forms
from portal.applications.models import Application, DocumentKind


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy string
    form_class: type | None  # None: the documents section, which has its own page
    required: tuple[str, ...] = ()


SECTIONS = [
    Section("personal", _l("Personal details"), forms.PersonalForm,
            ("full_name", "date_of_birth", "phone")),
    Section("professional", _l("Professional background"), forms.ProfessionalForm,
            ("administration_code", "department", "position", "years_in_service", "expertise")),
    Section("languages", _l("Languages"), forms.LanguagesForm,
            ("english_level", "russian_level")),
    Section("motivation", _l("Motivation and proposed project"), forms.MotivationForm,
            ("motivation", "project_title", "project_description")),
    Section("nomination", _l("Nomination"), forms.NominationForm,
            ("nominator_name", "nominator_title", "nominator_email")),
    Section("documents", _l("Documents"), None),
]
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
FORM_SECTIONS = [s for s in SECTIONS if s.form_class is not None]
REQUIRED_DOCUMENTS = (DocumentKind.cv, DocumentKind.nomination_letter)


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


def display_answers(application: Application) -> list[tuple[Section, list[tuple[str, str]]]]:
    """Each form section's answers as (label, text) pairs, ready to show."""
    from flask_babel import format_date, get_locale

    from portal.administrations.models import Administration
    from portal.applications.forms import CEFR_LEVELS
    from portal.extensions import db

    levels = {code: str(label) for code, label in CEFR_LEVELS if code}
    shown = []
    for section in FORM_SECTIONS:
        answers = application.answers(section.key)
        rows = []
        for name in _field_names(section):
            value = answers.get(name)
            if name == "administration_code" and value:
                administration = db.session.get(Administration, value)
                value = administration.name(get_locale()) if administration else value
            elif name.endswith("_level") and value:
                value = levels.get(value, value)
            elif name == "date_of_birth" and value:
                from datetime import date

                value = format_date(date.fromisoformat(value), "long")
            rows.append((field_label(section, name), "" if value is None else str(value)))
        shown.append((section, rows))
    return shown


def _field_names(section: Section) -> list[str]:
    skip = {"version", "save", "csrf_token"}
    form_class = section.form_class
    names = [name for name in dir(form_class)
             if not name.startswith("_") and name not in skip
             and hasattr(getattr(form_class, name), "field_class")]
    # In the order the form declares them.
    return sorted(names, key=lambda n: getattr(form_class, n).creation_counter)
