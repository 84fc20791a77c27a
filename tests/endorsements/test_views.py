"""The focal points' pages and the applicant's view of the endorsement, through the client."""

import pytest
import sqlalchemy as sa

from portal.database import utcnow
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db
from tests.endorsements.flow_factories import endorsement_call, endorsement_of, make_focal_point


def _candidate(create_call, create_user, create_application, **call_fields):
    call = endorsement_call(create_call, **call_fields)
    return create_application(applicant=create_user(email="ivan@example.org"), call=call,
                              submit=True)


def _urls(application):
    base = f"/endorsements/applications/{application.id}"
    document = application.documents[0].id
    return {"GET": [f"/endorsements/calls/{application.call_id}", base,
                    f"{base}/documents/{document}", f"{base}/pdf", f"{base}/letter"],
            "POST": [f"{base}/endorse", f"{base}/decline", f"{base}/priority", f"{base}/move"]}


def _snapshot():
    db.session.expire_all()
    return sorted(map(repr, db.session.execute(sa.select(Endorsement.__table__)).all()))


def test_another_administrations_focal_point_gets_404_everywhere_and_changes_nothing(
        create_call, create_user, create_application, client, forms, login_as):
    application = _candidate(create_call, create_user, create_application)
    own = make_focal_point(create_user, "RU")
    login_as(own)  # the candidate's own focal point reaches every page, the letter aside
    assert [client.get(url).status_code for url in _urls(application)["GET"][:4]] == [200] * 4
    client.post("/logout", data={"csrf_token": forms.token("/")})
    login_as(make_focal_point(create_user, "KG"))
    before = _snapshot()

    answers = [client.get(url).status_code for url in _urls(application)["GET"]]
    posted = [forms.post(url, {"version": "1", "reason": "x", "position": "1",
                               "direction": "up"}, page="/endorsements/").status_code
              for url in _urls(application)["POST"]]

    assert answers + posted == [404] * 9
    assert _snapshot() == before


def test_a_focal_point_endorses_declines_and_is_refused_past_the_quota_in_russian(
        create_call, create_user, create_application, client, forms, login_as, outbox):
    call = endorsement_call(create_call, endorsement_quota=1)
    first, second = (create_application(applicant=create_user(), call=call, submit=True)
                     for _ in range(2))
    login_as(make_focal_point(create_user, "RU", language="ru"))
    page = f"/endorsements/applications/{first.id}"

    response = forms.post(f"{page}/endorse", {"version": endorsement_of(first).version,
                                              "statement": "Сильный кандидат"}, page=page)
    assert response.status_code == 302
    second_page = f"/endorsements/applications/{second.id}"
    refused = forms.post(f"{second_page}/endorse", {"version": endorsement_of(second).version},
                         page=second_page)

    assert refused.status_code == 200
    assert "может подтвердить выдвижение не более 1 кандидата" in refused.get_data(as_text=True)
    assert (endorsement_of(first).state, endorsement_of(second).state) == (
        EndorsementState.endorsed, EndorsementState.requested)
    listing = client.get(f"/endorsements/calls/{call.id}").get_data(as_text=True)
    assert "Подтверждено: 1 из 1" in listing


def test_a_focal_point_who_applied_does_not_see_their_own_application(
        create_call, create_user, create_application, client, login_as):
    focal = make_focal_point(create_user, "RU")
    call = endorsement_call(create_call)
    own = create_application(applicant=focal, call=call, submit=True)
    login_as(focal)

    assert client.get(f"/endorsements/applications/{own.id}").status_code == 404
    assert client.get(f"/endorsements/calls/{call.id}").status_code == 404


@pytest.mark.parametrize("shown", [True, False])
def test_the_applicant_sees_the_state_and_the_reason_only_if_the_call_shows_it(
        create_call, create_user, create_application, client, login_as, shown):
    from portal.endorsements import services

    application = _candidate(create_call, create_user, create_application,
                             endorsement_reason_shown=shown)
    focal = make_focal_point(create_user, "RU")
    endorsement = endorsement_of(application)
    services.decline(endorsement, actor=focal, reason="Not released by the service",
                     expected_version=endorsement.version, now=utcnow())
    db.session.commit()
    login_as(application.applicant)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert 'id="endorsement-state">Endorsement declined<' in page
    assert ("Not released by the service" in page) is shown


def test_the_check_page_says_when_the_administration_has_no_focal_point(
        create_call, create_user, create_application, client, login_as):
    call = endorsement_call(create_call)
    draft = create_application(call=call, complete=True)
    login_as(draft.applicant)

    page = client.get(f"/applications/{draft.id}/check").get_data(as_text=True)

    assert 'id="no-focal-point"' in page


def test_the_applicant_asks_early_where_the_call_allows_it(
        create_call, create_user, create_application, client, forms, login_as, outbox):
    make_focal_point(create_user, "RU", email="focal@customs.ru")
    call = endorsement_call(create_call, endorsement_before_submission=True)
    draft = create_application(call=call, complete=True)
    login_as(draft.applicant)
    page = f"/applications/{draft.id}"
    assert "Ask my administration for endorsement now" in client.get(page).get_data(as_text=True)

    response = forms.post(f"{page}/endorsement", {}, page=page)

    assert response.status_code == 302
    assert endorsement_of(draft).state == EndorsementState.requested
    assert [m.recipient for m in outbox() if m.kind == "endorsement_requested"] == [
        "focal@customs.ru"]


def test_the_candidates_list_offers_up_below_the_first_and_down_above_the_last(
        create_call, create_user, create_application, client, login_as):
    import re

    from tests.endorsements.office_factories import set_endorsement

    call = endorsement_call(create_call, endorsement_quota=3)
    first, second = (create_application(applicant=create_user(), call=call, submit=True)
                     for _ in range(2))
    set_endorsement(first, "endorsed", priority=1)
    set_endorsement(second, "endorsed", priority=2)
    login_as(make_focal_point(create_user, "RU"))

    page = client.get(f"/endorsements/calls/{call.id}").get_data(as_text=True)

    buttons = re.findall(r'applications/(\d+)/move".*?name="direction" value="(\w+)"', page, re.S)
    assert buttons == [(str(first.id), "down"), (str(second.id), "up")]
