"""Messages through the test client: the composer, the sent messages, the inbox, the header."""

import re

import sqlalchemy as sa

from portal.database import utcnow
from portal.messages import services
from portal.messages.models import Message, MessageRecipient

COMPOSE = "/manage/messages/new"


def _fields(**overrides):
    return {"audience": "drafts", "call_id": "", "person_email": "", "kind": "message",
            "subject_en": "Documents", "subject_ru": "Документы",
            "body_en": "Please upload your CV.", "body_ru": "Загрузите резюме.", **overrides}


def _send_to(person, coordinator, subject="Documents"):
    message = services.send_message(services.Draft(
        audience="person", call_id=None, person_id=person.id, subject_en=subject,
        subject_ru="Документы", body_en="Please upload your **CV**.", body_ru="Загрузите резюме.",
    ), actor=coordinator, now=utcnow())
    return message


def test_preview_shows_the_count_and_both_languages_and_sends_nothing(
        db, client, forms, login_as, outbox, create_user, create_call, create_application):
    call = create_call()
    for language in ("en", "ru"):
        create_application(call=call, applicant=create_user(language=language))
    login_as(create_user(roles=("coordinator",)))
    response = forms.post(COMPOSE, _fields(call_id=str(call.id), preview="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="recipient-count">\s*This message will be sent to 2 people.', html)
    previews = re.findall(r'data-language="(\w+)">\s*<p class="fw-bold mb-1">([^<]+)</p>', html)
    assert previews == [("en", "Documents"), ("ru", "Документы")]
    assert "Загрузите резюме." in html and 'name="send"' in html
    assert (outbox(), db.session.scalar(sa.select(sa.func.count()).select_from(Message))) == ([], 0)


def test_send_from_the_composer_sends_and_shows_the_sent_message(
        db, client, forms, login_as, outbox, create_user, create_call, create_application):
    call = create_call()
    applicant = create_user(language="ru")
    create_application(call=call, applicant=applicant)
    login_as(create_user(roles=("coordinator",)))
    response = forms.post(COMPOSE, _fields(call_id=str(call.id), send="1"))
    message = db.session.scalar(sa.select(Message))
    assert response.headers["Location"] == f"/manage/messages/{message.id}"
    assert [(m.recipient, m.subject) for m in outbox()] == [(applicant.email, "Документы")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message was sent to 1 person." in page
    assert applicant.full_name in page
    listing = client.get("/manage/messages").get_data(as_text=True)
    assert f'href="/manage/messages/{message.id}">Documents</a>' in listing


def test_composer_with_errors_shows_the_entries_again(client, forms, login_as, outbox, create_user):
    login_as(create_user(roles=("coordinator",)))
    response = forms.post(COMPOSE, _fields(subject_ru="", body_en="Kept text", send="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose the call whose applicants or reviewers receive it." in html
    assert "Kept text</textarea>" in html
    assert 'id="message-preview"' not in html
    assert outbox() == []


def test_composer_refuses_an_unknown_person(client, forms, login_as, create_user):
    login_as(create_user(roles=("coordinator",)))
    html = forms.post(COMPOSE, _fields(audience="person", person_email="nobody@example.org",
                                       preview="1")).get_data(as_text=True)
    assert "Nobody has an account with this e-mail address." in html


def test_reminder_link_fills_the_composer_for_the_call_drafts(client, login_as, create_user,
                                                              create_call):
    call = create_call()
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"{COMPOSE}?call_id={call.id}&reminder=1").get_data(as_text=True)
    assert re.search(r'<option selected value="drafts">|<option value="drafts" selected>', html)
    assert f'<option selected value="{call.id}">' in html
    assert 'name="kind" type="hidden" value="draft_reminder"' in html
    assert f'value="Reminder: your application to {call.title_en} is not submitted yet"' in html


def test_call_page_links_to_the_reminder(client, login_as, create_user, create_call):
    call = create_call()
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}").get_data(as_text=True)
    assert f'href="/manage/messages/new?call_id={call.id}&amp;reminder=1"' in html


def test_inbox_lists_messages_unread_first_marked_and_reading_marks_them_read(
        db, client, login_as, create_user):
    person, coordinator = create_user(), create_user(roles=("coordinator",))
    message = _send_to(person, coordinator)
    db.session.commit()
    login_as(person)
    inbox = client.get("/messages").get_data(as_text=True)
    assert 'id="messages-link" title="Messages"' in inbox
    assert inbox.count("data-unread") == 1
    assert re.search(r'badge rounded-pill text-bg-warning" aria-hidden="true">1</span>'
                     r'<span class="visually-hidden"> \(1 unread\)</span>', inbox)
    page = client.get(f"/messages/{message.id}").get_data(as_text=True)
    assert "Please upload your <strong>CV</strong>." in page
    read_at = db.session.scalar(sa.select(MessageRecipient.read_at))
    assert read_at is not None
    inbox = client.get("/messages").get_data(as_text=True)
    assert ("data-unread" in inbox, "unread)" in inbox) == (False, False)


def test_someone_elses_message_does_not_exist_for_them(db, client, login_as, create_user):
    coordinator = create_user(roles=("coordinator",))
    message = _send_to(create_user(), coordinator)
    db.session.commit()
    login_as(create_user())
    assert client.get(f"/messages/{message.id}").status_code == 404


def test_list_of_an_open_calls_drafts_links_to_the_reminder(client, login_as, create_user,
                                                            create_call, create_application):
    call = create_call()
    create_application(call=call)
    login_as(create_user(roles=("coordinator",)))
    link = f'href="/manage/messages/new?call_id={call.id}&amp;reminder=1"'
    drafts = client.get(f"/manage/calls/{call.id}/applications?state=draft").get_data(as_text=True)
    submitted = client.get(f"/manage/calls/{call.id}/applications").get_data(as_text=True)
    assert (link in drafts, link in submitted) == (True, False)
