"""A coordinator opens a call; a Russian-speaking customs officer applies to it, section by
section, with documents, and submits; the e-mail arrives; the coordinator finds and reads the
application. axe-core checks every page on the way, in both languages."""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, format_date
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm
from portal.administrations.models import Administration
from portal.applications.forms import (
    MOTIVATION_WORDS,
    LanguagesForm,
    MotivationForm,
    NominationForm,
    PersonalForm,
    ProfessionalForm,
    SubmitForm,
)
from portal.calls.forms import NewCallForm, NewCriterionForm
from portal.calls.models import Call, CallState
from portal.i18n import format_moment
from tests.browser.axe import assert_accessible
from tests.browser.texts import (
    assert_russian,
    is_translated,
    labels,
    pattern,
    russian,
    russian_plural,
)
from tests.conftest import PASSWORD, PDF_BYTES

pytestmark = pytest.mark.browser

CALL_ZONE = "Asia/Baku"  # the office's
APPLICANT_ZONE = "Asia/Almaty"
APPLICANT = {"email": "aigerim.bekova@example.org", "full_name": "Aigerim Bekova",
             "administration": "KZ", "time_zone": APPLICANT_ZONE}
COORDINATOR = {"email": "coordinator@rocb.example.org", "full_name": "Farid Aliyev",
               "administration": "AZ", "time_zone": CALL_ZONE}
TITLE_EN, TITLE_RU = "Risk management fellowship 2026", "Стажировка по управлению рисками 2026"
CRITERIA = [("Professional experience", "Профессиональный опыт"),
            ("Quality of the proposed project", "Качество предлагаемого проекта")]

ANSWERS = {
    "personal": {"full_name": "Aigerim Bekova", "native_name": "Айгерим Бекова",
                 "date_of_birth": "1988-03-21", "phone": "+7 717 200 00 00"},
    "professional": {"department": "Управление рисками", "position": "Главный инспектор",
                     "years_in_service": "11",
                     "expertise": "Анализ рисков, пост-таможенный аудит, профилирование грузов."},
    "languages": {"english_level": "B2", "russian_level": "native",
                  "other_languages": "Казахский (родной)"},
    "motivation": {"motivation": "Я хочу изучить опыт европейских администраций в области "
                                 "управления рисками и применить его в своей работе.",
                   "project_title": "Общие профили рисков для транзитных грузов",
                   "project_description": "Проект о совместных профилях рисков на границе."},
    "nomination": {"nominator_name": "Олжас Сейткали", "nominator_title": "Начальник управления",
                   "nominator_email": "o.seitkali@customs.example"},
}
TOO_LONG = " ".join(["слово"] * (MOTIVATION_WORDS + 3))
NOT_AN_EMAIL = "o.seitkali(at)customs.example"
REFERENCE = r"FEL-\d{4}-\d{4}"
PROGRAMME_YEAR = 2031  # unlike the calendar year of any run: references must name the call's


def heading(page):
    return page.get_by_role("heading", level=1)


