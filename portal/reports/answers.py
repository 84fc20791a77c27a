"""The answers to a call's own questions, read for a whole call at once (exports, archive).

Four queries whatever the number of questions and applications: the questions, the call's own
sections (for the order), the stored answers of the sections that hold questions, and the files
that answer them.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.applications.layout import BUILTIN_QUESTION_SECTIONS
from portal.applications.models import Application, ApplicationSection, Document, DocumentKind
from portal.extensions import db
from portal.questions import kinds
from portal.questions.models import FormSection, Question, QuestionKind, questions_of, sections_of
from portal.storage import document_name


@dataclass
class CallAnswers:
    """Every stored answer to the questions of one call, by application."""

    questions: list[Question]
    # application id → {(section key, answer key): stored answer}
    stored: dict[int, dict[tuple[str, str], object]] = field(default_factory=dict)
    # application id → {question id: [file names]}
    files: dict[int, dict[int, list[str]]] = field(default_factory=dict)

    def answer(self, application_id: int, question: Question):
        return self.stored.get(application_id, {}).get((question.section_key,
                                                        question.answer_key))

    def file_names(self, application_id: int, question: Question) -> list[str]:
        return self.files.get(application_id, {}).get(question.id, [])

    def is_answered(self, question: Question) -> bool:
        if question.kind == QuestionKind.file:
            return any(question.id in files for files in self.files.values())
        return any(kinds.is_answered(question, self.answer(application_id, question))
                   for application_id in self.stored)

    def export_value(self, application_id: int, question: Question):
        """The cell of a spreadsheet: a number stays a number, a choice is its text in the
        current language, a file question's answer is the names of its files."""
        if question.kind == QuestionKind.file:
            return ", ".join(self.file_names(application_id, question))
        return kinds.export_value(question, self.answer(application_id, question))


def call_answers(call) -> CallAnswers:
    """The answers to every question of `call`, those of retired questions included."""
    questions = in_form_order(questions_of(call.id, include_retired=True), sections_of(call.id))
    answers = CallAnswers(questions)
    if not questions:
        return answers
    keys = {q.section_key for q in questions if q.kind != QuestionKind.file}
    if keys:
        for application_id, key, stored in db.session.execute(
                sa.select(ApplicationSection.application_id, ApplicationSection.key,
                          ApplicationSection.answers)
                .join(Application, Application.id == ApplicationSection.application_id)
                .where(Application.call_id == call.id, ApplicationSection.key.in_(sorted(keys)))):
            own = answers.stored.setdefault(application_id, {})
            for name, value in (stored or {}).items():
                own[(key, name)] = value
    if any(q.kind == QuestionKind.file for q in questions):
        for application_id, question_id, original, content_type in db.session.execute(
                sa.select(Document.application_id, Document.question_id, Document.original_name,
                          Document.content_type)
                .join(Application, Application.id == Document.application_id)
                .where(Application.call_id == call.id, Document.kind == DocumentKind.answer,
                       Document.question_id.is_not(None))
                .order_by(Document.id)):
            answers.files.setdefault(application_id, {}).setdefault(question_id, []).append(
                document_name(original, content_type))
    return answers


def in_form_order(questions: list[Question], own: list[FormSection]) -> list[Question]:
    """Questions as the form asks them: the built-in sections' in their order, then the call's
    own sections'; by position within each."""
    order = {key: n for n, key in enumerate(BUILTIN_QUESTION_SECTIONS)}
    order.update({s.key: len(order) + n for n, s in enumerate(own)})
    return sorted(questions, key=lambda q: (order.get(q.section_key, len(order)), q.position,
                                            q.id))


def exported_questions(answers: CallAnswers) -> list[Question]:
    """The columns of an export: every live question, and a retired one that has answers."""
    return [q for q in answers.questions if not q.is_retired or answers.is_answered(q)]
