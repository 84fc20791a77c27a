"""The retention rule of a call: set on the call's form, applied by `flask privacy purge`."""

import re

import pytest

from portal.calls import services as call_services
from tests.calls.factories import make_call
from tests.calls.test_views import CALL_FORM, _main, _summary


@pytest.fixture
def coordinator(create_user, login_as):
    return login_as(create_user(roles=("coordinator",)))


# --- The rule on the call's form ----------------------------------------------------------------

def test_call_form_saves_and_shows_the_retention_rule(client, forms, coordinator, db):
    call = make_call()
    response = forms.post(f"/manage/calls/{call.id}/edit",
                          dict(CALL_FORM, retention_months="18", version=str(call.version)))
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.retention_months == 18
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert re.search(r'id="retention_months"[^>]*value="18"', page)
    assert "offer accepted or still awaiting an answer" in page


def test_call_form_left_empty_keeps_no_rule(client, forms, coordinator, db):
    call = make_call(retention_months=12)
    forms.post(f"/manage/calls/{call.id}/edit",
               dict(CALL_FORM, retention_months="", version=str(call.version)))
    db.session.refresh(call)
    assert call.retention_months is None


def test_call_form_refuses_a_retention_out_of_range(client, forms, coordinator, db):
    call = make_call()
    page = _main(forms.post(f"/manage/calls/{call.id}/edit",
                            dict(CALL_FORM, retention_months="0", version=str(call.version))))
    assert _summary(page) == ["#retention_months Remove the personal data of the applications "
                              "not selected, months after publication (optional): Enter a "
                              "number of months from 1 to 120."]
    db.session.refresh(call)
    assert call.retention_months is None


def test_copy_of_a_call_keeps_its_retention_rule(app, db):
    call = make_call(retention_months=24)
    copy = call_services.copy_call(call, actor=None)
    assert copy.retention_months == 24
