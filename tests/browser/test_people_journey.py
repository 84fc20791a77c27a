"""An admin invites a coordinator (in English) and a reviewer (in Russian) from the users'
pages; each reads the invitation at the real SMTP server in their language, sets a password
from its link and signs in. In Russian, the admin then adds a member administration, which is
offered at registration at once. axe-core checks the new pages in both languages."""

import re

import pytest
from flask_babel import force_locale, refresh
from flask_babel import gettext as _
from playwright.sync_api import expect

from portal.accounts.admin_forms import NewUserForm
from portal.accounts.forms import LoginForm, SetPasswordForm
from portal.administrations.forms import NewAdministrationForm
from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def in_language(language: str, msgid: str) -> str:
    with force_locale(language):
        return _(msgid)


def labels(app, form_class, language: str) -> dict[str, str]:
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()  # the locale is kept in the app context's g, which the test's app shares
        return {field.name: str(field.label.text) for field in form_class()}


def role_label(app, role: str, language: str) -> str:
    from portal.accounts.models import Role

    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()
        return Role(role).label


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, app, language: str, email: str, password: str) -> None:
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(email)
    page.get_by_label(login["password"], exact=True).fill(password)
    page.get_by_role("button", name=login["submit"]).click()


def invite(page, app, language: str, *, email: str, name: str, native: str, role: str,
           administration: str, writes_in: str) -> None:
    form = labels(app, NewUserForm, language)
    page.goto("/admin/users")
    expect(heading(page)).to_have_text(in_language(language, "Users"))
    assert_accessible(page, f"the users' list ({language})")
    page.get_by_role("link", name=in_language(language, "Invite a new user")).click()
    expect(heading(page)).to_have_text(in_language(language, "Invite a new user"))
    assert_accessible(page, f"the new user's form ({language})")
    page.get_by_label(form["email"], exact=True).fill(email)
    page.get_by_label(form["full_name"], exact=True).fill(name)
    page.get_by_label(form["native_name"], exact=True).fill(native)
    page.get_by_label(form["administration_code"], exact=True).select_option(administration)
    page.get_by_label(form["preferred_language"], exact=True).select_option(writes_in)
    page.get_by_label(role_label(app, role, language), exact=True).check()
    page.get_by_role("button", name=form["submit"]).click()
    expect(heading(page)).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text(email)
    assert_accessible(page, f"the user's page ({language})")


def accept_invitation(new_page, app, mailbox, live_server, *, email: str, language: str,
                      password: str, name: str) -> None:
    message = mailbox.wait_for(email)
    assert message["Content-Language"] == language
    assert message["Subject"] == in_language(
        language, "Invitation to the fellowship portal of ROCB Europe")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert bool(CYRILLIC.search(body)) is (language == "ru")
    link = re.search(re.escape(live_server) + r"/invitation/\S+", body).group(0)
    page = new_page(locale={"en": "en-GB", "ru": "ru-RU"}[language])
    page.goto(link)
    expect(heading(page)).to_have_text(in_language(language, "Set your password"))
    assert_accessible(page, f"the set-password page ({language})")
    form = labels(app, SetPasswordForm, language)
    page.get_by_label(form["password"], exact=True).fill(password)
    page.get_by_label(form["confirm"], exact=True).fill(password)
    page.get_by_role("button", name=form["submit"]).click()
    expect(heading(page)).to_have_text(in_language(language, "Sign in"))
    sign_in(page, app, language, email, password)
    expect(page).to_have_url(f"{live_server}/")
    with force_locale(language):
        welcome = _("Welcome, %(name)s.", name=name)
    expect(page.get_by_role("status")).to_have_text(welcome)
    assert page.problems == [], page.problems


def test_admin_invites_a_coordinator_and_a_reviewer_and_adds_an_administration(
        app, live_server, new_page, mailbox, create_user):
    create_user(email="admin@example.org", roles=("admin",), full_name="Office Admin")
    page = new_page(locale="en-GB")
    sign_in(page, app, "en", "admin@example.org", PASSWORD)
    expect(page.get_by_role("status")).to_have_text("Welcome, Office Admin.")

    # In English: a coordinator whose e-mails are in English.
    invite(page, app, "en", email="nadia.coordinator@example.org", name="Nadia Aliyeva",
           native="Nadia Əliyeva", role="coordinator", administration="AZ", writes_in="en")
    accept_invitation(new_page, app, mailbox, live_server, email="nadia.coordinator@example.org",
                      language="en", password="the coordinator's long password",
                      name="Nadia Aliyeva")

    # In Russian: a reviewer whose e-mails are in Russian.
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    invite(page, app, "ru", email="timur.reviewer@example.org", name="Timur Abdullaev",
           native="Тимур Абдуллаев", role="reviewer", administration="UZ", writes_in="ru")
    accept_invitation(new_page, app, mailbox, live_server, email="timur.reviewer@example.org",
                      language="ru", password="длинный пароль эксперта", name="Timur Abdullaev")

    # The users' list finds the reviewer by his name in Cyrillic, filtered by role.
    page.goto("/admin/users?q=тимур&role=reviewer")
    expect(page.get_by_role("link", name="Timur Abdullaev")).to_be_visible()
    expect(page.get_by_role("link", name="Nadia Aliyeva")).to_have_count(0)

    # Still in Russian: a new member administration, with CLDR's names.
    form = labels(app, NewAdministrationForm, "ru")
    page.goto("/admin/administrations")
    page.get_by_role("link", name=in_language("ru", "Add an administration")).click()
    expect(heading(page)).to_have_text(in_language("ru", "Add a member administration"))
    assert_accessible(page, "the new administration's form (ru)")
    page.get_by_label(form["code"], exact=True).select_option("US")
    page.get_by_role("button", name=form["submit"]).click()
    expect(heading(page)).to_contain_text("Соединенные Штаты")
    expect(page.get_by_role("status")).to_contain_text("Соединенные Штаты")
    assert page.problems == [], page.problems

    # A visitor registering can choose it at once.
    visitor = new_page(locale="en-GB")
    visitor.goto("/register")
    expect(visitor.locator('option[value="US"]')).to_have_text("United States")