def local(moment: datetime) -> str:
    """What <input type="datetime-local"> takes."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def moment_in(language: str, moment: datetime, zone: str) -> str:
    """A moment as the portal shows it in that language, naming the zone."""
    with force_locale(language):
        return format_moment(moment, zone)


def sign_in(page, user: dict, language: str, app) -> None:
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(user["email"])
    page.get_by_label(login["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()
    expect(page.get_by_role("link", name=user["full_name"])).to_be_visible()


def switch_language(page, name: str, code: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def status_message(page, text: str):
    """The flashed message with this text (several may be shown)."""
    return page.get_by_role("status").filter(has_text=text)


def create_and_open_call(page, app, db) -> SimpleNamespace:
    """The coordinator creates a call in both languages, adds criteria and opens it."""
    form = labels(app, NewCallForm, "en")
    field = lambda name: page.get_by_label(form[name], exact=True)  # noqa: E731
    page.goto("/manage/calls")
    page.get_by_role("link", name="Create a call").click()
    expect(heading(page)).to_have_text("New call")
    texts = {"title": (TITLE_EN, TITLE_RU),
             "summary": ("Three months with ROCB Europe on shared risk profiles.",
                         "Три месяца в ROCB Europe: общие профили рисков."),
             "description": ("The fellow works with the **risk management** team.",
                             "Стажёр работает с группой **управления рисками**."),
             "eligibility": ("- Customs officers of member administrations",
                             "- Таможенные служащие администраций-членов")}
    for name, (english, russian_text) in texts.items():
        field(f"{name}_en").fill(english)
        field(f"{name}_ru").fill(russian_text)
    expect(field("time_zone")).to_have_value(CALL_ZONE)
    now = datetime.now(ZoneInfo(CALL_ZONE)).replace(second=0, microsecond=0)
    closes = (now + timedelta(days=30)).replace(hour=18, minute=0)
    field("opens_at").fill(local(now - timedelta(days=1)))
    field("closes_at").fill(local(closes))
    field("review_deadline").fill(local(closes + timedelta(days=30)))
    field("places").fill("3")
    field("programme_year").fill(str(PROGRAMME_YEAR))
    page.get_by_role("button", name=form["submit"]).click()
    expect(status_message(page, "The draft call has been created.")).to_be_visible()
    call_id = int(re.search(r"/manage/calls/(\d+)$", page.url).group(1))

    criterion = labels(app, NewCriterionForm, "en")
    for english, russian_name in CRITERIA:
        page.get_by_role("link", name="Add a criterion").click()
        page.get_by_label(criterion["name_en"], exact=True).fill(english)
        page.get_by_label(criterion["name_ru"], exact=True).fill(russian_name)
        page.get_by_label(criterion["guidance_en"], exact=True).fill("5: excellent; 1: poor.")
        page.get_by_label(criterion["guidance_ru"], exact=True).fill("5: отлично; 1: слабо.")
        page.get_by_role("button", name=criterion["submit"]).click()
        expect(status_message(page, "The criterion has been added.")).to_be_visible()

    page.get_by_role("button", name="Open the call").click()
    expect(page.get_by_role("status").filter(has_text="The call is open.")).to_be_visible()
    call = db.session.get(Call, call_id)
    db.session.refresh(call)
    assert call.state == CallState.open and len(call.criteria) == 2
    assert call.closes_at == closes.astimezone(UTC)
    found = SimpleNamespace(id=call.id, closes_at=call.closes_at)
    # On SQLite the test's own transaction holds the write lock: end it before the server writes.
    db.session.rollback()
    return found


def save_section(page, button: str, next_heading: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(status_message(page, russian("Section saved."))).to_be_visible()
    expect(heading(page)).to_have_text(next_heading)


def check_error_summary(page, label: str | None, message: str, field_id: str) -> None:
    """The summary is shown and focused, and links the field's message to the field (a
    checkbox, label None, by its message alone)."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=f"{label}: {message}" if label else message, exact=True)
    expect(link).to_have_attribute("href", f"#{field_id}")
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{field_id}-error")).to_have_text(message)


