"""The outbox services called directly: queueing in the recipient's language, sending, retrying."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.support import Translations
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.database import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.notifications.services import (
    queue_email,
    requeue_failed,
    retry_delay,
    send_due_messages,
)
from tests.notifications.mail import html_lang, mo_file, text_of

VERIFY_URL = "http://portal.test/verify-email/abc"
ENGLISH_TEXT = (
    "Dear Ana Petrova,\n"
    "\n"
    "Please confirm your e-mail address for the ROCB Europe fellowship portal by opening this "
    "link:\n"
    "\n"
    f"{VERIFY_URL}\n"
    "\n"
    "The link works for 3 days.\n"
    "If you did not create an account, ignore this message."
)


def _queue_verification(user, valid_days=3):
    message = queue_email(
        kind="verify_email", recipient=user.email, language=user.preferred_language,
        subject=_l("Confirm your e-mail address"), user=user, verify_url=VERIFY_URL,
        valid_days=valid_days,
    )
    db.session.commit()
    return message


# Queueing in the recipient's language


def test_queue_email_renders_english_text_and_html(app, create_user, outbox):
    user = create_user(email="ana@example.org", full_name="Ana Petrova", language="en")

    _queue_verification(user)

    [message] = outbox()
    assert (message.kind, message.recipient, message.language) == (
        "verify_email", "ana@example.org", "en")
    assert message.subject == "Confirm your e-mail address"
    assert message.body_text == ENGLISH_TEXT
    assert html_lang(message.body_html) == "en"
    assert f'<a href="{VERIFY_URL}">Confirm my e-mail address</a>' in message.body_html
    assert (message.status, message.attempts, message.sent_at) == (OutboxStatus.queued, 0, None)


def test_queue_email_uses_recipient_language_not_request_language(app, create_user, outbox):
    user = create_user(full_name="Ivan Petrov", language="ru")

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        page_language_before = str(get_locale())
        _queue_verification(user)
        page_language_after = str(get_locale())

    assert (page_language_before, page_language_after) == ("en", "en")
    [message] = outbox()
    assert message.language == "ru"
    assert html_lang(message.body_html) == "ru"


def test_queue_email_escapes_user_text_in_html_only(app, create_user, outbox):
    user = create_user(full_name="Ana <b>Petrova</b>", language="en")

    _queue_verification(user)

    [message] = outbox()
    assert message.body_text.splitlines()[0] == "Dear Ana <b>Petrova</b>,"
    assert "<p>Dear Ana &lt;b&gt;Petrova&lt;/b&gt;,</p>" in message.body_html


@pytest.fixture
def russian_catalog():
    path = mo_file("ru")
    if not path.exists():
        pytest.skip(f"Russian catalog not compiled ({path} missing; run `flask translate compile`)")
    with path.open("rb") as handle:
        return Translations(handle)


@pytest.mark.parametrize("days", [1, 3, 5])
def test_queue_email_renders_russian_text_with_plural_forms(app, create_user, outbox,
                                                             russian_catalog, days):
    user = create_user(full_name="Ivan Petrov", language="ru")

    _queue_verification(user, valid_days=days)

    [message] = outbox()
    subject = russian_catalog.gettext("Confirm your e-mail address")
    assert subject != "Confirm your e-mail address", "Russian catalog lacks the subject"
    assert message.subject == subject
    lines = message.body_text.splitlines()
    assert lines[0] == russian_catalog.gettext("Dear %(name)s,") % {"name": "Ivan Petrov"}
    assert lines[6] == russian_catalog.ngettext(
        "The link works for %(count)s day.", "The link works for %(count)s days.", days
    ) % {"count": days}
    assert f"<title>{subject}</title>" in message.body_html


# Sending over SMTP


@pytest.mark.smtp
def test_send_due_messages_delivers_english_message_once(smtp_server, app, create_user):
    user = create_user(email="ana@example.org", full_name="Ana Petrova", language="en")
    queued = _queue_verification(user)

    assert send_due_messages() == (1, 0)
    assert send_due_messages() == (0, 0)

    [envelope] = smtp_server.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("fellowships@localhost", ["ana@example.org"])
    [mail] = smtp_server.messages
    assert mail["To"] == "ana@example.org"
    assert mail["From"] == "ROCB Europe fellowships <fellowships@localhost>"
    assert mail["Subject"] == "Confirm your e-mail address"
    assert mail["Content-Language"] == "en"
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith(">")
    assert mail.get_content_type() == "multipart/alternative"
    assert text_of(mail.get_body(("plain",))) == ENGLISH_TEXT
    assert text_of(mail.get_body(("html",))) == queued.body_html.rstrip("\n")
    message = db.session.get(OutboxMessage, queued.id)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.sent, 1, "")
    assert message.sent_at is not None


@pytest.mark.smtp
def test_send_due_messages_delivers_cyrillic_subject_and_body(smtp_server, app, create_user):
    user = create_user(email="ivan@example.org", full_name="Иван Петров", language="ru")
    queued = queue_email(
        kind="verify_email", recipient=user.email, language="ru",
        subject="Подтвердите адрес электронной почты", user=user, verify_url=VERIFY_URL,
        valid_days=3,
    )
    db.session.commit()

    assert send_due_messages() == (1, 0)

    [mail] = smtp_server.messages
    assert mail["Subject"] == "Подтвердите адрес электронной почты"
    assert mail["Content-Language"] == "ru"
    assert "Иван Петров" in queued.body_text
    assert text_of(mail.get_body(("plain",))) == queued.body_text
    assert text_of(mail.get_body(("html",))) == queued.body_html.rstrip("\n")
    assert html_lang(queued.body_html) == "ru"


@pytest.mark.smtp
def test_send_due_messages_gives_each_message_its_own_message_id(smtp_server, app,
                                                                 queue_verification):
    for n in range(3):
        queue_verification(f"user{n}@example.org")

    assert send_due_messages() == (3, 0)

    assert len(set(smtp_server.message_ids)) == 3


@pytest.mark.smtp
def test_send_due_messages_resend_keeps_message_id(smtp_server, app, queue_verification,
                                                    skip_time):
    """If a sender dies between handing a message over and recording it, the message goes
    out again; the same Message-ID lets the receiving side recognise the duplicate."""
    queue_verification()
    send_due_messages()
    db.session.execute(sa.update(OutboxMessage).values(status=OutboxStatus.queued, sent_at=None))
    db.session.commit()
    skip_time()

    send_due_messages()

    first, second = smtp_server.message_ids
    assert first == second


# SMTP down: back-off and retry


@pytest.mark.smtp
def test_send_due_messages_keeps_message_queued_when_smtp_is_down(smtp_server, app,
                                                                  queue_verification,
                                                                  closed_port):
    message = queue_verification()
    app.config["MAIL_PORT"] = closed_port
    before = utcnow()

    assert send_due_messages() == (0, 1)

    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts) == (OutboxStatus.queued, 1)
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert message.claimed_until is None
    assert send_due_messages() == (0, 0)  # not due yet
    assert smtp_server.envelopes == []


@pytest.mark.smtp
def test_send_due_messages_retries_once_server_is_back(smtp_server, app, queue_verification,
                                                        closed_port, skip_time):
    message = queue_verification()
    app.config["MAIL_PORT"] = closed_port
    send_due_messages()
    app.config["MAIL_PORT"] = smtp_server.port
    skip_time()

    assert send_due_messages() == (1, 0)
    assert send_due_messages() == (0, 0)

    assert len(smtp_server.envelopes) == 1
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.sent, 2, "")


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (7, 60), (10, 60)])
def test_retry_delay_doubles_up_to_an_hour(attempts, minutes):
    assert retry_delay(attempts) == timedelta(minutes=minutes)


@pytest.fixture
def three_attempts(app_config):
    app_config["MAIL_MAX_ATTEMPTS"] = 3


@pytest.mark.smtp
def test_send_due_messages_gives_up_after_max_attempts(three_attempts, smtp_server, app,
                                                        queue_verification, closed_port,
                                                        skip_time):
    message = queue_verification()
    app.config["MAIL_PORT"] = closed_port
    for _round in range(3):
        assert send_due_messages() == (0, 1)
        skip_time()

    assert send_due_messages() == (0, 0)

    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts) == (OutboxStatus.failed, 3)
    assert message.last_error != ""


@pytest.mark.smtp
def test_requeue_failed_sends_a_failed_message_again(three_attempts, smtp_server, app,
                                                     queue_verification, closed_port,
                                                     skip_time):
    message = queue_verification()
    app.config["MAIL_PORT"] = closed_port
    for _round in range(3):
        send_due_messages()
        skip_time()
    app.config["MAIL_PORT"] = smtp_server.port

    assert requeue_failed() == 1
    db.session.commit()

    db.session.expire_all()
    requeued = db.session.get(OutboxMessage, message.id)
    assert (requeued.status, requeued.attempts) == (OutboxStatus.queued, 0)
    assert send_due_messages() == (1, 0)
    assert len(smtp_server.envelopes) == 1
    assert requeue_failed() == 0


def test_requeue_failed_leaves_queued_and_sent_messages_alone(app, queue_verification, outbox):
    queue_verification("a@example.org")
    queue_verification("b@example.org")
    send_due_messages(limit=1)  # no MAIL_SERVER: written to a file

    assert requeue_failed() == 0

    assert [m.status for m in outbox()] == [OutboxStatus.sent, OutboxStatus.queued]


# Claiming: no message goes out twice


def test_send_due_messages_skips_message_claimed_by_another_sender(app, queue_verification,
                                                                   outbox):
    message = queue_verification()
    db.session.execute(sa.update(OutboxMessage).values(claimed_until=utcnow() + timedelta(
        minutes=1)))
    db.session.commit()

    assert send_due_messages() == (0, 0)
    assert [m.status for m in outbox()] == [OutboxStatus.queued]

    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert send_due_messages() == (1, 0)  # the other sender's claim ran out


@pytest.mark.smtp
def test_send_due_messages_in_two_threads_sends_each_message_once(smtp_server, app,
                                                                  queue_verification):
    for n in range(20):
        queue_verification(f"user{n}@example.org")
    start = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                start.wait(timeout=10)
                while True:
                    sent, failed = send_due_messages(limit=3)
                    results.append((sent, failed))
                    if sent + failed == 0:
                        break
                db.session.remove()
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(sent for sent, _failed in results) == 20
    ids = smtp_server.message_ids
    assert len(ids) == 20
    assert len(set(ids)) == 20
    recipients = sorted(e.rcpt_tos[0] for e in smtp_server.envelopes)
    assert recipients == sorted(f"user{n}@example.org" for n in range(20))


@pytest.mark.smtp
def test_send_due_messages_skips_message_taken_over_during_its_round(smtp_server, app,
                                                                     queue_verification):
    """A sender may only send what it holds a current claim on when it sends.

    A round can outlast a claim (100 messages against a server that times out after
    10 s each take longer than the 5-minute claim); another sender may then take over
    the messages not yet sent. Here that other sender takes the second message while
    the first is on its way.
    """
    queue_verification("a@example.org")
    second = queue_verification("b@example.org")
    smtp_server.hold()
    results = []

    def sender():
        with app.app_context():
            results.append(send_due_messages())
            db.session.remove()

    thread = threading.Thread(target=sender)
    thread.start()
    try:
        smtp_server.wait_until_holding()
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == second.id).values(
            claimed_until=utcnow() + timedelta(minutes=5)))
        db.session.commit()
    finally:
        smtp_server.release()
        thread.join(timeout=30)

    assert results == [(1, 0)]
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["a@example.org"]]


# A message that cannot be built must not block the others


def test_send_due_messages_survives_a_message_that_cannot_be_built(app, queue_verification,
                                                                   outbox):
    queue_verification("broken@example.org\nBcc: everyone@example.org")
    queue_verification("fine@example.org")

    assert send_due_messages() == (1, 1)

    broken, fine = outbox()
    assert (broken.status, broken.attempts, broken.claimed_until) == (OutboxStatus.queued, 1, None)
    assert broken.last_error != ""
    assert fine.status == OutboxStatus.sent


# Sending must not hold the database while talking to the SMTP server


@pytest.fixture
def short_lock_wait(app_config):
    app_config["SQLITE_BUSY_TIMEOUT"] = 2


@pytest.mark.smtp
def test_send_due_messages_lets_others_write_while_smtp_is_slow(short_lock_wait, smtp_server, app,
                                                                queue_verification, outbox):
    queue_verification("a@example.org")
    smtp_server.hold()
    errors = []

    def sender():
        try:
            with app.app_context():
                send_due_messages()
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=sender)
    thread.start()
    try:
        smtp_server.wait_until_holding()
        queue_verification("b@example.org")  # a page writing while the e-mail is on its way
    finally:
        smtp_server.release()
        thread.join(timeout=30)

    assert errors == []
    assert [m.status for m in outbox()] == [OutboxStatus.sent, OutboxStatus.queued]
