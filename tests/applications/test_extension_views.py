"""An extended applicant sees their own deadline on every page and submits after the call's."""

from datetime import timedelta

from portal.applications.models import ApplicationState
from portal.applications.services import submit_application
from portal.calls.deadlines import set_extension
from portal.calls.models import CallState
from portal.database import utcnow
from portal.i18n import format_moment


def _extend_then_close(call, applicant, coordinator, db):
    """A two-day extension for `applicant`; then the call's deadline passes and it is closed."""
    until = utcnow() + timedelta(days=2)
    call.closes_at = utcnow() + timedelta(hours=1)
    set_extension(call, applicant, closes_at=until, reason="Hospital stay", actor=coordinator,
                  now=utcnow(), expected_version=None)
    call.closes_at = utcnow() - timedelta(seconds=1)
    call.state = CallState.closed
    db.session.commit()
    return until


def test_extended_applicant_sees_their_deadline_and_submits_after_the_call_closed(
        app, client, forms, login_as, create_user, create_application, db):
    application = create_application(complete=True)
    call = application.call
    until = _extend_then_close(call, application.applicant, create_user(roles=("coordinator",)),
                               db)
    login_as(application.applicant)
    with app.test_request_context():
        shown = format_moment(until)
    extended = f"Your deadline has been extended to {shown}."
    dashboard = client.get("/applications/").get_data(as_text=True)
    assert f"{shown} <span class=\"badge text-bg-info\">extended for you</span>" in dashboard
    overview = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert extended in overview and "Check your answers and submit" in overview
    assert extended in client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    response = forms.post(f"/applications/{application.id}/submit", {"declaration": "y"},
                          page=f"/applications/{application.id}/check")
    assert response.headers["Location"] == f"/applications/{application.id}/submitted"
    db.session.refresh(application)
    assert application.state == ApplicationState.submitted


def test_call_page_offers_the_extended_person_to_apply_and_not_others(
        client, forms, login_as, create_user, create_call, db):
    call = create_call()
    person, other = create_user(), create_user()
    _extend_then_close(call, person, create_user(roles=("coordinator",)), db)
    login_as(other)
    page = client.get(f"/calls/{call.slug}").get_data(as_text=True)
    assert ("Applications are closed." in page, "your-deadline" in page,
            f"/applications/new/{call.id}" in page) == (True, False, False)
    assert client.get(f"/applications/new/{call.id}").status_code == 404
    forms.post("/logout", {})
    login_as(person)
    page = client.get(f"/calls/{call.slug}").get_data(as_text=True)
    assert ("Applications are closed." in page, 'id="your-deadline"' in page,
            f"/applications/new/{call.id}" in page) == (False, True, True)
    start = client.get(f"/applications/new/{call.id}").get_data(as_text=True)
    assert 'id="your-deadline"' in start


def test_coordinators_list_and_application_page_show_the_extension(
        app, client, login_as, create_user, create_application, db):
    extended = create_application(complete=True)
    other = create_application(complete=True, call=extended.call)
    call = extended.call
    coordinator = create_user(roles=("coordinator",))
    until = _extend_then_close(call, extended.applicant, coordinator, db)
    login_as(coordinator)
    with app.test_request_context():
        shown = format_moment(until, call.time_zone)
    drafts = client.get(f"/manage/calls/{call.id}/applications?state=draft").get_data(as_text=True)
    assert (f'id="extended-{extended.id}">Deadline extended to {shown}</span>' in drafts,
            f'id="extended-{other.id}"' in drafts) == (True, False)
    submit_application(extended, actor=extended.applicant, now=utcnow())
    db.session.commit()
    page = client.get(f"/manage/applications/{extended.id}").get_data(as_text=True)
    assert f"Extended to {shown}: Hospital stay" in page
