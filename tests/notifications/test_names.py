"""E-mails name people as their language writes them: the native name in Cyrillic in Russian."""

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from portal.accounts.services import request_password_reset, send_verification_email
from portal.extensions import db
from portal.i18n import format_moment
from portal.notifications.names import name_in_language
from portal.notifications.services import queue_email

TEMPLATES = Path(__file__).resolve().parents[2] / "portal/notifications/templates/notifications/email"


@pytest.mark.parametrize(("native", "language", "expected"), [
    ("Айбек Жумабаев", "ru", "Айбек Жумабаев"),
    ("Айбек Жумабаев", "en", "Aibek Zhumabaev"),
    ("Лейла Мамедова-Алиева", "ru", "Лейла Мамедова-Алиева"),
    (None, "ru", "Aibek Zhumabaev"),
    ("  ", "ru", "Aibek Zhumabaev"),
    ("ნინო ბერიძე", "ru", "Aibek Zhumabaev"),  # Georgian script: not for a Russian text
    ("Нино Beridze", "ru", "Aibek Zhumabaev"),  # two scripts
])
def test_name_in_language(native, language, expected):
    person = SimpleNamespace(full_name="Aibek Zhumabaev", native_name=native)

    assert name_in_language(person, language) == expected


def _applicant(create_user, language):
    user = create_user(email="aibek@example.org", full_name="Aibek Zhumabaev", language=language)
    user.native_name = "Айбек Жумабаев"
    db.session.commit()
    return user


def test_russian_email_greets_by_the_native_name(app, create_user, outbox):
    send_verification_email(_applicant(create_user, "ru"))

    [message] = outbox()
    assert message.body_text.splitlines()[0] == "Здравствуйте, Айбек Жумабаев!"
    assert "<p>Здравствуйте, Айбек Жумабаев!</p>" in message.body_html


def test_english_email_greets_by_the_passport_name(app, create_user, outbox):
    request_password_reset(_applicant(create_user, "en").email)

    [message] = outbox()
    assert message.body_text.splitlines()[0] == "Dear Aibek Zhumabaev,"


def test_russian_email_names_the_inviter_by_the_native_name(app, create_user, outbox):
    from portal.database import utcnow
    from portal.reviews.services import invite_reviewer

    inviter = create_user(full_name="Ivan Petrov", roles=("coordinator",))
    inviter.native_name = "Иван Петров"
    reviewer = _applicant(create_user, "ru")

    invite_reviewer(email=reviewer.email, full_name=reviewer.full_name, language="ru",
                    actor=inviter, now=utcnow())

    message = outbox()[-1]
    assert message.body_text.splitlines()[:3] == [
        "Здравствуйте, Айбек Жумабаев!", "",
        "Иван Петров приглашает Вас провести экспертизу заявок на участие в программе стажировок "
        "ROCB Europe."]


def test_every_email_template_names_people_through_person_name():
    """One mechanism for every e-mail: no template reads a name column itself."""
    reading_names = [path.name for path in sorted(TEMPLATES.iterdir())
                     if ".full_name" in path.read_text(encoding="utf-8")
                     or ".native_name" in path.read_text(encoding="utf-8")]

    assert reading_names == []


# The Russian wording of the e-mails to applicants

RESPOND_BY = datetime(2027, 3, 15, 14, 0, tzinfo=UTC)


def _render_russian(kind, **context):
    user = SimpleNamespace(full_name="Aibek Zhumabaev", native_name="Айбек Жумабаев",
                           preferred_language="ru", time_zone="Asia/Baku")
    call = SimpleNamespace(text=lambda name, language=None: "Программа стажировок ROCB Europe 2027")
    offer = SimpleNamespace(respond_by=RESPOND_BY)
    application = SimpleNamespace(reference="FEL-2027-0042", id=1)
    message = queue_email(kind=kind, recipient="aibek@example.org", language="ru", subject="Тема",
                          user=user, call=call, offer=offer, application=application,
                          application_url="http://portal.test/applications/1", **context)
    return message.body_text.splitlines()


def test_offer_from_the_waiting_list_reads_the_same_to_everyone_in_russian(app):
    lines = _render_russian("offer_from_waitlist")

    assert lines[2] == ("По конкурсу «Программа стажировок ROCB Europe 2027» освободилось место. "
                        "В резервном списке подошла Ваша очередь, и мы предлагаем это место Вам.")


def test_selection_email_names_the_programme_once_in_russian(app):
    lines = _render_russian("selection_result", outcome="accepted", waitlist_position=None,
                            screening_reason="")

    assert lines[2] == ("С радостью сообщаем, что по итогам конкурса «Программа стажировок ROCB "
                        "Europe 2027» Вы отобраны для участия в стажировке.")


def test_expired_offer_email_in_russian(app):
    lines = _render_russian("offer_expired")

    with force_locale("ru"):
        moment = format_moment(RESPOND_BY, "Asia/Baku")
    assert lines[2] == (f"До {moment} мы не получили от Вас ответа на предложение места по итогам "
                        "конкурса «Программа стажировок ROCB Europe 2027», поэтому срок предложения "
                        "истёк и место предложено следующему кандидату.")
