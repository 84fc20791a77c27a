"""Copying a call takes its questions and own sections along (through calls.signals)."""

import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls import services
from portal.calls.models import CallState
from portal.questions.models import (
    FormSection,
    Question,
    QuestionKind,
    RuleOperator,
    questions_of,
    sections_of,
)
from tests.calls.factories import make_call

CHOICES = [{"key": "a", "en": "Audit", "ru": "Аудит"}, {"key": "b", "en": "Transit",
                                                         "ru": "Транзит"}]


def _questions(db, call):
    db.session.add(FormSection(call_id=call.id, key="extra-1", position=1, title_en="More",
                               title_ru="Ещё", intro_en="Intro", intro_ru="Введение"))
    db.session.add_all([
        Question(call_id=call.id, section_key="motivation", position=1,
                 kind=QuestionKind.single_choice, text_en="Theme?", text_ru="Тема?",
                 required=True, blind_visible=True, choices=CHOICES,
                 rule_operator=RuleOperator.one_of, rule_value=["a"],
                 rule_message_en="Only audit.", rule_message_ru="Только аудит."),
        Question(call_id=call.id, section_key="extra-1", position=2, kind=QuestionKind.number,
                 text_en="Years", text_ru="Лет", min_value=0, max_value=40),
        Question(call_id=call.id, section_key="extra-1", position=3, kind=QuestionKind.file,
                 text_en="Report", text_ru="Отчёт", file_types=["pdf"], max_size_mb=5),
    ])
    db.session.flush()


def _described(question):
    return (question.section_key, question.position, question.kind, question.text_en,
            question.text_ru, question.required, question.blind_visible, question.min_value,
            question.max_value, question.choices, question.file_types, question.max_size_mb,
            question.rule_operator, question.rule_value, question.rule_message_en,
            question.rule_message_ru)


def test_copy_call_copies_questions_and_own_sections(db):
    source = make_call(CallState.open)
    _questions(db, source)
    copy = services.copy_call(source, actor=None, programme_year=2028)
    assert [_described(q) for q in questions_of(copy.id)] == \
        [_described(q) for q in questions_of(source.id)]
    assert {q.call_id for q in questions_of(copy.id)} == {copy.id}
    assert [(s.key, s.position, s.title_en, s.title_ru, s.intro_en, s.intro_ru)
            for s in sections_of(copy.id)] == [("extra-1", 1, "More", "Ещё", "Intro",
                                                "Введение")]


def test_copy_call_leaves_retired_questions_behind(db):
    source = make_call()
    _questions(db, source)
    retired = db.session.scalar(sa.select(Question).where(Question.text_en == "Years"))
    retired.retired_at = source.created_at
    db.session.flush()
    copy = services.copy_call(source, actor=None)
    assert [q.text_en for q in questions_of(copy.id, include_retired=True)] == [
        "Report", "Theme?"]


def test_copy_call_copies_choices_as_new_objects(db):
    source = make_call()
    _questions(db, source)
    copy = services.copy_call(source, actor=None)
    copied = next(q for q in questions_of(copy.id) if q.choices)
    copied.choices[0]["en"] = "Changed"
    original = next(q for q in questions_of(source.id) if q.choices)
    assert original.choices[0]["en"] == "Audit"


def test_copy_call_is_audited_with_its_source(db):
    source = make_call()
    copy = services.copy_call(source, actor=None)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.copied"))
    assert (event.object_id, event.details) == (str(copy.id), {"source": source.id})
