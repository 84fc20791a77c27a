"""Reminders to focal points with candidates awaiting them: in their language, at most once a
day per call and administration, never past the endorsement deadline."""

from datetime import timedelta

from portal.database import utcnow
from portal.endorsements.services import remind_focal_points
from portal.extensions import db
from tests.endorsements.flow_factories import endorsement_call, make_focal_point


def _reminders(outbox):
    return sorted((m.recipient, m.language, m.subject) for m in outbox()
                  if m.kind == "endorsement_reminder")


def test_reminders_once_a_day_in_each_focal_points_language(
        create_call, create_user, create_application, outbox):
    make_focal_point(create_user, "RU", email="ru@customs.ru", language="ru")
    make_focal_point(create_user, "RU", email="en@customs.ru", language="en")
    call = endorsement_call(create_call)
    for _ in range(2):
        create_application(applicant=create_user(), call=call, submit=True)
    tomorrow = utcnow() + timedelta(days=1, minutes=1)

    assert remind_focal_points(utcnow()) == 0  # asked today: no reminder yet
    assert remind_focal_points(tomorrow) == 2
    db.session.commit()
    assert remind_focal_points(tomorrow + timedelta(hours=23)) == 0
    assert remind_focal_points(tomorrow + timedelta(days=1)) == 2
    db.session.commit()

    title = call.title_ru
    assert _reminders(outbox)[:2] == [
        ("en@customs.ru", "en", f'Reminder: candidates await your endorsement for "{call.title_en}"'),
        ("en@customs.ru", "en", f'Reminder: candidates await your endorsement for "{call.title_en}"'),
    ]
    russian = [m for m in outbox() if m.kind == "endorsement_reminder" and m.language == "ru"]
    assert [m.subject for m in russian] == [
        f"Напоминание: кандидаты ждут подтверждения выдвижения на конкурс «{title}»"] * 2
    assert "2 кандидата Вашей администрации всё ещё ждут" in russian[0].body_text


def test_no_reminder_past_the_deadline_or_once_decided(
        create_call, create_user, create_application, outbox):
    from portal.endorsements import services
    from tests.endorsements.flow_factories import endorsement_of

    focal = make_focal_point(create_user, "RU")
    call = endorsement_call(create_call)
    application = create_application(applicant=create_user(), call=call, submit=True)

    assert remind_focal_points(call.closes_at + timedelta(seconds=1)) == 0
    endorsement = endorsement_of(application)
    services.endorse(endorsement, actor=focal, expected_version=endorsement.version,
                     now=utcnow())
    db.session.commit()
    assert remind_focal_points(utcnow() + timedelta(days=2)) == 0


def test_the_command_queues_the_reminders(app, create_call, create_user, create_application):
    make_focal_point(create_user, "RU")
    endorsement_call(create_call)

    result = app.test_cli_runner().invoke(args=["endorsements", "remind"])

    assert result.output == "endorsements: 0 reminder(s) queued\n"


def test_no_reminder_for_a_candidate_screened_out(create_call, create_user, create_application,
                                                  outbox):
    from portal.applications import services as applications

    make_focal_point(create_user, "RU")
    call = endorsement_call(create_call)
    application = create_application(applicant=create_user(), call=call, submit=True)
    applications.screen_out(application, actor=create_user(roles=("coordinator",)),
                            reason="Not a customs officer.",
                            reason_ru="Не сотрудник таможни.", now=utcnow())
    db.session.commit()

    assert remind_focal_points(utcnow() + timedelta(days=2)) == 0
