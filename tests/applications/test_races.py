"""An applicant doing the same first thing from two tabs at the same moment (see tests/races.py):
starting the application, saving a section for the first time. No 500 on either database."""

import sqlalchemy as sa

from portal.applications import services
from portal.applications.models import Application, ApplicationSection
from tests.races import post_at_once, signed_in_client

STALE = "This section was changed in another window or tab after you opened it"


def test_application_started_from_two_tabs_at_once_is_one_application(
        app, db, monkeypatch, create_user, create_call):
    applicant, call = create_user(), create_call()
    tabs = [signed_in_client(app, applicant) for _ in range(2)]
    db.session.commit()
    url = f"/applications/new/{call.id}"
    responses = post_at_once(monkeypatch, services, "start_application",
                             [(tab, url, {"language": "en"}) for tab in tabs])
    db.session.expire_all()
    application = db.session.scalars(sa.select(Application)).one()
    # The one that started it goes to its first section; the other to the same application (its
    # page when the view found it, the first section when only the service did, on PostgreSQL).
    base = f"/applications/{application.id}"
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert {r.location for r in responses} <= {base, f"{base}/sections/personal"}
    assert f"{base}/sections/personal" in {r.location for r in responses}
    assert len(application.sections) == 2  # the personal and professional sections, once


def test_section_saved_first_from_two_tabs_at_once_the_second_is_told_it_was_stale(
        app, db, monkeypatch, create_application):
    application = create_application()
    url = f"/applications/{application.id}/sections/motivation"
    tabs = [signed_in_client(app, application.applicant) for _ in range(2)]
    db.session.commit()
    responses = post_at_once(monkeypatch, services, "save_section", [
        (tabs[0], url, {"version": "0", "motivation": "From the first tab"}),
        (tabs[1], url, {"version": "0", "motivation": "From the second tab"})])
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert STALE in next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    saved = "From the first tab" if responses[0].status_code == 302 else "From the second tab"
    db.session.expire_all()
    assert db.session.get(ApplicationSection, (application.id, "motivation")).answers["motivation"] \
        == saved
