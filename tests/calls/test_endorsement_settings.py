"""A call's endorsement settings: entered in the call's zone, checked, shown, copied."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.calls import services
from portal.calls.models import Call, CallState
from tests.calls.test_views import CALL_FORM, _main, _summary

CLOSES = datetime(2027, 3, 15, 14, 0, tzinfo=UTC)  # 18:00 in Baku
REVIEWS = datetime(2027, 4, 15, 14, 0, tzinfo=UTC)


def _post_edit(forms, call, **entries):
    return forms.post(f"/manage/calls/{call.id}/edit",
                      dict(CALL_FORM, version=str(call.version), **entries))


def test_edit_call_saves_the_endorsement_settings_in_the_calls_zone(client, forms, coordinator,
                                                                    db, make_call):
    call = make_call()
    response = _post_edit(forms, call, endorsement_required="y",
                          endorsement_deadline="2027-03-22T18:00", endorsement_quota="2",
                          endorsement_before_submission="y")
    assert response.status_code == 302
    db.session.refresh(call)
    assert (call.endorsement_required, call.endorsement_deadline, call.endorsement_quota,
            call.endorsement_before_submission, call.endorsement_reason_shown) == (
        True, datetime(2027, 3, 22, 14, 0, tzinfo=UTC), 2, True, False)
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert 'value="2027-03-22T18:00"' in page
    assert 'id="endorsement_quota"' in page and 'value="2"' in page


def test_endorsement_deadline_at_the_application_deadline_is_accepted(forms, coordinator, db,
                                                                      make_call):
    call = make_call()
    response = _post_edit(forms, call, endorsement_required="y",
                          endorsement_deadline="2027-03-15T18:00")
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.endorsement_deadline == CLOSES


@pytest.mark.parametrize("entries,message", [
    ({"endorsement_deadline": "2027-03-15T17:59"},
     "#endorsement_deadline Deadline for endorsements (optional): The deadline for endorsements "
     "cannot come before the deadline for applications."),
    ({"endorsement_quota": "0"},
     "#endorsement_quota Most candidates one administration may endorse (optional): Enter a "
     "number from 1 to 1000."),
])
def test_impossible_endorsement_settings_are_refused(forms, coordinator, db, make_call, entries,
                                                     message):
    call = make_call()
    page = _main(_post_edit(forms, call, endorsement_required="y", **entries))
    assert _summary(page) == [message]
    db.session.refresh(call)
    assert (call.endorsement_required, call.endorsement_deadline, call.endorsement_quota) == (
        False, None, None)


def test_the_service_refuses_them_too(db, make_call):
    call = make_call(closes_at=CLOSES)
    with pytest.raises(services.CallError) as refused:
        services.update_call(call, actor=None, expected_version=call.version, data={
            "endorsement_deadline": CLOSES - timedelta(seconds=1), "endorsement_quota": 0})
    assert [str(p) for p in refused.value.problems] == [
        "A quota of endorsements per administration must be at least 1.",
        "The deadline for endorsements cannot come before the deadline for applications."]


def test_a_call_whose_endorsement_deadline_is_too_early_cannot_open(db, make_call):
    call = make_call(endorsement_required=True)
    now = call.opens_at
    assert services.missing_for_opening(call, now) == []
    call.endorsement_deadline = call.closes_at - timedelta(seconds=1)
    assert [str(p) for p in services.missing_for_opening(call, now)] == [
        "The deadline for endorsements comes before the deadline for applications."]
    call.endorsement_deadline = call.closes_at
    assert services.missing_for_opening(call, now) == []


def test_manage_page_shows_the_endorsement_settings(client, coordinator, make_call):
    call = make_call(closes_at=CLOSES, endorsement_required=True, endorsement_quota=2,
                     endorsement_reason_shown=True)
    page = _main(client.get(f"/manage/calls/{call.id}"))
    settings = page.split('id="endorsement-settings"', 1)[1].split("</dl>", 1)[0]
    values = [v.strip() for v in re.findall(r'<dd class="col-sm-8">(.*?)</dd>', settings, re.S)]
    assert values == ["yes", "March 15, 2027, 6:00\u202fPM (Baku, UTC+04:00) (the deadline for "
                      "applications)", "2", "no", "yes"]


def test_public_page_says_by_when_the_administration_must_endorse(client, db, make_call):
    call = make_call(CallState.open, closes_at=CLOSES, review_deadline=REVIEWS,
                     endorsement_required=True, endorsement_deadline=CLOSES + timedelta(days=7))
    page = _main(client.get(f"/calls/{call.slug}"))
    assert ("Your administration's endorsement is needed by March 22, 2027, 6:00\u202fPM "
            "(Baku, UTC+04:00).") in page
    other = make_call(CallState.open, closes_at=CLOSES, review_deadline=REVIEWS,
                      title_en="Other call")
    assert 'id="endorsement-deadline"' not in _main(client.get(f"/calls/{other.slug}"))


def test_copy_keeps_the_endorsement_settings_but_not_the_deadline(db, make_call):
    source = make_call(endorsement_required=True, endorsement_quota=3,
                       endorsement_before_submission=True, endorsement_reason_shown=True,
                       endorsement_deadline=datetime(2099, 1, 1, tzinfo=UTC))
    copy = services.copy_call(source, actor=None)
    assert (copy.endorsement_required, copy.endorsement_quota, copy.endorsement_before_submission,
            copy.endorsement_reason_shown, copy.endorsement_deadline) == (
        True, 3, True, True, None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 2


def test_endorsement_cannot_be_turned_on_or_off_once_the_call_is_open(forms, coordinator, db,
                                                                      make_call):
    call = make_call(CallState.open)
    page = _main(_post_edit(forms, call, endorsement_required="y"))
    assert _summary(page) == [
        "#endorsement_required Whether applications need endorsement cannot change once the call has "
        "opened: the applications already in were sent to their administrations under the rule "
        "it had."]
    db.session.refresh(call)
    assert call.endorsement_required is False
    with pytest.raises(services.CallError):
        services.update_call(call, actor=None, expected_version=call.version,
                             data={"endorsement_required": True})
    # Its deadline and quota may still change.
    response = _post_edit(forms, call, endorsement_quota="3")
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.endorsement_quota == 3
