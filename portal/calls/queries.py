"""Queries over calls used by the coordinator's pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.calls.models import Call
from portal.extensions import db

# The newest call first, by the moment it opens (or opened) for applications; a call whose
# dates are not set yet is one being prepared, so it comes before them all. Ties (the same
# opening, or none) fall to the later deadline, then the later creation.
NEWEST_FIRST = (Call.opens_at.desc().nulls_first(), Call.closes_at.desc().nulls_first(),
                Call.created_at.desc(), Call.id.desc())


def calls_newest_first() -> list[Call]:
    """Every call with its criteria (two queries), in the order of NEWEST_FIRST."""
    return db.session.scalars(sa.select(Call).order_by(*NEWEST_FIRST)
                              .options(so.selectinload(Call.criteria))).all()