def test_applicant_applies_in_russian_and_coordinator_reads_the_application(
    app, db, live_server, new_page, mailbox, create_user, tmp_path
):
    create_user(email=COORDINATOR["email"], full_name=COORDINATOR["full_name"],
                roles=("coordinator",), language="en",
                administration=COORDINATOR["administration"], time_zone=COORDINATOR["time_zone"])
    create_user(email=APPLICANT["email"], full_name=APPLICANT["full_name"],
                language="ru", administration=APPLICANT["administration"],
                time_zone=APPLICANT["time_zone"])

    # --- The coordinator opens a call, in English. ------------------------------------------
    coordinator = new_page(locale="en-GB", timezone_id=CALL_ZONE)
    sign_in(coordinator, COORDINATOR, "en", app)
    call = create_and_open_call(coordinator, app, db)

    # --- The applicant finds it: the portal speaks Russian to her. -------------------------
    page = new_page(locale="ru-RU", timezone_id=APPLICANT_ZONE)
    sign_in(page, APPLICANT, "ru", app)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(heading(page)).to_have_text(russian("Fellowship programme of ROCB Europe"))
    open_calls = page.get_by_role("region", name=russian("Open calls"))
    expect(open_calls.get_by_role("link", name=TITLE_RU)).to_be_visible()
    assert_accessible(page, "the home page with an open call (ru)")

    open_calls.get_by_role("link", name=TITLE_RU).click()
    expect(heading(page)).to_have_text(TITLE_RU)
    in_call_zone = moment_in("ru", call.closes_at, CALL_ZONE)
    in_her_zone = moment_in("ru", call.closes_at, APPLICANT_ZONE)
    # The deadline names its zone: the office's, and hers beside it.
    expect(page.locator("#deadline")).to_have_text(in_call_zone)
    assert "UTC+04:00" in in_call_zone
    expect(page.locator("#deadline-your-zone")).to_have_text(
        russian("In your time zone: %(moment)s", moment=in_her_zone))
    for _english, russian_name in CRITERIA:
        expect(page.get_by_role("listitem").filter(has_text=russian_name)).to_be_visible()
    assert_accessible(page, "the call page (ru)")

    page.get_by_role("link", name=russian("Apply"), exact=True).click()
    expect(heading(page)).to_have_text(TITLE_RU)
    expect(page.get_by_text(russian("Applications close on %(deadline)s.", deadline=in_her_zone))
           ).to_be_visible()
    assert_accessible(page, "the start page (ru)")
    page.get_by_label("Русский", exact=True).check()
    page.get_by_role("button", name=russian("Start the application")).click()

    # --- Personal details: the profile's name is there already. -----------------------------
    expect(heading(page)).to_have_text(russian("Personal details"))
    form = labels(app, PersonalForm, "ru")
    field = lambda name: page.get_by_label(form[name], exact=True)  # noqa: E731
    expect(field("full_name")).to_have_value(APPLICANT["full_name"])
    assert_accessible(page, "the personal details section (ru)")
    for name, value in ANSWERS["personal"].items():
        field(name).fill(value)
    save_section(page, form["save"], russian("Professional background"))

    # --- Professional background. -----------------------------------------------------------
    form = labels(app, ProfessionalForm, "ru")
    kazakhstan = db.session.get(Administration, "KZ").name("ru")
    db.session.rollback()
    expect(field("administration_code")).to_have_value("KZ")  # from her profile
    field("administration_code").select_option(label=kazakhstan)
    for name, value in ANSWERS["professional"].items():
        field(name).fill(value)
    assert_accessible(page, "the professional background section (ru)")
    save_section(page, form["save"], russian("Languages"))

    # --- Languages: CEFR levels. -------------------------------------------------------------
    form = labels(app, LanguagesForm, "ru")
    answers = ANSWERS["languages"]
    field("english_level").select_option(answers["english_level"])
    field("russian_level").select_option(label=russian("Native speaker"))
    field("other_languages").fill(answers["other_languages"])
    assert_accessible(page, "the languages section (ru)")
    save_section(page, form["save"], russian("Motivation and proposed project"))

    # --- Motivation: the word count follows the typing; too long a text is refused. ----------
    form = labels(app, MotivationForm, "ru")
    counter = page.locator("#motivation-count")

    def words(count: int, limit: int = MOTIVATION_WORDS) -> str:
        return russian("Words: %(count)s of %(limit)s", count=count, limit=limit)

    expect(counter).to_have_text(words(0))
    field("motivation").press_sequentially("Я хочу")
    expect(counter).to_have_text(words(2))
    field("motivation").fill(TOO_LONG)
    expect(counter).to_have_text(words(MOTIVATION_WORDS + 3))
    expect(counter).to_have_class(re.compile(r"\btext-danger\b"))
    field("project_title").fill(ANSWERS["motivation"]["project_title"])
    field("project_description").fill(ANSWERS["motivation"]["project_description"])
    assert_accessible(page, "the motivation section while typing (ru)")
    page.get_by_role("button", name=form["save"]).click()

    too_long = russian_plural("At most %(num)d word, please: this text has %(words)d.",
                              "At most %(num)d words, please: this text has %(words)d.",
                              MOTIVATION_WORDS, words=MOTIVATION_WORDS + 3)
    check_error_summary(page, form["motivation"], too_long, "motivation")
    # Nothing she typed is lost.
    expect(field("motivation")).to_have_value(TOO_LONG)
    expect(field("project_title")).to_have_value(ANSWERS["motivation"]["project_title"])
    expect(counter).to_have_text(words(MOTIVATION_WORDS + 3))
    assert_accessible(page, "the motivation section with an error summary (ru)")

    field("motivation").fill(ANSWERS["motivation"]["motivation"])
    expect(counter).to_have_text(words(len(ANSWERS["motivation"]["motivation"].split())))
    expect(counter).not_to_have_class(re.compile(r"\btext-danger\b"))
    save_section(page, form["save"], russian("Nomination"))

    # --- Nomination: a mistyped address is refused, then corrected. --------------------------
    form = labels(app, NominationForm, "ru")
    answers = ANSWERS["nomination"]
    field("nominator_name").fill(answers["nominator_name"])
    field("nominator_title").fill(answers["nominator_title"])
    field("nominator_email").fill(NOT_AN_EMAIL)
    page.get_by_role("button", name=form["save"]).click()
    check_error_summary(page, form["nominator_email"],
                        russian("Enter an e-mail address in the form name@example.org."),
                        "nominator_email")
    expect(field("nominator_email")).to_have_value(NOT_AN_EMAIL)
    expect(field("nominator_name")).to_have_value(answers["nominator_name"])
    assert_accessible(page, "the nomination section with an error summary (ru)")
    field("nominator_email").fill(answers["nominator_email"])
    page.get_by_role("button", name=form["save"]).click()
    expect(status_message(page, russian("Section saved."))).to_be_visible()

    # --- Documents: an HTML file dressed as a PDF is refused; two real PDFs are taken. ------
    expect(heading(page)).to_have_text(russian("Documents"))
    assert_accessible(page, "the documents page (ru)")
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(b"<!doctype html><html><body><p>Not a CV</p></body></html>\n")
    cv_file = tmp_path / "Bekova-CV.pdf"
    cv_file.write_bytes(PDF_BYTES)
    letter_file = tmp_path / "nomination-letter.pdf"
    letter_file.write_bytes(PDF_BYTES)

    def upload(kind_label: str, input_id: str, path) -> None:
        page.locator(f"#{input_id}").set_input_files(path)
        page.get_by_role("button", name=f"{russian('Upload')} {kind_label}", exact=True).click()

    cv, letter = russian("CV"), russian("Nomination letter")
    upload(cv, "file-cv", fake)
    refused = russian("This file is not a PDF file (judged by its content, not its name).")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=refused, exact=True)).to_have_attribute(
        "href", "#file-cv")
    expect(page.locator("#file-cv")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#file-cv-error")).to_have_text(refused)
    assert_accessible(page, "the documents page with a refused upload (ru)")

    upload(cv, "file-cv", cv_file)
    expect(status_message(page, russian("%(document)s uploaded.", document=cv))).to_be_visible()
    upload(letter, "file-nomination_letter", letter_file)
    expect(status_message(page, russian("%(document)s uploaded.", document=letter))
           ).to_be_visible()
    expect(page.get_by_role("link", name=cv_file.name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=letter_file.name, exact=True)).to_be_visible()
    assert_accessible(page, "the documents page with two documents (ru)")
    # Removing a file asks first, on a page of its own; "No" keeps it.
    page.get_by_role("link", name=f"{russian('Remove')} {cv_file.name}").click()
    expect(heading(page)).to_have_text(russian("Remove the file “%(name)s” (%(document)s)?",
                                               name=cv_file.name, document=cv))
    assert_accessible(page, "the confirmation before removing a document (ru)")
    page.get_by_role("link", name=russian("No, keep it"), exact=True).click()
    expect(page.get_by_role("link", name=cv_file.name, exact=True)).to_be_visible()
    page.get_by_role("link", name=russian("Continue"), exact=True).click()

    # --- Check your answers. ------------------------------------------------------------------
    expect(heading(page)).to_have_text(russian("Check your answers"))
    with force_locale("ru"):
        born = format_date(date.fromisoformat(ANSWERS["personal"]["date_of_birth"]), "long")
    shown = [born, ANSWERS["personal"]["phone"], kazakhstan,
             ANSWERS["professional"]["expertise"], russian("B2 (upper intermediate)"),
             russian("Native speaker"), ANSWERS["motivation"]["motivation"],
             ANSWERS["motivation"]["project_title"], ANSWERS["nomination"]["nominator_email"]]
    for value in shown:
        expect(page.locator("dd").filter(has_text=value).first).to_be_visible()
    expect(page.get_by_role("link", name=cv_file.name)).to_be_visible()
    expect(page.get_by_role("link", name=letter_file.name)).to_be_visible()
    # Nothing is missing.
    expect(page.locator("#missing-title")).to_have_count(0)
    assert_accessible(page, "the check-your-answers page (ru)")

    # --- The same pages in English (the header's switcher), then back to Russian. ----------
    switch_language(page, "English", "en")
    expect(heading(page)).to_have_text("Check your answers")
    assert_accessible(page, "the check-your-answers page (en)")
    progress = page.get_by_role("navigation", name="Your application")
    progress.get_by_role("link", name="Motivation and proposed project").click()
    expect(heading(page)).to_have_text("Motivation and proposed project")
    expect(page.get_by_label("Motivation statement", exact=True)).to_have_value(
        ANSWERS["motivation"]["motivation"])
    expect(page.locator("#motivation-count")).to_have_text(
        f"Words: {len(ANSWERS['motivation']['motivation'].split())} of {MOTIVATION_WORDS}")
    assert_accessible(page, "the motivation section (en)")
    progress.get_by_role("link", name="Documents").click()
    expect(heading(page)).to_have_text("Documents")
    assert_accessible(page, "the documents page (en)")
    upload_en = page.get_by_role("button", name="Upload CV", exact=True)
    page.locator("#file-cv").set_input_files(fake)
    upload_en.click()
    expect(page.locator("#file-cv-error")).to_have_text(
        "This file is not a PDF file (judged by its content, not its name).")
    assert_accessible(page, "the documents page with a refused upload (en)")
    progress.get_by_role("link", name="Check your answers and submit").click()
    expect(heading(page)).to_have_text("Check your answers")
    # The refused file did not replace the CV.
    expect(page.get_by_role("link", name=cv_file.name)).to_be_visible()
    switch_language(page, "Русский", "ru")
    expect(heading(page)).to_have_text(russian("Check your answers"))

    # --- Declaration and submission. --------------------------------------------------------
    form = labels(app, SubmitForm, "ru")
    page.get_by_role("button", name=form["submit"]).click()
    check_error_summary(page, None, russian("Please confirm the declaration to submit."),
                        "declaration")
    assert_accessible(page, "the check-your-answers page with an error summary (ru)")
    page.get_by_label(form["declaration"], exact=True).check()
    page.get_by_role("button", name=form["submit"]).click()

    expect(heading(page)).to_have_text(russian("Application submitted"))
    confirmation = page.get_by_text(pattern(
        russian("Your reference number is %(reference)s", reference="{reference}"),
        reference=REFERENCE))
    expect(confirmation).to_be_visible()
    reference = re.search(REFERENCE, confirmation.inner_text()).group(0)
    assert reference.startswith(f"FEL-{PROGRAMME_YEAR}-")  # the call's year, not the calendar's
    assert_accessible(page, "the confirmation page (ru)")

    # The confirmation e-mail, in Russian, names the reference.
    message = mailbox.wait_for(APPLICANT["email"])
    subject = "Your application %(reference)s has been received"
    assert message["Subject"] == russian(subject, reference=reference)
    if is_translated(subject):
        assert_russian(message["Subject"])
    assert message["Content-Language"] == "ru"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert russian("Reference number: %(reference)s", reference=reference) in body
    assert russian('Thank you: your application to "%(call)s" has been received.',
                   call=TITLE_RU) in body
    application_id = int(re.search(r"/applications/(\d+)/submitted$", page.url).group(1))
    assert f"{live_server}/applications/{application_id}" in body

    # Her applications: this one is submitted; its page offers a PDF copy.
    page.get_by_role("link", name=russian("Go to my applications")).click()
    expect(heading(page)).to_have_text(russian("My applications"))
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_role("cell", name=russian("Submitted"), exact=True)).to_be_visible()
    assert_accessible(page, "the dashboard (ru)")
    row.get_by_role("link", name=TITLE_RU).click()
    expect(heading(page)).to_have_text(TITLE_RU)
    expect(page.locator("dd").filter(has_text=reference)).to_be_visible()
    assert_accessible(page, "the application's page (ru)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=russian("Download a PDF copy of your application")).click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # --- The coordinator finds the application by its reference and reads it. ---------------
    coordinator.goto(f"/manage/calls/{call.id}/applications")
    expect(heading(coordinator)).to_have_text("Applications")
    coordinator.get_by_label("Name or reference number", exact=True).fill(reference)
    coordinator.get_by_role("button", name="Show", exact=True).click()
    expect(coordinator.get_by_text("1 application", exact=True)).to_be_visible()
    row = coordinator.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_role("cell", name=APPLICANT["full_name"])).to_be_visible()
    expect(row.get_by_role("cell", name="Submitted", exact=True)).to_be_visible()
    assert_accessible(coordinator, "the coordinator's list of applications (en)")

    row.get_by_role("link", name=reference).click()
    expect(heading(coordinator)).to_have_text(f"{reference}: {APPLICANT['full_name']}")
    for value in (ANSWERS["motivation"]["project_title"],
                  ANSWERS["nomination"]["nominator_email"], "B2 (upper intermediate)"):
        expect(coordinator.locator("dd").filter(has_text=value).first).to_be_visible()
    expect(coordinator.get_by_role("link", name=cv_file.name)).to_be_visible()
    expect(coordinator.get_by_role("link", name=letter_file.name)).to_be_visible()
    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("link", name=cv_file.name).click()
    assert download_info.value.suggested_filename == cv_file.name
    with open(download_info.value.path(), "rb") as stored:
        assert stored.read() == PDF_BYTES
    assert_accessible(coordinator, "the coordinator's view of the application (en)")

    # The same two pages in Russian.
    switch_language(coordinator, "Русский", "ru")
    expect(heading(coordinator)).to_have_text(f"{reference}: {APPLICANT['full_name']}")
    expect(coordinator.locator("dd").filter(has_text=russian("B2 (upper intermediate)")).first
           ).to_be_visible()
    assert_accessible(coordinator, "the coordinator's view of the application (ru)")
    coordinator.get_by_role("link", name=russian("All applications of this call")).click()
    expect(heading(coordinator)).to_have_text(russian("Applications"))
    expect(coordinator.get_by_role("link", name=reference)).to_be_visible()
    assert_accessible(coordinator, "the coordinator's list of applications (ru)")

    assert page.problems == [], f"the applicant's browser reported errors: {page.problems}"
    assert coordinator.problems == [], \
        f"the coordinator's browser reported errors: {coordinator.problems}"
