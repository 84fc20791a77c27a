"""What the form builder reads of a call's form: its outline in order, which questions have
answers, where a question may go. Each in a constant number of queries."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.applications.models import Application, ApplicationSection, Document
from portal.applications.sections import FORM_SECTIONS
from portal.calls.models import Call
from portal.extensions import db
from portal.questions.models import FormSection, Question

BUILTIN_SECTION_KEYS = tuple(section.key for section in FORM_SECTIONS)


@dataclass
class OutlineSection:
    """A section of the builder's page: a built-in one or one of the call's own."""

    key: str
    title: object
    form_section: FormSection | None = None
    # (number among the live questions of the whole form, or None when retired; question)
    questions: list = field(default_factory=list)


def form_outline(questions: list[Question], form_sections: list[FormSection]
                 ) -> list[OutlineSection]:
    """Every section in the form's order with its questions (retired ones included), each
    live question numbered through the whole form as the gate's messages number it."""
    outline = [OutlineSection(s.key, s.title) for s in FORM_SECTIONS]
    outline += [OutlineSection(s.key, s.text("title"), form_section=s) for s in form_sections]
    by_key = {section.key: section for section in outline}
    for question in sorted(questions, key=lambda q: (q.position, q.id)):
        if question.section_key in by_key:
            by_key[question.section_key].questions.append([None, question])
    number = 0
    for section in outline:
        for row in section.questions:
            if not row[1].is_retired:
                number += 1
                row[0] = number
        section.questions = [tuple(row) for row in section.questions]
    return outline


def answered_question_ids(call: Call, questions: list[Question]) -> set[int]:
    """The ids of those questions that some application of the call has answered: a
    non-empty answer under the question's key, or a file naming it (two queries, whatever
    the number of questions and applications)."""
    if not questions:
        return set()
    keys = {q.section_key for q in questions}
    answered_keys = set()
    rows = db.session.execute(
        sa.select(ApplicationSection.answers).join(Application)
        .where(Application.call_id == call.id, ApplicationSection.key.in_(keys)))
    for (answers,) in rows:
        answered_keys.update(key for key, value in (answers or {}).items()
                             if value not in (None, "", []))
    with_files = set(db.session.scalars(
        sa.select(Document.question_id).join(Application)
        .where(Application.call_id == call.id,
               Document.question_id.in_([q.id for q in questions])).distinct()))
    return {q.id for q in questions if q.answer_key in answered_keys or q.id in with_files}


def section_keys(call: Call) -> list[str]:
    """Where a question may go: the built-in sections and the call's own."""
    own = db.session.scalars(sa.select(FormSection.key).where(FormSection.call_id == call.id)
                             .order_by(FormSection.position, FormSection.id))
    return [*BUILTIN_SECTION_KEYS, *own]
