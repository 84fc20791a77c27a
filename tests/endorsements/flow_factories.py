"""Focal points and calls that need endorsement, for the focal points' side
(tests/endorsements/test_services.py, test_views.py, test_reminders.py)."""

import sqlalchemy as sa

from portal.administrations.models import FocalPoint
from portal.endorsements.models import Endorsement
from portal.extensions import db


def make_focal_point(create_user, code="RU", **fields):
    """A nominator who is a focal point of the administration `code` (the complete answers'
    administration is RU)."""
    user = create_user(roles=("nominator",), administration=code, **fields)
    db.session.add(FocalPoint(administration_code=code, user_id=user.id, title="Head of unit"))
    db.session.commit()
    return user


def endorsement_call(create_call, **fields):
    return create_call(endorsement_required=True, **fields)


def endorsement_of(application) -> Endorsement | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Endorsement).where(
        Endorsement.application_id == application.id))
