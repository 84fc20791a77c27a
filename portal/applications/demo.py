"""Demo applications in several states, for a newcomer to click through."""

import io

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role
from portal.accounts.services import Profile, create_user, find_user_by_email
from portal.applications import services
from portal.applications.layout import call_form
from portal.applications.models import Application, ApplicationSection, DocumentKind
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.questions.demo import ACTIVITIES, CASES, THEMES
from portal.questions.models import Question, QuestionKind

# A minimal, valid one-page PDF, good enough to stand for a CV in the demo.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
            b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")

# name, native name, administration, language, years, what happens to the application
EXTRA_APPLICANTS = [
    ("Giorgi Kapanadze", "გიორგი კაპანაძე", "GE", "en", 9, "submitted"),
    ("Ayşe Demir", None, "TR", "en", 14, "submitted"),
    ("Nurlan Abenov", "Нурлан Абенов", "KZ", "ru", 7, "submitted"),
    ("Marija Jovanović", "Марија Јовановић", "RS", "en", 11, "submitted"),
    ("Aibek Toktogulov", "Айбек Токтогулов", "KG", "ru", 5, "submitted"),
    ("Olena Shevchenko", "Олена Шевченко", "UA", "en", 16, "withdrawn"),
    ("Arman Grigoryan", "Арман Григорян", "AM", "ru", 2, "screened_out"),
    ("Rustam Nazarov", "Рустам Назаров", "TJ", "ru", 8, "draft"),
]


def demo_answers(name, native, code, years, language):
    russian = language == "ru"
    return {
        "personal": {"full_name": name, "native_name": native or "", "date_of_birth": "1986-05-17",
                     "phone": "+994 12 000 00 00"},
        "professional": {
            "administration_code": code,
            "department": "Управление рисками" if russian else "Risk management",
            "position": "Главный инспектор" if russian else "Senior inspector",
            "years_in_service": years,
            "expertise": ("Анализ рисков, постконтрольный аудит, таможенная стоимость" if russian
                          else "Risk analysis, post-clearance audit, customs valuation")},
        "languages": {"english_level": "B2", "russian_level": "C1" if not russian else "native",
                      "other_languages": ""},
        "motivation": {
            "motivation": ("Я хочу изучить опыт региона в области управления рисками и "
                           "применить его в своей администрации." if russian else
                           "I want to learn from the region's experience in risk management "
                           "and bring it back to my administration."),
            "project_title": ("Общие профили рисков для транзита" if russian
                              else "Shared risk profiles for transit"),
            "project_description": ("Проект по обмену профилями рисков между администрациями."
                                    if russian else
                                    "A project on exchanging risk profiles between "
                                    "administrations.")},
        "nomination": {"nominator_name": "Director General", "nominator_title": "Head of service",
                       "nominator_email": "nominations@customs.example"},
    }


def fill_demo_application(application, answers, applicant, *, now, documents=True):
    form = call_form(application.call)
    for section in form.form_section_list:
        stored = application.section(section.key)
        names = form.field_names(section)
        given = {**{k: v for k, v in answers.get(section.key, {}).items() if k in names},
                 **{q.answer_key: _demo_answer(q, application.language)
                    for q in section.questions if q.kind != QuestionKind.file}}
        files = {q: _DemoUpload(f"{q.answer_key}.pdf") for q in section.questions
                 if q.kind == QuestionKind.file} if documents else {}
        services.save_section(application, section.key, answers=given,
                              expected_version=stored.version if stored else 0, now=now,
                              files=files, actor=applicant, form=form)
    if documents:
        # The CV, the letter, and in a blind call an anonymised CV; no certificates.
        for kind in [k for k in form.document_kinds() if k != DocumentKind.certificate]:
            services.add_document(application, kind=kind, stream=io.BytesIO(DEMO_PDF),
                                  filename=f"{kind.value.replace('_', '-')}.pdf",
                                  actor=applicant, now=now)


class _DemoUpload:
    """The demo PDF as an upload answering a file question."""

    def __init__(self, filename: str):
        self.filename, self.stream = filename, io.BytesIO(DEMO_PDF)


