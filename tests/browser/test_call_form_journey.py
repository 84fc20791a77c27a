"""Issue 13's journey: a call with its own form, from the builder to the blind reviewer.

A coordinator builds a call's own section with one question of every kind, in English and
Russian (the number has an eligibility rule; the short text and the file are hidden from blind
reviewers), is refused opening while one Russian choice is missing, fixes it and opens the
call. A Russian-speaking applicant answers every question, makes a mistake on each kind and
reads each error in Russian beside its field with nothing lost, is told the rule makes her
ineligible, corrects the answer and submits. The PDF copy, the dossier and the exports hold
every answer; the blind reviewer's pages, downloads and e-mails hold none of the hidden ones.
axe-core checks the pages on the way.

The built-in sections and the documents of the application are filled through the services
(tests/browser/test_application_journey.py walks them in the browser already), and the
reviewer is assigned by hand (tests/browser/test_review_journey.py assigns automatically):
this journey is about the call's own questions.
"""

import csv
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, format_date
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.accounts.models import User
from portal.applications.models import Application, ApplicationState, Document, DocumentKind
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.questions import rules
from portal.questions.models import Question, QuestionKind, questions_of
from portal.reviews.models import Assignment
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, is_translated, russian, russian_plural
from tests.conftest import COMPLETE_ANSWERS, PASSWORD, PDF_BYTES

pytestmark = pytest.mark.browser

COORDINATOR = {"email": "coordinator@rocb.example.org", "full_name": "Farid Aliyev"}
APPLICANT = {"email": "aigerim.bekova@example.org", "full_name": "Aigerim Bekova"}
REVIEWER = {"email": "reviewer@customs.example.org", "full_name": "Jonas Petrauskas"}
SECTION = {"title_en": "Your fellowship", "title_ru": "Ваша стажировка",
           "intro_en": "Questions of this call only.", "intro_ru": "Вопросы только этого конкурса."}
WORD_LIMIT = 20
THEMES = [("Trade facilitation", "Упрощение торговли"), ("Risk management", "Управление рисками"),
          ("Customs laboratories", "Таможенные лаборатории")]
LANGUAGES = [("English", "Английский"), ("Russian", "Русский"), ("Kazakh", "Казахский")]
# The questions in form order: (kind, English, Russian, settings). Blind reviewers may see
# every answer but the short text's and the file's (their default), the long text's included.
QUESTIONS = [
    (QuestionKind.short_text, "Customs post where you serve", "Таможенный пост, где вы служите",
     {}),
    (QuestionKind.long_text, "What would you like to learn?", "Чему вы хотели бы научиться?",
     {"word_limit": WORD_LIMIT, "blind_visible": True}),
    (QuestionKind.single_choice, "Theme of your fellowship", "Тема вашей стажировки",
     {"required": True, "blind_visible": True, "choices": THEMES, "help_en": "Choose one.",
      "help_ru": "Выберите одну."}),
    (QuestionKind.multiple_choice, "Languages of the documents you work with",
     "Языки документов, с которыми вы работаете",
     {"blind_visible": True, "choices": LANGUAGES}),
    (QuestionKind.yes_no, "Have you been a fellow of ROCB Europe before?",
     "Были ли вы раньше стажёром ROCB Europe?", {"blind_visible": True}),
    (QuestionKind.number, "Years of work in risk management", "Стаж работы в управлении рисками",
     {"blind_visible": True, "min_value": 0, "max_value": 40, "rule_operator": "at_least",
      "rule_number": 3}),
    (QuestionKind.date, "Earliest date you could start", "Самая ранняя дата начала стажировки",
     {"blind_visible": True}),
    (QuestionKind.file, "Scan of your diploma", "Скан диплома",
     {"file_types": ["pdf"], "max_size_mb": 2}),
]
THEME = 2  # the index of the single choice among QUESTIONS
MISSING_CHOICE = 1  # its second choice has no Russian text at first
# The applicant's answers, as she types them and as they are shown.
CUSTOMS_POST = "Пост «Достык», смена 3"
LEARN = "Хочу изучить общие профили рисков и обмен данными с соседними администрациями"
TOO_MANY_WORDS = " ".join(["слово"] * (WORD_LIMIT + 1))
START = "2027-03-01"
DIPLOMA = "Diploma-Bekova.pdf"


