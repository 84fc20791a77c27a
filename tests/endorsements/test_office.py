"""The coordinators' side of endorsement: the list's columns and filter, the overview of a call,
screening out the candidates not endorsed after the deadline."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.administrations.models import FocalPoint
from portal.applications.models import ApplicationState
from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.database import utcnow
from portal.endorsements import office
from portal.endorsements.models import EndorsementState
from portal.extensions import db
from tests.endorsements.office_factories import drop_endorsement, set_endorsement


@pytest.fixture
def endorsement_call(create_call, create_application, create_user):
    """A closed call asking for endorsement (deadline an hour ago unless told) with candidates
    of Kyrgyzstan (KG: a focal point) and Georgia (GE: none), in the states asked for."""

    def make(states, *, deadline=None, quota=2):
        call = create_call(endorsement_required=True, endorsement_quota=quota)
        applications = []
        for n, (code, state, priority) in enumerate(states, start=1):
            applicant = create_user(administration=code, full_name=f"Candidate {n}")
            application = create_application(call=call, applicant=applicant, submit=True)
            application.administration_code = code
            db.session.commit()
            if state is None:
                drop_endorsement(application)
            else:
                set_endorsement(application, state, priority=priority)
            applications.append(application)
        call.closes_at = utcnow() - timedelta(hours=2)
        call.endorsement_deadline = deadline or utcnow() - timedelta(hours=1)
        call.state = CallState.closed
        focal = create_user(roles=("nominator",), administration="KG", full_name="Aibek Focal")
        db.session.add(FocalPoint(administration_code="KG", user_id=focal.id, title="Head"))
        db.session.commit()
        return call, applications

    return make


STATES = [("KG", "endorsed", 1), ("KG", "endorsed", 2), ("KG", "declined", None),
          ("KG", "requested", None), ("GE", "requested", None), ("GE", None, None)]


def test_overview_counts_candidates_per_administration_and_lists_pending_and_no_focal_point(
        app, endorsement_call):
    call, _applications = endorsement_call(STATES)
    with app.test_request_context():
        overview = office.call_overview(call, "en")
    rows = {row.code: row for row in overview.rows}
    assert dict(rows["KG"].counts) == {EndorsementState.endorsed: 2, EndorsementState.declined: 1,
                                       EndorsementState.requested: 1}
    assert dict(rows["GE"].counts) == {EndorsementState.requested: 1, office.NOT_REQUESTED: 1}
    assert rows["KG"].focal_points == ["Aibek Focal"]
    assert [row.code for row in overview.pending] == ["GE", "KG"]
    assert [row.code for row in overview.without_focal_point] == ["GE"]


def test_overview_page(client, login_as, create_user, endorsement_call):
    call, _applications = endorsement_call(STATES)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/endorsements").get_data(as_text=True)
    assert re.findall(r'<tr data-code="(\w+)">\s*<th scope="row">([^<]+)</th>', html) == [
        ("GE", "Georgia"), ("KG", "Kyrgyzstan")]
    assert re.findall(r'data-state="(\w+)">(?:<a [^>]+>)?(\d+)<', html) == [
        ("requested", "1"), ("endorsed", "0"), ("declined", "0"), ("none", "1"),
        ("requested", "1"), ("endorsed", "2"), ("declined", "1"), ("none", "0")]
    assert re.findall(r"data-quota>([^<]+)</td>\s*<td>([^<]+)</td>", html) == [
        ("0 of 2", "—"), ("2 of 2", "Aibek Focal")]
    assert re.findall(r'<li data-code="(\w+)"><a href="([^"]+)">', html) == [
        ("GE", "/admin/administrations/GE/focal-points")]
    assert client.get("/admin/administrations/GE/focal-points").status_code == 200
    assert re.findall(r'<li data-code="(\w+)">[^<]+awaiting', html) == ["GE", "KG"]


def test_overview_page_of_a_call_without_endorsement(client, login_as, create_user, create_call):
    call = create_call()
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/endorsements").get_data(as_text=True)
    assert "This call does not ask for endorsement." in html


def _references(html):
    return re.findall(r'<a href="/manage/applications/\d+">(FEL-[\d-]+)</a>', html)


def test_list_shows_endorsement_and_priority_and_filters_by_state(
        client, login_as, create_user, endorsement_call):
    call, applications = endorsement_call(STATES)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/applications?sort=reference").get_data(as_text=True)
    assert "<th scope=\"col\">Endorsement</th>" in html
    assert re.findall(r'<option value="(\w+)"\s*>([^<]+)</option>', html[html.find('id="endorsement"'):])[:4] \
        == [("requested", "Awaiting endorsement"), ("endorsed", "Endorsed"),
            ("declined", "Endorsement declined"), ("none", "Not requested")]
    endorsed = client.get(f"/manage/calls/{call.id}/applications?sort=reference&endorsement=endorsed")
    assert _references(endorsed.get_data(as_text=True)) == [a.reference for a in applications[:2]]
    assert '<td class="text-end">2</td>' in endorsed.get_data(as_text=True)
    none = client.get(f"/manage/calls/{call.id}/applications?endorsement=none").get_data(as_text=True)
    assert _references(none) == [applications[5].reference]
    assert "<td><span class=\"text-muted\">Not requested</span></td>" in none


def test_list_of_a_call_without_endorsement_has_no_such_column(
        client, login_as, create_user, create_application):
    application = create_application(submit=True)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{application.call_id}/applications").get_data(as_text=True)
    assert ("Endorsement" in html, _references(html)) == (False, [application.reference])


def test_screening_is_refused_a_second_before_the_deadline_and_allowed_at_it(
        endorsement_call, create_user):
    deadline = utcnow() + timedelta(hours=1)
    call, applications = endorsement_call(STATES, deadline=deadline)
    coordinator = create_user(roles=("coordinator",))
    with pytest.raises(office.OfficeError):
        office.screen_out_non_endorsed(call, actor=coordinator, reason="No", reason_ru="Нет",
                                       now=deadline - timedelta(seconds=1))
    assert [a.state for a in applications] == [ApplicationState.submitted] * 6
    count = office.screen_out_non_endorsed(call, actor=coordinator, reason="No", reason_ru="Нет",
                                           now=deadline)
    db.session.commit()
    assert count == 4
    assert [a.state for a in applications] == [ApplicationState.submitted] * 2 + [
        ApplicationState.screened_out] * 4
    assert [(a.screening_reason_in("en"), a.screening_reason_in("ru")) for a in applications[2:]] \
        == [("No", "Нет")] * 4


def test_screening_without_a_deadline_of_its_own_waits_for_the_call_to_close(
        endorsement_call, create_user):
    call, _applications = endorsement_call(STATES)
    call.endorsement_deadline = None
    closes_at = call.closes_at
    with pytest.raises(office.OfficeError):
        office.check_screening_allowed(call, closes_at - timedelta(seconds=1))
    assert office.check_screening_allowed(call, closes_at) is None


def test_screening_page_lists_who_and_prefills_both_languages_then_screens_and_audits(
        client, forms, login_as, create_user, endorsement_call):
    call, applications = endorsement_call(STATES)
    coordinator = create_user(roles=("coordinator",))
    login_as(coordinator)
    url = f"/manage/calls/{call.id}/endorsements/screen-out"
    html = client.get(url).get_data(as_text=True)
    listed = re.findall(r'<li data-reference="([^"]+)">', html)
    assert listed == sorted(a.reference for a in applications[2:])
    reasons = re.findall(r'<textarea [^>]*lang="(\w+)"[^>]*>\s*([^<]+)</textarea>', html)
    assert reasons == [
        ("en", "The call requires the endorsement of your administration, and your application "
               "was not endorsed by the endorsement deadline."),
        ("ru", "Условия конкурса требуют подтверждения выдвижения вашей администрацией, а "
               "выдвижение по вашей заявке не было подтверждено до окончания срока подтверждения.")]
    response = forms.post(url, {"reason_en": "Not endorsed", "reason_ru": "Не поддержана"},
                          page=url)
    assert response.status_code == 302
    assert [a.state for a in applications].count(ApplicationState.screened_out) == 4
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.in_(("application.screened_out", "endorsement.non_endorsed_screened_out")))
    ).all()
    assert sorted(e.action for e in events) == ["application.screened_out"] * 4 + [
        "endorsement.non_endorsed_screened_out"]
    step = next(e for e in events if e.action == "endorsement.non_endorsed_screened_out")
    assert (step.actor_id, step.details) == (coordinator.id, {
        "screened_out": 4, "reason": "Not endorsed", "reason_ru": "Не поддержана"})


def test_screening_page_before_the_deadline_says_so_and_changes_nothing(
        client, forms, login_as, create_user, endorsement_call):
    call, applications = endorsement_call(STATES, deadline=utcnow() + timedelta(days=1))
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/endorsements/screen-out"
    assert "only once the endorsement deadline has passed" in client.get(url).get_data(as_text=True)
    response = forms.post(url, {"reason_en": "x", "reason_ru": "y"}, page="/")
    assert response.status_code == 200
    assert [a.state for a in applications] == [ApplicationState.submitted] * 6


def test_the_screened_out_read_the_default_reason_in_their_language_at_publication(
        app, endorsement_call, create_user, outbox):
    from flask_babel import force_locale

    from portal.selection import publication
    from portal.selection import services as selection

    call, applications = endorsement_call([("KG", "endorsed", 1), ("KG", "declined", None),
                                           ("GE", "requested", None)])
    applications[1].applicant.preferred_language = "ru"
    coordinator = create_user(roles=("coordinator",))
    reasons = {}
    for language in ("en", "ru"):
        with force_locale(language):
            reasons[language] = str(office.DEFAULT_REASON)
    office.screen_out_non_endorsed(call, actor=coordinator, reason=reasons["en"],
                                   reason_ru=reasons["ru"], now=utcnow())
    selection.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14,
                              override_reason="No reviews in this test")
    db.session.commit()
    bodies = {m.recipient: m.body_text for m in outbox() if m.kind == "selection_result"}
    assert [line.strip() for line in bodies[applications[1].applicant.email].splitlines()
            if line.strip().startswith("Причина:")] == [f"Причина: {reasons['ru']}"]
    assert [line.strip() for line in bodies[applications[2].applicant.email].splitlines()
            if line.strip().startswith("Reason:")] == [f"Reason: {reasons['en']}"]
    assert [a.state for a in applications] == [ApplicationState.accepted,
                                               ApplicationState.screened_out,
                                               ApplicationState.screened_out]


def test_the_pages_speak_russian_to_a_russian_speaking_coordinator(
        client, login_as, create_user, endorsement_call):
    call, _applications = endorsement_call(STATES)
    login_as(create_user(roles=("coordinator",), language="ru"))
    overview = client.get(f"/manage/calls/{call.id}/endorsements").get_data(as_text=True)
    assert re.findall(r'<h2 class="h5" id="[\w-]+">([^<]+)</h2>', overview) == [
        "Администрации, которые ещё не ответили",
        "Администрации с кандидатами, но без контактного лица",
        "Кандидаты без подтверждённого выдвижения"]
    assert re.findall(r'<li data-code="KG">([^<]+)</li>', overview) == [
        "Кыргызстан: 1 кандидат ожидает подтверждения выдвижения"]
    listing = client.get(f"/manage/calls/{call.id}/applications").get_data(as_text=True)
    assert '<th scope="col">Подтверждение выдвижения</th>' in listing
    ranking = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert "затем очерёдность, установленная администрацией" in ranking
