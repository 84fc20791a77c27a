"""A coordinator reminds the owners of the open call's drafts in one click: the composer comes
pre-filled in both languages with the deadline, the preview counts the two drafts' owners and
shows both languages, and the message is sent. The Russian applicant reads it in Russian in the
mail at a real SMTP server and in the portal, where the header counts it until it is read.
axe-core checks every page on the way, in both languages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_review_journey import (
    heading,
    moment_in,
    plural_in,
    sign_in,
    status_message,
    switch_language,
)
from tests.browser.texts import assert_russian, russian
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

COORDINATOR = ("coordinator@rocb.example.org", "Farid Aliyev")
RUSSIAN = ("aigerim@example.org", "Aigerim Bekova")


def test_coordinator_reminds_the_drafts_and_the_russian_applicant_reads_it_in_russian(
        app, db, live_server, new_page, mailbox, create_user, create_call, create_application):
    call = create_call()
    call.title_en, call.title_ru = "Risk management fellowship 2027", "Стажировка по управлению рисками 2027"
    ru_applicant = create_user(email=RUSSIAN[0], full_name=RUSSIAN[1], language="ru")
    create_application(call=call, applicant=ru_applicant, language="ru")
    create_application(call=call, applicant=create_user(email="nino@example.org"))
    create_application(call=call, applicant=create_user(email="done@example.org"), submit=True)
    create_user(email=COORDINATOR[0], full_name=COORDINATOR[1], roles=("coordinator",))
    db.session.commit()
    call_id, deadline, title_en = call.id, call.closes_at, call.title_en
    with app.app_context():
        subject_ru = russian("Reminder: your application to %(call)s is not submitted yet",
                             call=call.title_ru)
        deadline_ru = moment_in("ru", deadline, "Asia/Baku")
    assert_russian(subject_ru)

    coordinator = new_page(locale="en-GB")
    sign_in(coordinator, app, "en", COORDINATOR[0], COORDINATOR[1], PASSWORD)
    coordinator.goto(f"/manage/calls/{call_id}")
    assert_accessible(coordinator, "the open call with the reminder (en)")
    coordinator.get_by_role("link", name="Remind the owners of unfinished drafts").click()
    expect(heading(coordinator)).to_have_text("Write a message")
    expect(coordinator.get_by_label("Send to")).to_have_value("drafts")
    expect(coordinator.get_by_label("Subject in Russian")).to_have_value(subject_ru)
    expect(coordinator.get_by_label("Message in English")).to_have_value(
        re.compile(re.escape(moment_in("en", deadline, "Asia/Baku"))))
    assert_accessible(coordinator, "the composer with the reminder (en)")
    coordinator.get_by_role("button", name="Preview").click()
    expect(coordinator.locator("#recipient-count")).to_have_text(
        "This message will be sent to 2 people.")
    expect(coordinator.locator('.preview[lang="ru"]')).to_contain_text(deadline_ru)
    expect(coordinator.locator('.preview[lang="en"]')).to_contain_text("is still a draft")
    assert_accessible(coordinator, "the composer's preview (en)")
    switch_language(coordinator, "Русский", "ru")
    expect(heading(coordinator)).to_have_text(russian("Write a message"))
    assert_accessible(coordinator, "the composer (ru)")
    switch_language(coordinator, "English", "en")
    coordinator.get_by_role("button", name="Preview").click()
    coordinator.get_by_role("button", name="Send the message").click()
    expect(status_message(coordinator, "The message was sent to 2 people.")).to_be_visible()
    expect(coordinator.locator("#recipients tbody tr")).to_have_count(2)
    assert_accessible(coordinator, "the message sent (en)")
    coordinator.get_by_role("link", name="All messages sent").click()
    expect(coordinator.locator("#sent-messages tbody tr")).to_have_count(1)
    assert_accessible(coordinator, "the messages sent (en)")
    switch_language(coordinator, "Русский", "ru")
    expect(heading(coordinator)).to_have_text(russian("Messages sent"))
    assert_accessible(coordinator, "the messages sent (ru)")

    # The Russian applicant: the e-mail in Russian, then the portal.
    mail = mailbox.wait_for(RUSSIAN[0], subject=subject_ru)
    text = mail.get_body(("plain",)).get_content()
    assert deadline_ru in text
    assert russian('You can also read this message in the portal, under "Messages":') in text
    subject_en = f"Reminder: your application to {title_en} is not submitted yet"
    mailbox.wait_for("nino@example.org", subject=subject_en)
    assert sorted(m["To"] for m in mailbox.messages if m["Subject"] in (subject_en, subject_ru)) == [
        RUSSIAN[0], "nino@example.org"]

    applicant = new_page(locale="ru-RU")
    sign_in(applicant, app, "ru", RUSSIAN[0], RUSSIAN[1], PASSWORD)
    link = applicant.get_by_role("link", name=russian("Messages"))
    expect(link).to_contain_text(plural_in("ru", "%(num)d unread", "%(num)d unread", 1))
    expect(link.locator(".badge")).to_have_text("1")
    link.click()
    expect(heading(applicant)).to_have_text(russian("Messages"))
    expect(applicant.locator("#inbox tr[data-unread]")).to_have_count(1)
    assert_accessible(applicant, "the inbox with a new message (ru)")
    applicant.get_by_role("link", name=subject_ru).click()
    expect(heading(applicant)).to_have_text(subject_ru)
    expect(applicant.locator("#message-body")).to_contain_text(deadline_ru)
    assert_accessible(applicant, "a message read (ru)")
    applicant.get_by_role("link", name=russian("All messages")).click()
    expect(applicant.locator("#inbox tr[data-unread]")).to_have_count(0)
    expect(applicant.locator("#messages-link .badge")).to_have_count(0)
    assert applicant.problems == [] and coordinator.problems == []
