"""Deadline extensions (issue 15): a coordinator, in English, finds an applicant of the open
call by her name in Cyrillic and gives her two more days, with a reason; the call's deadline
passes and `flask calls close-due` closes it. She, in Russian, reads her own deadline on her
applications and her application, submits after the call's deadline and gets her reference
number; another applicant, in English, whose draft is as complete, is refused: his application
says the deadline has passed and offers no submission, and a submission sent from a page loaded
in time is refused by the server. axe-core on the coordinator's pages and hers."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm
from portal.applications.forms import SubmitForm
from portal.applications.models import Application, ApplicationState
from portal.calls.extension_forms import ExtensionForm
from portal.calls.models import CallState
from portal.calls.moments import utc_to_local
from portal.calls.services import close_due_calls
from portal.database import utcnow
from portal.i18n import format_moment
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, labels, russian
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in(page, app, email: str, language: str) -> None:
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(email)
    page.get_by_label(login["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()
    expect(page.get_by_label(login["email"], exact=True)).to_have_count(0)


def test_an_extension_lets_one_applicant_submit_after_the_deadline_and_not_another(
        app, db, live_server, new_page, create_user, create_call, create_application):
    call = create_call(closes_at=utcnow() + timedelta(hours=1))
    aigerim = create_user(full_name="Aigerim Bekova", language="ru", email="aigerim@example.org")
    aigerim.native_name = "Айгерим Бекова"
    pavel = create_user(full_name="Pavel Novak", email="pavel@example.org")
    create_user(roles=("coordinator",), email="office@example.org")
    hers = create_application(applicant=aigerim, call=call, complete=True, language="ru")
    his = create_application(applicant=pavel, call=call, complete=True)
    db.session.commit()
    call_id, hers_id, his_id, zone = call.id, hers.id, his.id, call.time_zone
    # Two days from now, at a whole minute, as the coordinator types it in the call's zone.
    until = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    typed = utc_to_local(until, zone).strftime("%Y-%m-%dT%H:%M")

    # --- The coordinator finds her by her name in Cyrillic and extends her deadline. -------
    office = new_page(locale="en-GB")
    sign_in(office, app, "office@example.org", "en")
    office.goto(f"/manage/calls/{call_id}")
    office.get_by_role("link", name="Deadline extensions").click()
    expect(heading(office)).to_have_text("Deadline extensions")
    expect(office.locator("#no-extensions")).to_be_visible()
    office.get_by_label("Name or e-mail address").fill("айгерим")
    office.get_by_role("button", name="Search").click()
    expect(office.locator("#found li")).to_have_count(1)
    assert_accessible(office, "the call's deadline extensions with a person found (en)")
    office.locator("#found").get_by_role("link", name="Extend the deadline").click()
    expect(heading(office)).to_have_text("Deadline for Aigerim Bekova")
    form = labels(app, ExtensionForm, "en")
    office.get_by_label(form["closes_at"]).fill(typed)
    office.get_by_label(form["reason"]).fill("Her nomination letter was delayed by the ministry.")
    assert_accessible(office, "one applicant's deadline (en)")
    office.get_by_role("button", name=form["submit"]).click()
    with app.test_request_context(), force_locale("en"):
        in_call_zone = format_moment(until, zone)
    expect(office.get_by_role("status").filter(
        has_text=f"Aigerim Bekova may now apply until {in_call_zone}.")).to_be_visible()
    row = office.locator("#extensions tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Aigerim Bekova")
    expect(row).to_contain_text(in_call_zone)
    assert_accessible(office, "the call's deadline extensions (en)")

    # --- The call's deadline passes; the periodic command closes it. -----------------------
    db.session.expire_all()
    call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert close_due_calls(utcnow()) == 1
    db.session.commit()
    assert call.state == CallState.closed

    # --- He, in English, is refused. -------------------------------------------------------
    him = new_page(locale="en-GB")
    sign_in(him, app, "pavel@example.org", "en")
    him.goto(f"/applications/{his_id}")
    expect(him.locator("#deadline-passed")).to_be_visible()
    expect(him.get_by_role("link", name="Check your answers and submit")).to_have_count(0)
    him.goto(f"/applications/{his_id}/check")
    expect(him).to_have_url(re.compile(rf"/applications/{his_id}$"))
    # A submission sent anyway (a page loaded in time) is refused by the server.
    token = him.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = him.request.post(f"/applications/{his_id}/submit",
                               form={"csrf_token": token or "", "declaration": "y"})
    assert ("The deadline for applications has passed: this application was not submitted "
            "and can no longer be submitted.") in refused.text()

    # --- She, in Russian, reads her own deadline and submits. --------------------------------
    her = new_page(locale="ru-RU", timezone_id="Asia/Almaty")
    sign_in(her, app, "aigerim@example.org", "ru")
    her.goto("/applications/")
    with app.test_request_context(), force_locale("ru"):
        in_her_zone = format_moment(until, "Asia/Baku")  # her account's zone (the factory's)
    dashboard_row = her.get_by_role("row").filter(has_text=in_her_zone)
    expect(dashboard_row).to_contain_text(russian("extended for you"))
    assert_russian(dashboard_row.inner_text())
    assert_accessible(her, "her applications with her extended deadline (ru)")
    her.goto(f"/applications/{hers_id}")
    expect(her.locator("#your-deadline")).to_have_text(
        russian("Your deadline has been extended to %(moment)s.", moment=in_her_zone))
    her.get_by_role("link", name=russian("Check your answers and submit")).first.click()
    expect(heading(her)).to_have_text(russian("Check your answers"))
    expect(her.locator("#your-deadline")).to_be_visible()
    assert_accessible(her, "the check page after the call's deadline, extended (ru)")
    submit = labels(app, SubmitForm, "ru")
    her.get_by_label(submit["declaration"], exact=True).check()
    her.get_by_role("button", name=submit["submit"]).click()
    expect(heading(her)).to_have_text(russian("Application submitted"))

    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Application.id, Application.state)).all())
    assert (states[hers_id], states[his_id]) == (ApplicationState.submitted, ApplicationState.draft)
    assert db.session.get(Application, hers_id).reference.startswith("FEL-")
