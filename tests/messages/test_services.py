"""Messages through the services: audiences, sending in each language, reading, the reminder."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.applications.models import ApplicationState
from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.i18n import format_moment
from portal.messages import services
from portal.messages.audiences import count_recipients, recipients
from portal.messages.models import Message, MessageRecipient
from portal.reviews.models import Assignment, AssignmentState, Review


def _draft(audience="drafts", *, call_id=None, person_id=None, kind="message"):
    return services.Draft(audience=audience, call_id=call_id, person_id=person_id,
                          subject_en="Documents", subject_ru="Документы",
                          body_en="Please upload your CV.", body_ru="Загрузите, пожалуйста, резюме.",
                          kind=kind)


@pytest.fixture
def call_with_everyone(db, create_call, create_user, create_application):
    """A call with one application in each state that an audience picks, and one reviewer who
    has submitted their review and one who has not."""
    call = create_call()
    other_call = create_call()
    people = {}
    for state in ("draft", "submitted", "accepted", "waitlisted", "withdrawn", "not_selected"):
        people[state] = create_user(email=f"{state}@example.org")
        application = create_application(call=call, applicant=people[state],
                                         submit=state != "draft")
        application.state = ApplicationState(state)
    create_application(call=other_call, applicant=create_user(email="elsewhere@example.org"))
    applications = {a.applicant.email: a for a in call_applications(db, call)}
    for email, submitted in (("done.reviewer@example.org", True),
                             ("late.reviewer@example.org", False)):
        reviewer = create_user(email=email, roles=("reviewer",))
        for application in (applications["submitted@example.org"],
                            applications["accepted@example.org"]):
            db.session.add(Assignment(
                application=application, reviewer=reviewer, state=AssignmentState.active,
                review=Review(scores={}, submitted_at=utcnow() if submitted else None)))
    db.session.commit()
    return call, people


def call_applications(db, call):
    from portal.applications.models import Application

    return db.session.scalars(sa.select(Application).where(Application.call_id == call.id)).all()


@pytest.mark.parametrize(("audience", "emails"), [
    ("drafts", ["draft@example.org"]),
    ("submitted", ["submitted@example.org", "accepted@example.org", "waitlisted@example.org",
                   "not_selected@example.org"]),
    ("selected", ["accepted@example.org"]),
    ("waitlisted", ["waitlisted@example.org"]),
    ("reviewers", ["late.reviewer@example.org"]),
])
def test_audience_holds_the_people_of_the_call_in_that_state(call_with_everyone, audience, emails):
    call, _people = call_with_everyone
    assert sorted(u.email for u in recipients(audience, call_id=call.id)) == sorted(emails)
    assert count_recipients(audience, call_id=call.id) == len(emails)


def test_audience_leaves_out_deactivated_and_deleted_accounts(db, call_with_everyone):
    call, people = call_with_everyone
    people["submitted"].is_active_account = False
    people["accepted"].deleted_at = utcnow()
    db.session.commit()
    assert [u.email for u in recipients("submitted", call_id=call.id)] == [
        "waitlisted@example.org", "not_selected@example.org"]


def test_one_person_audience_holds_that_person(create_user):
    person = create_user()
    create_user()
    assert recipients("person", person_id=person.id) == [person]


def test_send_message_writes_recipients_and_one_email_each_in_their_language(
        db, outbox, create_call, create_user, create_application):
    call = create_call()
    coordinator = create_user(roles=("coordinator",))
    russian = create_user(email="ru@example.org", language="ru", full_name="Aigerim Bekova")
    english = create_user(email="en@example.org", language="en")
    for person in (russian, english):
        create_application(call=call, applicant=person)
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    message = services.send_message(_draft(call_id=call.id), actor=coordinator, now=now)
    db.session.commit()

    assert (message.recipient_count, message.sent_at, message.sender_id) == (2, now, coordinator.id)
    rows = db.session.execute(sa.select(MessageRecipient.user_id, MessageRecipient.language)
                              .order_by(MessageRecipient.user_id)).all()
    assert rows == [(russian.id, "ru"), (english.id, "en")]
    mails = {m.recipient: m for m in outbox()}
    assert sorted(mails) == ["en@example.org", "ru@example.org"]
    assert (mails["ru@example.org"].subject, mails["ru@example.org"].language) == ("Документы", "ru")
    assert "Загрузите, пожалуйста, резюме." in mails["ru@example.org"].body_text
    assert f"http://portal.test/messages/{message.id}" in mails["ru@example.org"].body_text
    assert mails["en@example.org"].subject == "Documents"
    assert "Please upload your CV." in mails["en@example.org"].body_text
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "message.sent"))
    assert (event.actor_id, event.object_type, event.object_id, event.details) == (
        coordinator.id, "message", str(message.id),
        {"audience": "drafts", "call": call.id, "message_kind": "message", "recipients": 2})


def test_send_message_to_nobody_is_refused_and_writes_nothing(db, outbox, create_call, create_user):
    call = create_call()
    with pytest.raises(services.MessageError):
        services.send_message(_draft(call_id=call.id), actor=create_user(), now=utcnow())
    assert (db.session.scalar(sa.select(sa.func.count()).select_from(Message)), outbox()) == (0, [])


def test_mark_read_counts_the_first_reading_and_unread_count_follows(db, create_user):
    person, coordinator = create_user(), create_user(roles=("coordinator",))
    first = services.send_message(_draft("person", person_id=person.id), actor=coordinator,
                                  now=utcnow())
    services.send_message(_draft("person", person_id=person.id), actor=coordinator, now=utcnow())
    db.session.commit()
    assert services.unread_count(person) == 2
    recipient, message = services.received(person, first.id)
    moment = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    services.mark_read(recipient, now=moment)
    services.mark_read(recipient, now=utcnow())
    assert (message.id, recipient.read_at, services.unread_count(person)) == (first.id, moment, 1)
    assert services.received(coordinator, first.id) is None


def test_draft_reminder_names_the_call_and_its_deadline_in_both_languages(app, create_call):
    call = create_call(closes_at=datetime(2027, 3, 1, 20, 0, tzinfo=UTC))
    with app.test_request_context():
        texts = services.draft_reminder(call)
        with force_locale("en"):
            deadline_en = format_moment(call.closes_at, "Asia/Baku")
        with force_locale("ru"):
            deadline_ru = format_moment(call.closes_at, "Asia/Baku")
    assert texts["subject_en"] == f"Reminder: your application to {call.title_en} is not submitted yet"
    assert "March 2, 2027" in deadline_en and "2 марта 2027" in deadline_ru  # in Baku's time
    assert f'"{call.title_en}" is still a draft' in texts["body_en"]
    assert f"submitted by {deadline_en};" in texts["body_en"]
    assert call.title_ru in texts["subject_ru"]
    assert deadline_ru in texts["body_ru"]


def test_draft_reminder_tells_an_applicant_with_an_extension_their_own_deadline(
        app, db, outbox, client, login_as, create_call, create_user, create_application):
    from datetime import timedelta

    from portal.calls.deadlines import set_extension

    call = create_call(closes_at=datetime(2027, 3, 1, 20, 0, tzinfo=UTC))
    extended, other = create_user(email="late@example.org"), create_user(email="on.time@example.org")
    for person in (extended, other):
        create_application(call=call, applicant=person)
    set_extension(call, extended, closes_at=call.closes_at + timedelta(days=3),
                  reason="Letter delayed", actor=None, now=utcnow(), expected_version=None)
    with app.test_request_context():
        texts = services.draft_reminder(call)
        own = format_moment(call.closes_at + timedelta(days=3), call.time_zone)
    message = services.send_message(
        services.Draft(audience="drafts", call_id=call.id, person_id=None, kind="draft_reminder",
                       **texts), actor=create_user(roles=("coordinator",)), now=utcnow())
    db.session.commit()
    note = f"Your own deadline has been extended: you may submit your application until {own}."
    bodies = {m.recipient: m.body_text for m in outbox()}
    assert (note in bodies["late@example.org"], note in bodies["on.time@example.org"]) == (True, False)
    login_as(extended)
    page = client.get(f"/messages/{message.id}").get_data(as_text=True)
    assert f"Your deadline was extended: you may submit your application until {own}." in page
