"""Endorsements made directly, for the coordinators' side (tests/endorsements/test_office*.py,
tests/selection): whatever the submission made of the endorsement, it ends as asked."""

import sqlalchemy as sa

from portal.database import utcnow
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db


def set_endorsement(application, state, *, priority=None, statement="", decided_by=None):
    endorsement = db.session.scalar(
        sa.select(Endorsement).where(Endorsement.application_id == application.id))
    if endorsement is None:
        endorsement = Endorsement(application_id=application.id, call_id=application.call_id,
                                  administration_code=application.administration_code)
        db.session.add(endorsement)
    endorsement.administration_code = application.administration_code
    endorsement.state = EndorsementState(state)
    endorsement.priority = priority
    endorsement.statement = statement
    if state != EndorsementState.requested:
        endorsement.decided_at = utcnow()
        endorsement.decided_by_id = decided_by.id if decided_by else None
    db.session.commit()
    return endorsement


def drop_endorsement(application):
    db.session.execute(sa.delete(Endorsement).where(Endorsement.application_id == application.id))
    db.session.commit()
