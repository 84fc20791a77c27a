"""Questions of a call for the applications' tests: one of each kind, in their sections."""

import sqlalchemy as sa

from portal.extensions import db
from portal.questions.models import FormSection, Question, QuestionKind, RuleOperator

# Bytes of a PNG image (1x1), judged a PNG by its content.
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
             b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
             b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

CHOICES = [{"key": "a", "en": "Risk management", "ru": "Управление рисками"},
           {"key": "b", "en": "Trade facilitation", "ru": "Упрощение торговли"},
           {"key": "c", "en": "Enforcement", "ru": "Правоприменение"}]


def add_question(call, kind: QuestionKind, *, section: str = "extra-1", commit=True,
                 **fields) -> Question:
    """A question of the call in `section` (a built-in key, or an own section made if need
    be), last in it."""
    if section.startswith("extra") and db.session.scalar(sa.select(FormSection).where(
            FormSection.call_id == call.id, FormSection.key == section)) is None:
        db.session.add(FormSection(call_id=call.id, key=section, position=int(section[6:]),
                                   title_en=f"Further questions {section}",
                                   title_ru=f"Дополнительные вопросы {section}",
                                   intro_en="Tell us more.", intro_ru="Расскажите больше."))
    position = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.call_id == call.id, Question.section_key == section))
    defaults = {"text_en": f"Question {kind.value}", "text_ru": f"Вопрос {kind.value}",
                "help_en": f"Help for {kind.value}", "help_ru": f"Подсказка: {kind.value}"}
    if kind.has_choices:
        defaults["choices"] = CHOICES
    if kind == QuestionKind.file:
        defaults.update(file_types=["pdf"], max_size_mb=1)
    question = Question(call_id=call.id, section_key=section, position=position, kind=kind,
                        **{**defaults, **fields})
    db.session.add(question)
    db.session.flush()
    if commit:
        db.session.commit()
    return question


def one_of_each(call, *, section="extra-1", required=False) -> dict[QuestionKind, Question]:
    """A question of every kind; the number one has a rule (at least 3)."""
    questions = {}
    for kind in QuestionKind:
        extra = {}
        if kind == QuestionKind.long_text:
            extra["word_limit"] = 5
        if kind == QuestionKind.number:
            extra.update(min_value=0, max_value=40, rule_operator=RuleOperator.at_least,
                         rule_value=3, text_en="Years in customs service",
                         text_ru="Стаж в таможенных органах")
        questions[kind] = add_question(call, kind, section=section, required=required,
                                       commit=False, **extra)
    db.session.commit()
    return questions


def answer_for(question: Question):
    """A stored answer that fits the question (its range, its rule); None for a file."""
    kind = question.kind
    return {QuestionKind.short_text: "A short answer", QuestionKind.long_text: "A long answer",
            QuestionKind.single_choice: "a", QuestionKind.multiple_choice: ["a", "b"],
            QuestionKind.yes_no: True, QuestionKind.number: 5,
            QuestionKind.date: "2020-05-01"}.get(kind)


def many_questions(call, count: int = 30) -> list[Question]:
    """`count` questions of every kind in turn, spread over two built-in sections and three
    of the call's own; every third one shown to blind reviewers, the numbers with a rule that
    answer_for keeps."""
    sections = ("professional", "motivation", "extra-1", "extra-2", "extra-3")
    kinds = list(QuestionKind)
    questions = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        extra = {"blind_visible": n % 3 == 0}
        if kind == QuestionKind.number:
            extra.update(min_value=0, max_value=40, rule_operator=RuleOperator.at_least,
                         rule_value=3)
        questions.append(add_question(call, kind, section=sections[n % len(sections)],
                                      commit=False, text_en=f"Question {n}",
                                      text_ru=f"Вопрос {n}", **extra))
    db.session.commit()
    return questions
