"""The focal points' side of endorsement, through the services: asking on submission,
quota, deadline, self-endorsement, priority, declining, withdrawal, letters."""

import io
from datetime import timedelta

import pytest

from portal.applications import services as application_services
from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.endorsements import queries, services
from portal.endorsements.models import EndorsementState
from portal.extensions import db
from tests.conftest import PDF_BYTES
from tests.endorsements.flow_factories import endorsement_call, endorsement_of, make_focal_point


@pytest.fixture
def focal(create_user):
    return make_focal_point(create_user, "RU", email="focal@customs.ru", language="ru")


def _submitted(create_application, create_user, call, n=1):
    return [create_application(applicant=create_user(), call=call, submit=True)
            for _ in range(n)]


def _endorse(application, actor, *, now=None, **kw):
    endorsement = endorsement_of(application)
    services.endorse(endorsement, actor=actor, expected_version=endorsement.version,
                     now=now or utcnow(), **kw)
    db.session.commit()


def test_submission_asks_each_focal_point_once_in_their_language(
        create_call, create_user, create_application, outbox, focal):
    english = make_focal_point(create_user, "RU", email="second@customs.ru", language="en")
    make_focal_point(create_user, "GE", email="other@customs.ge")
    call = endorsement_call(create_call)

    [application] = _submitted(create_application, create_user, call)

    asked = [m for m in outbox() if m.kind == "endorsement_requested"]
    assert sorted((m.recipient, m.language) for m in asked) == [
        ("focal@customs.ru", "ru"), ("second@customs.ru", "en")]
    russian = next(m for m in asked if m.language == "ru")
    assert russian.subject == (
        f"Запрошено подтверждение выдвижения: кандидат Вашей администрации на конкурс "
        f"«{call.title_ru}»")
    assert f"http://portal.test/endorsements/applications/{application.id}" in russian.body_text
    assert endorsement_of(application).state == EndorsementState.requested
    assert english.id != focal.id


def test_a_call_without_endorsement_asks_nobody(create_call, create_user, create_application,
                                                outbox, focal):
    [application] = _submitted(create_application, create_user, create_call())

    assert [m.kind for m in outbox() if m.kind.startswith("endorsement")] == []
    assert endorsement_of(application) is None


def test_endorsement_beyond_the_quota_is_refused(create_call, create_user, create_application,
                                                 focal):
    call = endorsement_call(create_call, endorsement_quota=2)
    first, second, third = _submitted(create_application, create_user, call, 3)
    _endorse(first, focal)
    _endorse(second, focal)

    endorsement = endorsement_of(third)
    with pytest.raises(services.OverQuota):
        services.endorse(endorsement, actor=focal, expected_version=endorsement.version,
                         now=utcnow())
    db.session.rollback()

    assert [endorsement_of(a).state for a in (first, second, third)] == [
        EndorsementState.endorsed, EndorsementState.endorsed, EndorsementState.requested]
    assert queries.quota_used(call.id, "RU") == 2


@pytest.mark.parametrize("own_deadline", [True, False])
def test_nothing_changes_at_the_deadline_one_second_before_it_does(
        create_call, create_user, create_application, focal, own_deadline):
    closes_at = utcnow() + timedelta(days=2)
    deadline = closes_at + timedelta(days=5) if own_deadline else closes_at
    call = endorsement_call(create_call, closes_at=closes_at,
                            endorsement_deadline=deadline if own_deadline else None)
    early, late = _submitted(create_application, create_user, call, 2)

    _endorse(early, focal, now=deadline - timedelta(seconds=1))
    endorsement = endorsement_of(late)
    with pytest.raises(services.TooLate):
        services.decline(endorsement, actor=focal, reason="No", now=deadline,
                         expected_version=endorsement.version)
    db.session.rollback()

    assert (endorsement_of(early).state, endorsement_of(late).state) == (
        EndorsementState.endorsed, EndorsementState.requested)


def test_a_focal_point_cannot_act_on_their_own_application(create_call, create_user,
                                                           create_application, focal):
    call = endorsement_call(create_call)
    own = create_application(applicant=focal, call=call, submit=True)
    endorsement = endorsement_of(own)

    with pytest.raises(services.SelfEndorsement):
        services.endorse(endorsement, actor=focal, expected_version=endorsement.version,
                         now=utcnow())
    db.session.rollback()

    assert endorsement_of(own).state == EndorsementState.requested
    assert queries.candidate_for(focal, own.id) is None


def test_priority_is_given_in_order_and_changed_by_moving_and_placing(
        create_call, create_user, create_application, focal):
    call = endorsement_call(create_call)
    a, b, c = _submitted(create_application, create_user, call, 3)
    for application in (a, b, c):
        _endorse(application, focal)
    assert [endorsement_of(x).priority for x in (a, b, c)] == [1, 2, 3]

    endorsement = endorsement_of(c)
    services.move(endorsement, actor=focal, direction="up", expected_version=endorsement.version,
                  now=utcnow())
    db.session.commit()
    assert [endorsement_of(x).priority for x in (a, b, c)] == [1, 3, 2]

    endorsement = endorsement_of(b)
    services.place(endorsement, actor=focal, position=1, expected_version=endorsement.version,
                   now=utcnow())
    db.session.commit()
    assert [endorsement_of(x).priority for x in (a, b, c)] == [2, 1, 3]
    assert db.session.query(AuditEvent).filter_by(action="endorsement.reordered").count() == 2


