"""Each call's form: the built-in sections as the call sets them, with its own questions.

`call_form(call)` reads the call's questions and sections (two queries) and answers, for every
page of an application, what the fixed list in sections.py answered before: the sections in
order, each one's fields, what is required, the form class, what a blind reviewer may see, what
is missing and which eligibility rules an application breaks. A page builds it once and passes
it along, so the number of queries does not grow with the number of questions.
"""

from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l

from portal.applications.forms import SectionForm
from portal.applications.models import Application, DocumentKind
from portal.applications.sections import (
    FORM_SECTIONS,
    REQUIRED_DOCUMENTS,
    SECTIONS_BY_KEY,
    Identifies,
    Section,
)
from portal.applications.sections import field_label as builtin_label
from portal.applications.sections import field_names as builtin_names
from portal.questions import kinds, rules
from portal.questions.models import (
    BuiltinSetting,
    FormSection,
    Question,
    QuestionKind,
    questions_of,
    sections_of,
)

OPTIONAL, HIDDEN = BuiltinSetting.optional, BuiltinSetting.hidden
# The built-in answers (and documents) a call may make optional or leave out, and how: the
# rest (name, date of birth, administration, CV) the programme always needs. An answer that is
# optional already can only be hidden.
ADJUSTABLE: dict[str, tuple[BuiltinSetting, ...]] = {
    "native_name": (HIDDEN,),
    "phone": (OPTIONAL,),
    "department": (OPTIONAL, HIDDEN),
    "position": (OPTIONAL,),
    "years_in_service": (OPTIONAL, HIDDEN),
    "expertise": (OPTIONAL, HIDDEN),
    "english_level": (OPTIONAL, HIDDEN),
    "russian_level": (OPTIONAL, HIDDEN),
    "other_languages": (HIDDEN,),
    "motivation": (OPTIONAL,),
    "project_title": (OPTIONAL, HIDDEN),
    "project_description": (OPTIONAL, HIDDEN),
    "nominator_name": (OPTIONAL, HIDDEN),
    "nominator_title": (OPTIONAL, HIDDEN),
    "nominator_email": (OPTIONAL, HIDDEN),
    DocumentKind.nomination_letter.value: (OPTIONAL, HIDDEN),
    DocumentKind.certificate.value: (HIDDEN,),
}
BUILTIN_QUESTION_SECTIONS = tuple(section.key for section in FORM_SECTIONS)


class _Title:
    """A call's own section's title, read in the viewer's language when shown."""

    def __init__(self, form_section: FormSection):
        self.form_section = form_section

    def __str__(self) -> str:
        return self.form_section.text("title") or str(_l("Further questions"))

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


@dataclass(frozen=True)
class CallSection(Section):
    """A section as one call asks it."""

    questions: tuple[Question, ...] = field(default=(), compare=False)
    hidden: frozenset[str] = frozenset()
    form_section: FormSection | None = field(default=None, compare=False)

    @property
    def intro(self) -> str:
        return self.form_section.text("intro") if self.form_section else ""


def call_form(call) -> "CallForm":
    return CallForm(call, questions_of(call.id), sections_of(call.id))


