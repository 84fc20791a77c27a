"""The demo call's own questions, in English and Russian, and the demo applicants' answers.

The 2027 demo call asks one question of each kind: a theme to choose (seen by blind reviewers),
whether the applicant was a fellow before (an eligibility rule: no), years of risk-management
experience (0–40), a case described in at most 200 words, a short text, and in a section of its
own ("Further questions") a date, several choices and a PDF. Made once, by the demo seeding
(portal/demo.py), which then gives the demo applications answers to them
(applications/demo.py: answer_demo_questions).
"""

import sqlalchemy as sa

from portal.extensions import db
from portal.questions.models import FormSection, Question, QuestionKind, RuleOperator

EXTRA = "extra-1"

THEMES = [
    {"key": "risk", "en": "Risk management and targeting",
     "ru": "Управление рисками и отбор объектов контроля"},
    {"key": "ecommerce", "en": "E-commerce and postal traffic",
     "ru": "Электронная торговля и почтовые отправления"},
    {"key": "facilitation", "en": "Trade facilitation and the Revised Kyoto Convention",
     "ru": "Упрощение процедур торговли и Пересмотренная Киотская конвенция"},
]
ACTIVITIES = [
    {"key": "workshop", "en": "A regional workshop", "ru": "Региональный семинар"},
    {"key": "elearning", "en": "A WCO e-learning course", "ru": "Дистанционный курс ВТамО"},
    {"key": "mission", "en": "A technical assistance mission",
     "ru": "Миссия технической помощи"},
]

# section key, kind, English and Russian texts and help, and the rest of the question's fields.
QUESTIONS = [
    ("motivation", QuestionKind.single_choice, "Which of the three themes do you choose?",
     "Какую из трёх тем вы выбираете?",
     "Your fellowship project will be on this theme.", "Ваш проект стажировки будет посвящён этой теме.",
     {"required": True, "blind_visible": True, "choices": THEMES}),
    ("professional", QuestionKind.yes_no, "Have you been a fellow of a WCO programme before?",
     "Были ли вы ранее стажёром одной из программ ВТамО?", "", "",
     {"required": True, "blind_visible": True, "rule_operator": RuleOperator.equals,
      "rule_value": False,
      "rule_message_en": "The programme is for officers who have not been WCO fellows before.",
      "rule_message_ru": "Программа предназначена для сотрудников, которые ещё не были "
                         "стажёрами ВТамО."}),
    ("professional", QuestionKind.number, "Years of experience in risk management",
     "Стаж работы в сфере управления рисками (лет)",
     "Whole years; 0 if none.", "Полных лет; 0, если такого опыта нет.",
     {"required": True, "blind_visible": True, "min_value": 0, "max_value": 40}),
    ("motivation", QuestionKind.long_text, "Describe a risk-management case you handled",
     "Опишите случай из вашей практики управления рисками",
     "What was at stake, what you did and what came of it.",
     "Что было поставлено на карту, что вы сделали и к чему это привело.",
     {"required": True, "word_limit": 200}),
    ("professional", QuestionKind.short_text, "Name of your unit in English",
     "Название вашего подразделения на английском языке", "", "", {}),
    (EXTRA, QuestionKind.date, "From what date could you start the fellowship?",
     "С какой даты вы могли бы начать стажировку?", "", "", {"blind_visible": True}),
    (EXTRA, QuestionKind.multiple_choice,
     "Which ROCB Europe activities have you taken part in?",
     "В каких мероприятиях ROCB Europe вы участвовали?", "Tick every one that applies.",
     "Отметьте все подходящие варианты.", {"blind_visible": True, "choices": ACTIVITIES}),
    (EXTRA, QuestionKind.file, "A report or study you wrote (PDF)",
     "Отчёт или исследование, написанное вами (PDF)", "At most 5 MB.", "Не более 5 МБ.",
     {"file_types": ["pdf"], "max_size_mb": 5}),
]


def seed_demo_questions(call) -> list[Question]:
    """The demo questions of `call` and its section "Further questions", unless it has
    questions already (then nothing, and []). Flushes."""
    if db.session.scalar(sa.select(Question.id).where(Question.call_id == call.id).limit(1)):
        return []
    db.session.add(FormSection(call_id=call.id, key=EXTRA, position=1,
                               title_en="Further questions", title_ru="Дополнительные вопросы",
                               intro_en="A few more questions about your experience.",
                               intro_ru="Ещё несколько вопросов о вашем опыте."))
    made = []
    for position, (section, kind, text_en, text_ru, help_en, help_ru, rest) in \
            enumerate(QUESTIONS, start=1):
        question = Question(call_id=call.id, section_key=section, position=position, kind=kind,
                            text_en=text_en, text_ru=text_ru, help_en=help_en, help_ru=help_ru,
                            **rest)
        db.session.add(question)
        made.append(question)
    db.session.flush()
    return made


CASES = [
    "A shipment of declared spare parts was flagged by our price profile; the inspection "
    "found undervalued engines, and the profile is now shared with two neighbours.",
    "We merged three local risk profiles for tobacco into one national profile, which halved "
    "the number of inspections and found more cases.",
]