def test_declining_an_endorsed_candidate_closes_up_the_priority(
        create_call, create_user, create_application, focal, outbox):
    call = endorsement_call(create_call)
    a, b = _submitted(create_application, create_user, call, 2)
    _endorse(a, focal, statement="Strong candidate")
    _endorse(b, focal)

    endorsement = endorsement_of(a)
    services.decline(endorsement, actor=focal, reason="Not released by the service",
                     expected_version=endorsement.version, now=utcnow())
    db.session.commit()

    declined = endorsement_of(a)
    assert (declined.state, declined.priority, declined.statement, declined.reason) == (
        EndorsementState.declined, None, "", "Not released by the service")
    assert endorsement_of(b).priority == 1


@pytest.mark.parametrize("shown", [True, False])
def test_the_applicant_is_told_of_a_change_with_the_reason_only_if_the_call_shows_it(
        create_call, create_user, create_application, focal, outbox, shown):
    call = endorsement_call(create_call, endorsement_reason_shown=shown)
    applicant = create_user(email="ivan@example.org", language="ru")
    application = create_application(applicant=applicant, call=call, submit=True)
    endorsement = endorsement_of(application)

    services.decline(endorsement, actor=focal, reason="Нет квоты",
                     expected_version=endorsement.version, now=utcnow())
    db.session.commit()

    [told] = [m for m in outbox() if m.kind == "endorsement_changed"]
    assert (told.recipient, told.language) == ("ivan@example.org", "ru")
    assert ("Нет квоты" in told.body_text) is shown
    assert told.subject == f"Подтверждение выдвижения Вашей заявки на конкурс «{call.title_ru}» " \
        "администрацией"
    assert "изменилось: В подтверждении выдвижения отказано." in told.body_text


def test_withdrawal_drops_the_endorsement_and_frees_the_quota(
        create_call, create_user, create_application, focal):
    call = endorsement_call(create_call, endorsement_quota=2)
    a, b = _submitted(create_application, create_user, call, 2)
    _endorse(a, focal)
    _endorse(b, focal)

    application_services.withdraw_application(a, actor=a.applicant, now=utcnow())
    db.session.commit()

    assert endorsement_of(a) is None
    assert endorsement_of(b).priority == 1
    assert queries.quota_used(call.id, "RU") == 1


def test_a_stale_page_changes_nothing(create_call, create_user, create_application, focal):
    call = endorsement_call(create_call)
    [application] = _submitted(create_application, create_user, call)
    endorsement = endorsement_of(application)
    old_version = endorsement.version
    _endorse(application, focal)

    endorsement = endorsement_of(application)
    with pytest.raises(services.StaleEndorsement):
        services.decline(endorsement, actor=focal, reason="No", expected_version=old_version,
                         now=utcnow())
    db.session.rollback()

    assert endorsement_of(application).state == EndorsementState.endorsed


def test_a_signed_letter_is_kept_only_if_it_is_a_pdf(create_call, create_user,
                                                     create_application, focal):
    call = endorsement_call(create_call)
    [application] = _submitted(create_application, create_user, call)
    endorsement = endorsement_of(application)

    with pytest.raises(services.EndorsementError) as refused:
        services.endorse(endorsement, actor=focal, letter=(io.BytesIO(b"GIF89a not a pdf"),
                                                           "letter.pdf"),
                         expected_version=endorsement.version, now=utcnow())
    db.session.rollback()
    assert str(refused.value.message) == \
        "This file is not a PDF file (judged by its content, not its name)."

    _endorse(application, focal, letter=(io.BytesIO(PDF_BYTES), "letter.pdf"))
    kept = endorsement_of(application)
    assert (kept.letter_name, kept.letter_size) == ("letter.pdf", len(PDF_BYTES))


def test_early_request_only_where_the_call_allows_it(create_call, create_user,
                                                     create_application, focal, outbox):
    allowed = endorsement_call(create_call, endorsement_before_submission=True)
    draft = create_application(call=allowed, complete=True)

    services.ask_before_submission(draft, actor=draft.applicant, now=utcnow())
    db.session.commit()
    application_services.submit_application(draft, actor=draft.applicant, now=utcnow())
    db.session.commit()

    assert endorsement_of(draft).state == EndorsementState.requested
    assert len([m for m in outbox() if m.kind == "endorsement_requested"]) == 1
    other = create_application(call=endorsement_call(create_call), complete=True)
    with pytest.raises(services.EndorsementError):
        services.ask_before_submission(other, actor=other.applicant, now=utcnow())