class CallForm:
    def __init__(self, call, questions: list[Question], form_sections: list[FormSection]):
        self.call = call
        self.settings = dict(call.form_settings or {})
        self.questions = [q for q in questions if not q.is_retired]
        self.form_sections = form_sections
        self.by_answer_key = {q.answer_key: q for q in self.questions}

    # The sections ---------------------------------------------------------------------------

    @cached_property
    def sections(self) -> list[CallSection]:
        """Every section in order: the built-in ones that still ask something, the call's own,
        then the documents."""
        placed: dict[str, list[Question]] = {}
        for question in self.questions:
            placed.setdefault(question.section_key, []).append(question)
        for asked in placed.values():
            asked.sort(key=lambda q: (q.position, q.id))
        sections = []
        for builtin in FORM_SECTIONS:
            hidden = frozenset(name for name in builtin_names(builtin)
                               if self.settings.get(name) == HIDDEN)
            questions = tuple(placed.get(builtin.key, ()))
            if len(hidden) == len(builtin_names(builtin)) and not questions:
                continue
            required = tuple(name for name in builtin.required
                             if name not in hidden and self.settings.get(name) != OPTIONAL)
            sections.append(CallSection(
                builtin.key, builtin.title, builtin.form_class,
                required + tuple(q.answer_key for q in questions if q.required),
                builtin.blind, questions=questions, hidden=hidden))
        for own in self.form_sections:
            questions = tuple(placed.get(own.key, ()))
            if not questions:
                continue
            sections.append(CallSection(
                own.key, _Title(own), SectionForm,
                tuple(q.answer_key for q in questions if q.required), {},
                questions=questions, form_section=own))
        documents = SECTIONS_BY_KEY["documents"]
        sections.append(CallSection(documents.key, documents.title, None, (), documents.blind))
        return sections

    @property
    def form_section_list(self) -> list[CallSection]:
        return [s for s in self.sections if s.form_class is not None]

    def section(self, key: str) -> CallSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def next_section(self, key: str) -> CallSection | None:
        keys = [s.key for s in self.sections]
        index = keys.index(key)
        return self.sections[index + 1] if index + 1 < len(self.sections) else None

    # The documents ---------------------------------------------------------------------------

    def document_kinds(self) -> list[DocumentKind]:
        """The kinds of document the documents page offers (files answering a question are
        uploaded with their question)."""
        return [kind for kind in DocumentKind if kind != DocumentKind.answer
                and (kind != DocumentKind.anonymised_cv or self.call.blind_review)
                and self.settings.get(kind.value) != HIDDEN]

    def required_documents(self) -> list[DocumentKind]:
        return [kind for kind in REQUIRED_DOCUMENTS if self.settings.get(kind.value) is None]

    # The fields of a section -----------------------------------------------------------------

    def field_names(self, section: CallSection) -> list[str]:
        """A section's answers in order: the built-in ones it asks, then its questions."""
        names = [] if section.form_section is not None else [
            name for name in builtin_names(SECTIONS_BY_KEY[section.key])
            if name not in section.hidden]
        return names + [q.answer_key for q in section.questions]

    def field_label(self, section: CallSection, name: str) -> str:
        question = self.by_answer_key.get(name)
        if question is not None:
            return question.text("text")
        return builtin_label(SECTIONS_BY_KEY[section.key], name)

    def blind_reason(self, section: CallSection, name: str) -> Identifies | None:
        question = self.by_answer_key.get(name)
        if question is not None:
            return None if question.blind_visible else Identifies.question
        return section.blind[name]

    def form_class(self, section: CallSection, language: str | None = None) -> type:
        """The section's form: its built-in fields less the hidden ones, then a field per
        question, labelled in `language` (or the viewer's)."""
        attributes = {name: None for name in section.hidden}
        for question in section.questions:
            attributes[question.answer_key] = kinds.answer_field(question, language)
        return type(f"{section.form_class.__name__}ForCall", (section.form_class,), attributes)

    def form_data(self, section: CallSection, stored: dict) -> dict:
        """Stored answers as the section's form wants them (dates, yes/no, lists)."""
        data = dict(stored)
        for question in section.questions:
            data[question.answer_key] = kinds.to_form(question, stored.get(question.answer_key))
        return data

    def answers_from(self, section: CallSection, form) -> dict:
        """The answers of a validated section form as stored (file questions are stored as
        documents, not here)."""
        answers = form.answers()
        for name in section.hidden:
            answers.pop(name, None)
        for question in section.questions:
            if question.kind == QuestionKind.file:
                answers.pop(question.answer_key, None)
            else:
                answers[question.answer_key] = kinds.to_stored(
                    question, form[question.answer_key].data)
        return answers

    # Completeness and eligibility --------------------------------------------------------------

    def missing_answers(self, section: CallSection, answers: dict,
                        application: Application | None = None) -> list[str]:
        """Names of the required answers the section still lacks (a file question's answer is
        its document: with no application given, it counts as missing)."""
        answered_files = {d.question_id for d in application.documents} if application else set()
        missing = []
        for name in section.required:
            question = self.by_answer_key.get(name)
            if question is not None and question.kind == QuestionKind.file:
                if question.id not in answered_files:
                    missing.append(name)
            elif answers.get(name) in (None, "", []):
                missing.append(name)
        return missing

    def missing_documents(self, application: Application) -> list[DocumentKind]:
        return [kind for kind in self.required_documents()
                if not application.documents_of(kind)]

    def section_is_complete(self, application: Application, section: CallSection) -> bool:
        if section.form_class is None:
            return not self.missing_documents(application)
        return not self.missing_answers(section, application.answers(section.key), application) \
            and application.section(section.key) is not None

    def progress(self, application: Application) -> list[tuple[CallSection, bool]]:
        return [(s, self.section_is_complete(application, s)) for s in self.sections]

    def rule_failures(self, application: Application, language: str | None = None
                      ) -> list[tuple[Question, str]]:
        """(question, why) for each eligibility rule the application's answers break."""
        failures = []
        for question in self.questions:
            if question.has_rule:
                answer = application.answers(question.section_key).get(question.answer_key)
                message = rules.rule_failure(question, answer, language)
                if message is not None:
                    failures.append((question, message))
        return failures

    # Showing the answers ---------------------------------------------------------------------

    def display_answers(self, application: Application, *, blind: bool = False
                        ) -> list[tuple[CallSection, list[tuple[str, str]]]]:
        """Each form section's answers as (label, text) pairs, ready to show. With `blind`,
        only those a blind reviewer may see, and no section left empty by that."""
        from portal.applications.sections import display_builtin_value

        files = {}
        for document in application.documents:
            if document.question_id is not None:
                files.setdefault(document.question_id, []).append(document.file_name)
        shown = []
        for section in self.form_section_list:
            answers = application.answers(section.key)
            rows = []
            for name in self.field_names(section):
                if blind and self.blind_reason(section, name) is not None:
                    continue
                question = self.by_answer_key.get(name)
                if question is None:
                    value = display_builtin_value(name, answers.get(name))
                elif question.kind == QuestionKind.file:
                    value = ", ".join(files.get(question.id, []))
                else:
                    value = kinds.display_value(question, answers.get(name))
                rows.append((self.field_label(section, name), value))
            if rows or not blind:
                shown.append((section, rows))
        return shown

