"""The demo's endorsement: three administrations with a focal point, the open call needing
endorsement with a quota, candidates in every state; made once; the focal points sign in."""

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.services import find_user_by_email
from portal.administrations.models import FocalPoint
from portal.applications.models import Application
from portal.calls.models import Call, CallState
from portal.demo import DEMO_PASSWORD, seed_demo_data
from portal.endorsements.models import Endorsement
from portal.extensions import db


def _endorsements():
    rows = db.session.execute(
        sa.select(Application.applicant_name, Endorsement.administration_code,
                  Endorsement.state, Endorsement.priority, Endorsement.reason != "")
        .join(Application, Application.id == Endorsement.application_id)
        .order_by(Endorsement.administration_code, Application.applicant_name))
    return [(name, code, state.value, priority, reasoned)
            for name, code, state, priority, reasoned in rows]


def test_demo_has_focal_points_a_call_needing_endorsement_and_candidates_in_every_state(db):
    seed_demo_data()
    db.session.commit()
    seed_demo_data()  # a second time changes nothing
    db.session.commit()

    focal_points = db.session.execute(
        sa.select(FocalPoint.administration_code, User.email).join(User, User.id == FocalPoint.user_id)
        .order_by(FocalPoint.administration_code)).all()
    assert [tuple(row) for row in focal_points] == [
        ("GE", "focal.ge@demo.rocb.example"), ("KG", "focal.kg@demo.rocb.example"),
        ("KZ", "focal.kz@demo.rocb.example")]
    assert find_user_by_email("focal.kg@demo.rocb.example").preferred_language == "ru"
    call = db.session.scalar(sa.select(Call).where(Call.state == CallState.open))
    assert (call.endorsement_required, call.endorsement_quota, call.endorsement_reason_shown) == (
        True, 2, True)
    assert call.endorsement_deadline > call.closes_at
    assert _endorsements() == [
        ("Arman Grigoryan", "AM", "requested", None, False),  # screened out, no focal point
        ("Giorgi Kapanadze", "GE", "endorsed", 1, False),
        ("Aibek Toktogulov", "KG", "endorsed", 2, False),
        ("Erlan Mamatov", "KG", "declined", None, True),
        ("Gulnara Asanova", "KG", "endorsed", 1, False),
        ("Nurlan Abenov", "KZ", "requested", None, False),
        ("Marija Jovanović", "RS", "requested", None, False),
        ("Ayşe Demir", "TR", "requested", None, False),
    ]


def test_demo_kyrgyz_focal_point_signs_in_and_reads_the_candidates_in_russian(db, client, forms):
    seed_demo_data()
    db.session.commit()
    call = db.session.scalar(sa.select(Call).where(Call.state == CallState.open))

    response = forms.post("/login", {"email": "focal.kg@demo.rocb.example",
                                     "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/endorsements/calls/{call.id}").get_data(as_text=True)

    assert "Подтверждено: 2 из 2" in page
    assert ["Gulnara Asanova" in page, "Aibek Toktogulov" in page, "Erlan Mamatov" in page,
            "Nurlan Abenov" in page] == [True, True, True, False]
