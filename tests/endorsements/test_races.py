"""Two focal points of one administration endorsing at the same moment (see tests/races.py):
the quota holds. On PostgreSQL both requests read the quota used before either writes, unless
the endorsement locks the administration's endorsements of the call first."""

import sqlalchemy as sa

from portal.endorsements import services
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db
from tests.endorsements.flow_factories import endorsement_call, endorsement_of, make_focal_point
from tests.races import post_at_once, signed_in_client


def test_two_focal_points_endorsing_at_once_cannot_pass_the_quota(
        app, monkeypatch, create_call, create_user, create_application):
    call = endorsement_call(create_call, endorsement_quota=1)
    first, second = (create_application(applicant=create_user(), call=call, submit=True)
                     for _ in range(2))
    clients = [signed_in_client(app, make_focal_point(create_user, "RU")) for _ in range(2)]
    versions = [endorsement_of(a).version for a in (first, second)]
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run

    responses = post_at_once(monkeypatch, services, "endorse", [
        (client, f"/endorsements/applications/{application.id}/endorse", {"version": version})
        for client, application, version in zip(clients, (first, second), versions, strict=True)])

    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert "may endorse at most 1 candidate in this call" in refused
    db.session.expire_all()
    states = db.session.scalars(sa.select(Endorsement.state).where(Endorsement.call_id == call.id)
                                .order_by(Endorsement.state)).all()
    assert sorted(s.value for s in states) == sorted(
        [EndorsementState.endorsed.value, EndorsementState.requested.value])
