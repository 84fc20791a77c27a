"""An applicant's extension holds everywhere they start, change, upload and submit."""

import io
from datetime import timedelta

import pytest

from portal.applications import services
from portal.applications.models import ApplicationState, DocumentKind
from portal.calls.deadlines import set_extension
from portal.calls.services import close_due_calls
from portal.database import utcnow
from tests.conftest import PDF_BYTES


def _extend(call, applicant, coordinator, hours=24):
    set_extension(call, applicant, closes_at=call.closes_at + timedelta(hours=hours),
                  reason="Hospital stay", actor=coordinator, now=utcnow(), expected_version=None)
    return call.closes_at + timedelta(hours=hours)


def test_extended_applicant_submits_after_the_call_closed_until_their_moment(
        db, create_user, create_application):
    extended = create_application(complete=True)
    other = create_application(complete=True, call=extended.call)
    call = extended.call
    until = _extend(call, extended.applicant, create_user(roles=("coordinator",)))
    close_due_calls(call.closes_at + timedelta(seconds=1))
    with pytest.raises(services.DeadlinePassed):
        services.submit_application(other, actor=other.applicant, now=call.closes_at)
    with pytest.raises(services.DeadlinePassed):
        services.submit_application(extended, actor=extended.applicant, now=until)
    assert services.submit_application(extended, actor=extended.applicant,
                                       now=until - timedelta(seconds=1)) is True
    assert (extended.state, other.state) == (ApplicationState.submitted, ApplicationState.draft)


def test_extended_applicant_saves_and_uploads_one_second_before_not_at_the_moment(
        db, create_user, create_application):
    application = create_application()
    until = _extend(application.call, application.applicant, create_user(roles=("coordinator",)))
    result = services.save_section(application, "motivation", answers={"motivation": "Late"},
                                   expected_version=0, now=until - timedelta(seconds=1))
    assert application.answers("motivation")["motivation"] == "Late"
    assert result.missing != []
    services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(PDF_BYTES),
                          filename="cv.pdf", actor=application.applicant,
                          now=until - timedelta(seconds=1))
    with pytest.raises(services.DeadlinePassed):
        services.save_section(application, "motivation", answers={"motivation": "Too late"},
                              expected_version=1, now=until)
    with pytest.raises(services.DeadlinePassed):
        services.add_document(application, kind=DocumentKind.nomination_letter,
                              stream=io.BytesIO(PDF_BYTES), filename="letter.pdf",
                              actor=application.applicant, now=until)
    assert ([document.kind for document in application.documents],
            application.answers("motivation")["motivation"]) == ([DocumentKind.cv], "Late")


def test_extended_person_starts_after_the_call_closed(db, create_user, create_call):
    call, person, other = create_call(), create_user(), create_user()
    until = _extend(call, person, create_user(roles=("coordinator",)))
    later = call.closes_at + timedelta(hours=1)
    application = services.start_application(call, applicant=person, language="en", now=later)
    assert (application.state, services.is_editable(application, later),
            services.is_editable(application, until)) == (ApplicationState.draft, True, False)
    with pytest.raises(services.DeadlinePassed):
        services.start_application(call, applicant=other, language="en", now=later)
