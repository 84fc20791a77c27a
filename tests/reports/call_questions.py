"""A call's own questions of every kind, with answers, for the reports' tests."""

import io

from portal.applications.models import Application, ApplicationSection, Document, DocumentKind
from portal.extensions import db
from portal.questions.models import FormSection, Question, QuestionKind
from portal.storage import storage
from tests.conftest import PDF_BYTES

THEMES = [{"key": "risk", "en": "Risk management", "ru": "Управление рисками"},
          {"key": "ecom", "en": "E-commerce", "ru": "Электронная торговля"}]


def add_questions(call, *, blind_visible_file=False) -> dict[str, Question]:
    """One question of each kind, in built-in sections and an own one ("extra-1")."""
    db.session.add(FormSection(call_id=call.id, key="extra-1", position=1,
                               title_en="Further questions", title_ru="Дополнительные вопросы"))
    made = {
        "theme": Question(section_key="motivation", position=1,
                          kind=QuestionKind.single_choice, text_en="Theme", text_ru="Тема",
                          choices=THEMES, blind_visible=True),
        "years": Question(section_key="professional", position=1, kind=QuestionKind.number,
                          text_en="Years in risk management", text_ru="Лет в управлении рисками",
                          min_value=0, max_value=40),
        "fellow": Question(section_key="professional", position=2, kind=QuestionKind.yes_no,
                           text_en="Fellow before?", text_ru="Были стажёром?"),
        "case": Question(section_key="extra-1", position=1, kind=QuestionKind.long_text,
                         text_en="Describe a case", text_ru="Опишите случай", word_limit=200),
        "unit": Question(section_key="extra-1", position=2, kind=QuestionKind.short_text,
                         text_en="Unit", text_ru="Подразделение"),
        "start": Question(section_key="extra-1", position=3, kind=QuestionKind.date,
                          text_en="Start date", text_ru="Дата начала"),
        "activities": Question(section_key="extra-1", position=4,
                               kind=QuestionKind.multiple_choice, text_en="Activities",
                               text_ru="Мероприятия", choices=THEMES),
        "report": Question(section_key="extra-1", position=5, kind=QuestionKind.file,
                           text_en="Report", text_ru="Отчёт", file_types=["pdf"],
                           blind_visible=blind_visible_file),
    }
    for question in made.values():
        question.call_id = call.id
        db.session.add(question)
    db.session.commit()
    return made


def answer(application: Application, questions: dict[str, Question], values: dict) -> None:
    """Store answers (by the names of add_questions) in the application's sections."""
    for name, value in values.items():
        question = questions[name]
        section = application.section(question.section_key)
        if section is None:
            section = ApplicationSection(key=question.section_key, answers={})
            application.sections.append(section)
        section.answers = {**(section.answers or {}), question.answer_key: value}
    db.session.commit()


def attach(application: Application, question: Question, name="my report.pdf") -> Document:
    """A PDF answering a file question, stored as an upload would be."""
    stored = storage().save(io.BytesIO(PDF_BYTES), max_size=10_000_000)
    document = Document(application_id=application.id, kind=DocumentKind.answer,
                        question_id=question.id, original_name=name,
                        content_type="application/pdf", size=stored.size, sha256=stored.sha256,
                        storage_key=stored.key)
    db.session.add(document)
    db.session.commit()
    db.session.refresh(application)
    return document


FULL = {"theme": "ecom", "years": 7, "fellow": False, "case": "=cmd|' /C calc'!A0 a case",
        "unit": "Risk unit", "start": "2027-09-01", "activities": ["risk", "ecom"]}
