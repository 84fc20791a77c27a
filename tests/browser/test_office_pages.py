"""The coordinators' endorsement pages (issue 14) on the demo data, at 390 and 1,280 px in English
and Russian: the call's endorsements, the screening out of the candidates not endorsed, and the
list of applications and the ranking with the endorsement's columns. No sideways scrolling, and
axe-core finds nothing. The checks are test_layout.py's.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from portal.applications.models import Application, ApplicationState
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.demo import seed_demo_data
from portal.endorsements.models import Endorsement, EndorsementState
from tests.browser.conftest import LAYOUT_CHECK
from tests.browser.test_layout import Person, _visit

pytestmark = [pytest.mark.browser, LAYOUT_CHECK]

STATES = [(EndorsementState.endorsed, 1), (EndorsementState.declined, None),
          (EndorsementState.requested, None), (None, None)]


def _set_up(db) -> dict[str, Person]:
    seed_demo_data()
    db.session.commit()
    call = db.session.scalar(sa.select(Call).where(Call.state == CallState.closed)
                             .order_by(Call.id).limit(1))
    call.endorsement_required, call.endorsement_quota = True, 2
    call.endorsement_deadline = utcnow() - timedelta(minutes=1)
    call.closes_at = min(call.closes_at, call.endorsement_deadline)
    applications = db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.state != ApplicationState.draft)
        .order_by(Application.id)).all()
    for n, application in enumerate(applications):
        state, priority = STATES[n % len(STATES)]
        endorsement = db.session.scalar(sa.select(Endorsement).where(
            Endorsement.application_id == application.id))
        if state is None:
            if endorsement is not None:
                db.session.delete(endorsement)
            continue
        if endorsement is None:
            endorsement = Endorsement(application_id=application.id, call_id=call.id,
                                      administration_code=application.administration_code)
            db.session.add(endorsement)
        endorsement.state, endorsement.priority = state, priority and n + 1
    db.session.commit()
    return {"coordinator": Person("coordinator@demo.rocb.example", [
        url_for("endorsements.call_endorsements", call_id=call.id),
        url_for("endorsements.screen_out_non_endorsed", call_id=call.id),
        url_for("applications.list_call_applications", call_id=call.id),
        url_for("selection.ranking", call_id=call.id)])}


def test_the_coordinators_endorsement_pages_fit_and_axe_finds_nothing(app, db, live_server,
                                                                       browser):
    with app.test_request_context():
        people = _set_up(db)
    problems: list[str] = []
    try:
        _visit(browser, live_server, people, problems)
    finally:
        for person in people.values():
            if person.page is not None:
                person.page.context.close()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