def _demo_answer(question, language: str):
    """An answer that fits the question, whatever its kind, and that keeps to its rule."""
    from portal.questions.rules import rule_passes

    kind = question.kind
    if kind in (QuestionKind.short_text, QuestionKind.long_text):
        return "Ответ для демонстрации." if language == "ru" else "A demonstration answer."
    if kind == QuestionKind.date:
        return "2020-09-01"
    if kind == QuestionKind.number:
        candidates = [v for v in (question.rule_value, question.min_value, question.max_value,
                                  0) if isinstance(v, int) and not isinstance(v, bool)]
    elif kind == QuestionKind.yes_no:
        candidates = [True, False]
    else:
        keys = [choice["key"] for choice in question.choices or []]
        candidates = [[key] for key in keys] if kind == QuestionKind.multiple_choice else keys
    fitting = [value for value in candidates if _in_range(question, value)
               and rule_passes(question, value)]
    return fitting[0] if fitting else (candidates[0] if candidates else None)


def _in_range(question, value) -> bool:
    if question.kind != QuestionKind.number:
        return True
    return (question.min_value is None or value >= question.min_value) and \
        (question.max_value is None or value <= question.max_value)


def seed_demo_applications(call: Call, password: str, *, now=None) -> int:
    """Applications of demo applicants to a call, unless it has some already.

    `now` is the moment they are made: a moment while the call was open, for a call that
    has closed since.
    """
    now = now or utcnow()
    if db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                         .where(Application.call_id == call.id)):
        return 0
    coordinator = find_user_by_email("coordinator@demo.rocb.example")
    created = 0
    for index, (name, native, code, language, years, outcome) in enumerate(EXTRA_APPLICANTS):
        email = f"applicant{index + 1}@demo.rocb.example"
        applicant = find_user_by_email(email) or create_user(
            email=email, password=password, roles=(Role.applicant,), verified=True,
            profile=Profile(full_name=name, native_name=native, administration_code=code,
                            position="Inspector", preferred_language=language,
                            time_zone=current_app.config["OFFICE_TIMEZONE"]))
        application = services.start_application(call, applicant=applicant, language=language,
                                                 now=now)
        fill_demo_application(application, demo_answers(name, native, code, years, language), applicant, now=now,
              documents=outcome != "draft")
        if outcome != "draft":
            services.submit_application(application, actor=applicant, now=now)
        if outcome == "withdrawn":
            services.withdraw_application(application, actor=applicant, now=now)
        if outcome == "screened_out" and coordinator is not None:
            services.screen_out(application, actor=coordinator, now=now,
                                reason="Less than three years in customs service.",
                                reason_ru="Стаж службы в таможенных органах — менее трёх лет.")
        created += 1
    english = find_user_by_email("applicant.en@demo.rocb.example")
    if english is not None and call.is_open_at(utcnow()) \
            and call_form(call).section("languages") is not None:  # a draft half done, to resume
        application = services.start_application(call, applicant=english, language="en",
                                                 now=now)
        services.save_section(application, "languages", answers={
            "english_level": "C1", "russian_level": "A2", "other_languages": "Romanian (native)"},
            expected_version=0, now=now)
        created += 1
    return created


def answer_demo_questions(call, questions: list[Question]) -> int:
    """Answers to the demo questions for the call's applications that have started their
    sections (the demo's; files are not given). Returns how many. Flushes."""
    applications = db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id).order_by(Application.id)).all()
    answered = 0
    for index, application in enumerate(applications):
        if application.section("motivation") is None:
            continue
        answers = _question_answers(index)
        for question in questions:
            if question.kind == QuestionKind.file:
                continue
            section = application.section(question.section_key)
            if section is None:
                section = ApplicationSection(key=question.section_key, answers={}, complete=True)
                application.sections.append(section)
            # A new dict, so that the JSON column sees the change.
            section.answers = {**section.answers, question.answer_key: answers[question.kind]}
        answered += 1
    db.session.flush()
    return answered


def _question_answers(index: int) -> dict:
    return {
        QuestionKind.single_choice: THEMES[index % 3]["key"],
        QuestionKind.yes_no: False,
        QuestionKind.number: 2 + (index * 3) % 12,
        QuestionKind.long_text: CASES[index % 2],
        QuestionKind.short_text: "Risk analysis unit" if index % 2 else None,
        QuestionKind.date: f"2027-{9 + index % 3:02d}-01",
        QuestionKind.multiple_choice: [a["key"] for a in ACTIVITIES[: index % 3 + 1]],
    }
