"""A Russian-speaking visitor registers, confirms the address from a real e-mail, signs in,
switches to English and signs out; axe-core checks every page on the way."""

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm, RegistrationForm
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
EMAIL = "olga.sokolova@example.org"
PASSWORD = "white birch over the river"
FULL_NAME = "Olga Sokolova"


def russian(msgid: str) -> str:
    """What the catalog makes of a template's `msgid` in Russian."""
    with force_locale("ru"):
        return _(msgid)


def russian_labels(app, form_class) -> dict[str, str]:
    """The form's labels (buttons too), as a Russian-speaking visitor sees them."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        return {field.name: str(field.label.text) for field in form_class()}


def assert_russian(text: str) -> None:
    assert CYRILLIC.search(text), f"expected Russian text, got {text!r}"


def heading(page):
    return page.get_by_role("heading", level=1)


def fill_registration(page, labels, *, password: str) -> None:
    field = lambda name: page.get_by_label(labels[name], exact=True)  # noqa: E731
    field("email").fill(EMAIL)
    field("password").fill(password)
    field("confirm").fill(password)
    field("full_name").fill(FULL_NAME)
    field("native_name").fill("Ольга Соколова")
    field("administration_code").select_option("KZ")
    field("position").fill("Senior inspector, risk management")
    # Chosen for her: the browser's language, her administration's time zone; she keeps both.
    expect(field("preferred_language")).to_have_value("ru")
    expect(field("time_zone")).to_have_value("")


def test_russian_visitor_registers_confirms_signs_in_and_switches_to_english(
    app, live_server, new_page, mailbox, administrations
):
    register, login = russian_labels(app, RegistrationForm), russian_labels(app, LoginForm)
    page = new_page(locale="ru-RU", timezone_id="Asia/Almaty")

    # The home page speaks the browser's language.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(heading(page)).to_have_text(russian("Fellowship programme of ROCB Europe"))
    assert_russian(heading(page).inner_text())
    assert_accessible(page, "the home page (ru)")

    page.get_by_role("link", name=russian("Register"), exact=True).click()
    expect(heading(page)).to_have_text(russian("Create an account"))
    assert_accessible(page, "the registration form (ru)")

    # A password that is too short: the form comes back with its errors, the entries kept.
    fill_registration(page, register, password="short")
    page.get_by_role("button", name=register["submit"]).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^" + re.escape(register["password"]))))\
        .to_have_count(1)
    expect(page.get_by_label(register["full_name"], exact=True)).to_have_value(FULL_NAME)
    expect(page.get_by_label(register["email"], exact=True)).to_have_value(EMAIL)
    assert_accessible(page, "the registration form with errors (ru)")

    fill_registration(page, register, password=PASSWORD)
    page.get_by_role("button", name=register["submit"]).click()
    expect(heading(page)).to_have_text(russian("Check your e-mail"))
    expect(page.get_by_text(EMAIL)).to_be_visible()
    assert_accessible(page, "the check-your-e-mail page (ru)")

    # The confirmation e-mail arrives over SMTP, in Russian, with a link to this server.
    message = mailbox.wait_for(EMAIL)
    assert message["Subject"] == russian("Confirm your e-mail address")
    assert_russian(message["Subject"])
    assert message["Content-Language"] == "ru"
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1 and links[0].startswith(f"{live_server}/verify-email/"), body

    page.goto(links[0])
    expect(heading(page)).to_have_text(russian("Sign in"))
    expect(page.get_by_role("status")).to_have_text(
        russian("Thank you: your e-mail address is confirmed."))
    assert_accessible(page, "the sign-in page (ru)")

    page.get_by_label(login["email"], exact=True).fill(EMAIL)
    page.get_by_label(login["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("link", name=FULL_NAME)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert_accessible(page, "the home page, signed in (ru)")

    # The switcher in the header turns the portal to English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading(page)).to_have_text("Fellowship programme of ROCB Europe")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    # The pages only: her e-mails stay in Russian, as her profile says.
    expect(page.get_by_role("status")).to_have_text(
        "E-mails to you are still written in Russian; you can change their language in your profile.")
    assert_accessible(page, "the home page, signed in (en)")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name=FULL_NAME)).to_have_count(0)
    # The language chosen with the switcher outlives the session.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    assert_accessible(page, "the home page, signed out")
    assert page.problems == [], f"the browser reported errors: {page.problems}"