def heading(page):
    return page.get_by_role("heading", level=1)


def status_message(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def sign_in(page, user: dict) -> None:
    page.goto("/login")
    page.locator("main form input[name=email]").fill(user["email"])
    page.locator("main form input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def read(db, function):
    """`function()` against what the server has written by now, in a transaction ended at
    once (as tests/browser/test_review_journey.py's): it returns plain values, never an ORM
    object that would load itself later in a transaction left open."""
    db.session.expire_all()
    try:
        return function()
    finally:
        db.session.rollback()


def said_in_russian(msgid: str, **variables) -> str:
    """The message as the Russian catalog has it, which must be Russian once translated (a
    string merged into the catalog later is compared in English until then, as elsewhere)."""
    text = russian(msgid, **variables)
    if is_translated(msgid):
        assert_russian(text)
    return text


def in_russian(function, *args):
    with force_locale("ru"):
        return str(function(*args))


def without_spaces(text: str) -> str:
    return re.sub(r"[\s\u00ad]+", "", text)


def pdf_text(data: bytes) -> str:
    assert data[:5] == b"%PDF-", data[:80]
    return without_spaces(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def fetch(page, path: str):
    """A GET with the page's cookies (a download, read whole)."""
    return page.request.get(path)


def export(page, call_id: int, button: str):
    """An export of the call: its button on the reports page starts the job, whose page links
    to the file when it is done."""
    page.goto(f"/manage/calls/{call_id}/reports")
    page.get_by_role("button", name=button, exact=True).click()
    link = page.locator("#job-result-link")
    expect(link).to_be_visible()
    return fetch(page, link.get_attribute("href"))


# --- The coordinator builds the form ------------------------------------------------------------

KIND_LABELS = {QuestionKind.short_text: "Short text",
               QuestionKind.long_text: "Long text with a word limit",
               QuestionKind.single_choice: "One choice", QuestionKind.multiple_choice: "Several choices",
               QuestionKind.yes_no: "Yes or no", QuestionKind.number: "Whole number in a range",
               QuestionKind.date: "Date", QuestionKind.file: "File"}


def build_form_in_the_builder(page, call_id: int) -> None:
    """The coordinator adds a section of the call's own and a question of every kind to it,
    through the builder's pages (the theme's second choice without its Russian text), checking
    each kind's page with axe."""
    page.goto(f"/manage/calls/{call_id}")
    page.get_by_role("link", name="The call's form", exact=True).click()
    expect(heading(page)).to_have_text("The call's form")
    assert_accessible(page, "the builder's page of an empty form (en)")
    page.get_by_role("link", name="Add a section", exact=True).click()
    expect(heading(page)).to_have_text("New section")
    for name, label in (("title_en", "Title (English)"), ("title_ru", "Title (Russian)"),
                        ("intro_en", "Introduction (English, optional)"),
                        ("intro_ru", "Introduction (Russian, optional)")):
        page.get_by_label(label, exact=True).fill(SECTION[name])
    assert_accessible(page, "the builder's new section page (en)")
    page.get_by_role("button", name="Add the section").click()
    expect(heading(page)).to_have_text("The call's form")

    for index, (kind, text_en, text_ru, settings) in enumerate(QUESTIONS):
        page.get_by_role("link", name=f"Add a question to the section «{SECTION['title_en']}»",
                         exact=True).click()
        expect(heading(page)).to_have_text("New question")
        page.get_by_label(KIND_LABELS[kind], exact=True).check()
        if index == 0:
            assert_accessible(page, "the builder's choice of a question's kind (en)")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_label("Question (English)", exact=True)).to_be_visible()
        page.get_by_label("Question (English)", exact=True).fill(text_en)
        page.get_by_label("Question (Russian)", exact=True).fill(text_ru)
        if "help_en" in settings:
            page.get_by_label("Help text (English)", exact=True).fill(settings["help_en"])
            page.get_by_label("Help text (Russian)", exact=True).fill(settings["help_ru"])
        page.get_by_label("An answer is required", exact=True).set_checked(
            settings.get("required", False))
        # Ticked by default for all but free texts and files.
        expect(page.get_by_label("Blind reviewers may see the answer", exact=True)).to_be_checked(
            checked=kind not in (QuestionKind.short_text, QuestionKind.long_text, QuestionKind.file))
        page.get_by_label("Blind reviewers may see the answer", exact=True).set_checked(
            settings.get("blind_visible", False))
        if kind == QuestionKind.long_text:
            page.get_by_label("Most words", exact=True).fill(str(WORD_LIMIT))
        if kind == QuestionKind.number:
            # The ends the wrong way round first: refused beside the field, entries kept.
            smallest = page.get_by_label("Smallest number allowed (optional)", exact=True)
            largest = page.get_by_label("Largest number allowed (optional)", exact=True)
            smallest.fill(str(settings["max_value"]))
            largest.fill(str(settings["min_value"]))
            page.get_by_role("button", name="Save changes").click()
            expect(page.locator(f"#{largest.get_attribute('id')}-error")).to_have_text(
                "The largest number must not be below the smallest.")
            expect(page.get_by_label("Question (Russian)", exact=True)).to_have_value(text_ru)
            assert_accessible(page, "the builder's question page with an error (en)")
            smallest.fill(str(settings["min_value"]))
            largest.fill(str(settings["max_value"]))
            page.get_by_label("An eligible answer is", exact=True).select_option(label="at least")
            page.get_by_label("Number in the rule", exact=True).fill(str(settings["rule_number"]))
        for number, (english, russian_text) in enumerate(settings.get("choices", []), start=1):
            choice = page.get_by_role("group", name=f"Choice {number}", exact=True)
            choice.get_by_label("English", exact=True).fill(english)
            if not (index == THEME and number == MISSING_CHOICE + 1):
                choice.get_by_label("Russian", exact=True).fill(russian_text)
        if kind == QuestionKind.file:
            expect(page.get_by_label("PDF", exact=True)).to_be_checked()
            page.get_by_label("Largest file size in MB", exact=True).fill(
                str(settings["max_size_mb"]))
        assert_accessible(page, f"the builder's page of a new question: {kind.value} (en)")
        page.get_by_role("button", name="Save changes").click()
        expect(status_message(page, "The question has been added.")).to_be_visible()

    # Each row: number, (the question), kind, required, seen by blind reviewers, rule, actions.
    table = page.get_by_role("table", name=f"Questions of the section «{SECTION['title_en']}»")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(QUESTIONS))
    for index, (kind, text_en, _ru, settings) in enumerate(QUESTIONS):
        expect(rows.nth(index).locator("th")).to_have_text(text_en)
        rule = "«Years of work in risk management» at least 3" if "rule_number" in settings else "—"
        expect(rows.nth(index).locator("td")).to_have_text([
            str(index + 1), KIND_LABELS[kind], "yes" if settings.get("required") else "no",
            "yes" if settings.get("blind_visible") else "no", rule, re.compile("Edit")])
    assert_accessible(page, "the builder's page with a question of every kind (en)")
    for language in ("en", "ru"):
        page.goto(f"/manage/calls/{call_id}/form/preview/{language}")
        for _kind, text_en, text_ru, _settings in QUESTIONS:
            expect(page.get_by_text(text_en if language == "en" else text_ru).first).to_be_visible()
        assert_accessible(page, f"the preview of the form in {language} (en)")
    page.goto(f"/manage/calls/{call_id}/form/settings")
    assert_accessible(page, "the builder's settings of the built-in answers (en)")


def add_missing_choice_in_the_builder(page, call_id: int) -> None:
    page.goto(f"/manage/calls/{call_id}/form")
    page.get_by_role("link", name=f"Edit the question «{QUESTIONS[THEME][1]}»", exact=True).click()
    expect(heading(page)).to_have_text("Edit the question")
    choice = page.get_by_role("group", name=f"Choice {MISSING_CHOICE + 1}", exact=True)
    expect(choice.get_by_label("English", exact=True)).to_have_value(THEMES[MISSING_CHOICE][0])
    choice.get_by_label("Russian", exact=True).fill(THEMES[MISSING_CHOICE][1])
    assert_accessible(page, "the builder's page of a question with choices (en)")
    page.get_by_role("button", name="Save changes").click()
    expect(status_message(page, "The question has been saved.")).to_be_visible()


def open_call(page, call_id: int):
    page.goto(f"/manage/calls/{call_id}")
    page.get_by_role("button", name="Open the call").click()


# --- The applicant ------------------------------------------------------------------------------

def fill_builtin_sections(db, call_id: int, applicant_id: int) -> int:
    """The application's built-in sections and documents, as the other journey fills them."""
    from portal.applications import services

    call = db.session.get(Call, call_id)
    applicant = db.session.get(User, applicant_id)
    application = services.start_application(call, applicant=applicant, language="ru",
                                             now=utcnow())
    for key, answers in COMPLETE_ANSWERS.items():
        section = application.section(key)
        services.save_section(application, key, answers=dict(answers),
                              expected_version=section.version if section else 0, now=utcnow())
    for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
        services.add_document(application, kind=kind, stream=io.BytesIO(PDF_BYTES),
                              filename=f"{kind.value}.pdf", actor=applicant, now=utcnow())
    application_id = application.id
    db.session.commit()
    return application_id


class Fields:
    """The question fields of the section page, by their ids and their Russian wording."""

    def __init__(self, page, questions: list[SimpleNamespace]):
        self.page, self.q = page, questions

    def field(self, index: int):
        return self.page.locator(f"#{self.q[index].answer_key}")

    def group(self, index: int):
        return self.page.get_by_role("group", name=QUESTIONS[index][2], exact=True)

    def error(self, index: int):
        return self.page.locator(f"#{self.q[index].answer_key}-error")


def test_coordinator_builds_a_form_applicant_answers_it_in_russian_and_blind_reviewer_sees_only_what_she_may(  # noqa: E501
        app, db, live_server, new_page, mailbox, create_user, create_call, tmp_path):
    coordinator_user = create_user(email=COORDINATOR["email"], full_name=COORDINATOR["full_name"],
                                   roles=("coordinator",), language="en")
    applicant_user = create_user(email=APPLICANT["email"], full_name=APPLICANT["full_name"],
                                 language="ru", administration="KZ")
    reviewer_user = create_user(email=REVIEWER["email"], full_name=REVIEWER["full_name"],
                                roles=("reviewer",), language="ru", administration="LT")
    now = utcnow()
    call = create_call(state=CallState.draft, blind_review=True, opens_at=now - timedelta(days=1),
                       closes_at=now + timedelta(days=20))
    ids = {"call": call.id, "coordinator": coordinator_user.id, "applicant": applicant_user.id,
           "reviewer": reviewer_user.id}
    title_ru = call.title_ru
    db.session.commit()

    # --- 1. The coordinator builds the form; the gate refuses a missing Russian choice. ------
    coordinator = new_page(locale="en-GB")
    sign_in(coordinator, COORDINATOR)
    build_form_in_the_builder(coordinator, ids["call"])
    section_key = read(db, lambda: questions_of(ids["call"])[0].section_key)
    open_call(coordinator, ids["call"])
    expect(coordinator.get_by_text("The call has not been opened.")).to_be_visible()
    missing = f"Question {THEME + 1}: choice {MISSING_CHOICE + 1} is missing in Russian."
    expect(status_message(coordinator, missing)).to_be_visible()
    # That choice is all that stops it.
    expect(coordinator.locator("#missing-for-opening li")).to_have_text([missing])
    assert read(db, lambda: db.session.get(Call, ids["call"]).state) == CallState.draft
    assert_accessible(coordinator, "the call's page refusing to open it (en)")

    add_missing_choice_in_the_builder(coordinator, ids["call"])
    open_call(coordinator, ids["call"])
    expect(status_message(coordinator, "The call is open.")).to_be_visible()
    assert read(db, lambda: db.session.get(Call, ids["call"]).state) == CallState.open

    # --- 2. The applicant answers every question, with a mistake on each kind. ---------------
    questions = read(db, lambda: [SimpleNamespace(id=q.id, answer_key=q.answer_key, kind=q.kind)
                                  for q in questions_of(ids["call"])])
    assert [q.kind for q in questions] == [kind for kind, *_ in QUESTIONS]
    application_id = read(db, lambda: fill_builtin_sections(db, ids["call"], ids["applicant"]))
    section_url = f"/applications/{application_id}/sections/{section_key}"
    page = new_page(locale="ru-RU")
    sign_in(page, APPLICANT)
    page.goto(f"/applications/{application_id}")
    page.get_by_role("link", name=SECTION["title_ru"]).first.click()
    expect(page).to_have_url(live_server + section_url)
    expect(heading(page)).to_have_text(SECTION["title_ru"])
    expect(page.get_by_text(SECTION["intro_ru"])).to_be_visible()
    assert_accessible(page, "the call's own section, empty (ru)")
    f = Fields(page, questions)
    short, long, theme, languages, former, years, start, diploma = range(len(QUESTIONS))

    f.field(short).fill(CUSTOMS_POST)
    f.field(long).fill(TOO_MANY_WORDS)
    expect(page.locator(f"#{questions[long].answer_key}-count")).to_have_text(
        russian("Words: %(count)s of %(limit)s", count=WORD_LIMIT + 1, limit=WORD_LIMIT))
    # No theme chosen (a required choice).
    for _english, language in (LANGUAGES[0], LANGUAGES[2]):
        f.group(languages).get_by_label(language, exact=True).check()
    f.group(former).get_by_label(russian("No"), exact=True).check()
    f.field(years).fill("99")
    f.field(start).fill(START)
    wrong_file = tmp_path / "diploma.pdf"
    wrong_file.write_bytes(b"Not a PDF at all, only words in a file.\n")
    f.field(diploma).set_input_files(wrong_file)
    save = page.get_by_role("button", name=russian("Save and continue"))
    save.click()

    too_many = russian_plural("At most %(num)d word, please: this text has %(words)d.",
                              "At most %(num)d words, please: this text has %(words)d.",
                              WORD_LIMIT, words=WORD_LIMIT + 1)
    out_of_range = said_in_russian("Enter a whole number from %(min)d to %(max)d.", min=0, max=40)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    for index, message in ((long, too_many), (years, out_of_range)):
        expect(f.error(index)).to_have_text(message)
        expect(f.field(index)).to_have_attribute("aria-invalid", "true")
        expect(summary.get_by_role("link", name=f"{QUESTIONS[index][2]}: {message}",
                                   exact=True)).to_have_attribute(
            "href", f"#{questions[index].answer_key}")
    # Nothing she typed is lost.
    expect(f.field(short)).to_have_value(CUSTOMS_POST)
    expect(f.field(long)).to_have_value(TOO_MANY_WORDS)
    expect(f.group(languages).get_by_label(LANGUAGES[0][1], exact=True)).to_be_checked()
    expect(f.group(languages).get_by_label(LANGUAGES[2][1], exact=True)).to_be_checked()
    expect(f.group(languages).get_by_label(LANGUAGES[1][1], exact=True)).not_to_be_checked()
    expect(f.group(former).get_by_label(russian("No"), exact=True)).to_be_checked()
    expect(f.field(years)).to_have_value("99")
    expect(f.field(start)).to_have_value(START)
    assert_accessible(page, "the call's own section with format errors (ru)")

    # The text within its limit, a number in range but below the rule's: the page says at once
    # that the rule is broken; the wrong file is sent again.
    f.field(long).fill(LEARN)
    f.field(years).fill("1")
    ineligible = read(db, lambda: in_russian(
        rules.rule_failure, db.session.get(Question, questions[years].id), 1, "ru"))
    assert_russian(ineligible)
    rule_note = page.locator(f"#{questions[years].answer_key}-rule")
    f.field(years).blur()
    expect(rule_note).to_be_visible()
    expect(rule_note).to_have_text(ineligible)
    f.field(diploma).set_input_files(wrong_file)
    save.click()

    # Saved, but the file is refused beside its field and the theme is still missing.
    expect(page.get_by_role("status").filter(
        has_text=russian("Your answers were saved, but a file was not: see below."))).to_be_visible()
    wrong_type = said_in_russian("This file is not of a type this question accepts (%(types)s), "
                                 "judged by "
                         "its content, not its name.", types="PDF")
    expect(f.error(diploma)).to_have_text(wrong_type)
    missing_note = said_in_russian("Required before you can submit: not answered yet.")
    expect(page.locator(f"#{questions[theme].answer_key}-note")).to_have_text(missing_note)
    expect(rule_note).to_have_text(ineligible)
    expect(f.field(long)).to_have_value(LEARN)
    expect(f.field(short)).to_have_value(CUSTOMS_POST)
    assert_accessible(page, "the call's own section with a refused file and a missing choice (ru)")

    # A PDF and a theme: saved, and told the rule makes her ineligible.
    right_file = tmp_path / DIPLOMA
    right_file.write_bytes(PDF_BYTES)
    f.field(diploma).set_input_files(right_file)
    f.group(theme).get_by_label(THEMES[1][1], exact=True).check()
    save.click()
    expect(page).to_have_url(live_server + section_url)
    expect(page.locator("#rule-failures")).to_contain_text(ineligible)
    expect(rule_note).to_have_text(ineligible)
    expect(page.get_by_role("link", name=DIPLOMA, exact=True)).to_be_visible()
    assert_accessible(page, "the call's own section breaking the eligibility rule (ru)")

    # The check page refuses to submit an ineligible application.
    page.goto(f"/applications/{application_id}/check")
    expect(page.locator("#rule-failures")).to_contain_text(ineligible)
    assert_accessible(page, "the check page of an ineligible application (ru)")
    declaration = page.locator("input[name=declaration]")
    if declaration.count():
        declaration.check()
        page.get_by_role("button", name=russian("Submit application")).click()
        expect(page.locator("#rule-failures")).to_contain_text(ineligible)
    assert read(db, lambda: db.session.get(Application, application_id).state) == \
        ApplicationState.draft

    # She corrects the answer and submits.
    page.goto(section_url)
    expect(f.field(years)).to_have_value("1")
    f.field(years).fill("5")
    f.field(years).blur()
    expect(rule_note).to_be_hidden()
    save.click()
    expect(status_message(page, russian("Section saved."))).to_be_visible()
    page.goto(f"/applications/{application_id}/check")
    expect(page.locator("#rule-failures")).to_have_count(0)
    shown_answers = [CUSTOMS_POST, LEARN, THEMES[1][1], f"{LANGUAGES[0][1]}; {LANGUAGES[2][1]}",
                     russian("No"), "5", DIPLOMA]
    for value in shown_answers:
        expect(page.locator("dd").filter(has_text=value).first).to_be_visible()
    assert_accessible(page, "the check page with the call's own answers (ru)")
    page.locator("input[name=declaration]").check()
    page.get_by_role("button", name=russian("Submit application")).click()
    expect(heading(page)).to_have_text(russian("Application submitted"))
    assert read(db, lambda: db.session.get(Application, application_id).state) == \
        ApplicationState.submitted

    # --- 3. Every answer in the PDF copy, the dossier and the exports. -----------------------
    start_ru = in_russian(format_date, date.fromisoformat(START), "long")
    copy = pdf_text(fetch(page, f"/applications/{application_id}/pdf").body())
    for value in [*shown_answers, start_ru]:
        assert without_spaces(value) in copy, f"{value!r} is not in the PDF copy"

    start_en = "1 March 2027"
    english = [CUSTOMS_POST, LEARN, THEMES[1][0], f"{LANGUAGES[0][0]}; {LANGUAGES[2][0]}", "No",
               "5", DIPLOMA]
    dossier = pdf_text(fetch(coordinator, f"/manage/applications/{application_id}/dossier.pdf")
                       .body())
    for value in english:
        assert without_spaces(value) in dossier, f"{value!r} is not in the dossier"
    assert without_spaces(start_en) in dossier or without_spaces("March 1, 2027") in dossier

    csv_text = export(coordinator, ids["call"], "Applications (CSV)").text()
    [csv_row] = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert [csv_row.get(text_en) for _kind, text_en, _ru, _settings in QUESTIONS] == [
        *english[:6], START, DIPLOMA]
    xlsx = export(coordinator, ids["call"], "Applications and reviews (Excel)")
    assert xlsx.ok
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.body()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, row = rows[0], rows[1]
    cells = dict(zip(header, row, strict=False))
    for (_kind, text_en, _ru, _settings), value in zip(QUESTIONS, [*english[:5], 5, START,
                                                                   DIPLOMA], strict=True):
        assert str(cells.get(text_en)) == str(value), (text_en, cells.get(text_en))

    # The coordinator's page of the application, in English.
    coordinator.goto(f"/manage/applications/{application_id}")
    for value in english:
        expect(coordinator.locator("dd").filter(has_text=value).first).to_be_visible()
    assert_accessible(coordinator, "the coordinator's page of an application with the call's own "
                                   "answers (en)")
    # The statistics: a chart with its table for each choice question.
    coordinator.goto(f"/manage/calls/{ids['call']}/statistics")
    for index, answer in ((theme, THEMES[1][0]), (languages, LANGUAGES[2][0]), (former, "No")):
        table = coordinator.get_by_role("table", name=QUESTIONS[index][1], exact=True)
        expect(table.get_by_role("row").filter(
            has=coordinator.get_by_role("rowheader", name=answer, exact=True)).locator("td")
        ).to_have_text("1")
    assert_accessible(coordinator, "the call's statistics with its choice questions (en)")

    # --- 4. A blind reviewer sees none of the hidden answers. ---------------------------------
    coordinator.goto(f"/manage/applications/{application_id}/assignments")
    coordinator.locator("select[name=reviewer_id]").select_option(str(ids["reviewer"]))
    coordinator.locator("main form:has(select[name=reviewer_id]) [type=submit]").click()
    expect(status_message(coordinator, f"{REVIEWER['full_name']} assigned.")).to_be_visible()
    coordinator.goto(f"/manage/calls/{ids['call']}/assignments")
    coordinator.get_by_role("button", name="Remind reviewers with reviews due").click()
    expect(status_message(coordinator, "A reminder was sent to 1 reviewer.")).to_be_visible()
    assignment_id, hidden_file = read(db, lambda: (
        db.session.scalar(sa.select(Assignment.id).where(
            Assignment.application_id == application_id)),
        db.session.scalar(sa.select(Document.id).where(
            Document.application_id == application_id,
            Document.question_id == questions[diploma].id))))
    reviewer = new_page(locale="ru-RU")
    sign_in(reviewer, REVIEWER)
    reviewer.goto("/reviews/")
    link = reviewer.get_by_role("link", name=re.compile(r"FEL-")).first
    expect(link).to_be_visible()
    dashboard = reviewer.content()
    link.click()
    expect(reviewer).to_have_url(re.compile(rf"/reviews/{assignment_id}$"))
    review_page = reviewer.content()
    # The declaration of a conflict of interest shows the application too.
    reviewer.goto(f"/reviews/{assignment_id}/conflict")
    conflict_page = reviewer.content()
    reviewer.goto(f"/reviews/{assignment_id}")
    for hidden in (CUSTOMS_POST, DIPLOMA):
        assert hidden not in dashboard and hidden not in conflict_page
    for value in (LEARN, THEMES[1][1], f"{LANGUAGES[0][1]}; {LANGUAGES[2][1]}", "5"):
        expect(reviewer.locator("dd").filter(has_text=value).first).to_be_visible()
    # The page may say which questions' answers are kept from her, never the answers.
    for hidden in (CUSTOMS_POST, DIPLOMA):
        assert hidden not in review_page, f"the blind reviewer's page shows {hidden!r}"
    assert_accessible(reviewer, "the blind reviewer's page with the call's own answers (ru)")
    # Every download the page offers, and the hidden file asked for by its address.
    for link in reviewer.locator("main a[href*='/documents/']").all():
        body = fetch(reviewer, link.get_attribute("href")).body()
        for hidden in (CUSTOMS_POST, DIPLOMA):
            assert hidden.encode() not in body
    refused = fetch(reviewer, f"/reviews/{assignment_id}/documents/{hidden_file}")
    assert refused.status in (403, 404), refused.status
    message = mailbox.wait_for(REVIEWER["email"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    for hidden in (CUSTOMS_POST, DIPLOMA):
        assert hidden not in text and hidden not in message["Subject"]
    assert title_ru in text or title_ru in message["Subject"]

    for person in (coordinator, page, reviewer):
        assert person.problems == [], f"the browser reported errors: {person.problems}"
