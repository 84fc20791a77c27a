"""Queries of reviewing used by several pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.applications.models import Application
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Review


def reviewer_assignments(reviewer) -> list[Assignment]:
    """The reviewer's active assignments with their application, call and review (for the
    dashboard): two queries, the call's long texts and the reviews' scores not copied onto
    every row."""
    return db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.reviewer_id == reviewer.id,
               Assignment.state == AssignmentState.active)
        .options(so.defer(Assignment.reasons), so.defer(Assignment.conflict_reason),
                 so.joinedload(Assignment.application).options(
                     so.load_only(Application.id, Application.call_id, Application.reference,
                                  Application.language, Application.state),
                     so.selectinload(Application.call), so.lazyload(Application.sections),
                     so.lazyload(Application.documents)),
                 so.joinedload(Assignment.review).load_only(
                     Review.id, Review.assignment_id, Review.submitted_at))
        .order_by(Assignment.assigned_at)
    ).unique().all()


def call_progress(call_id: int):
    """Rows (application, assigned, submitted) and (reviewer, assigned, submitted) for a call.

    Four queries whatever the size of the call: counts are grouped in the database, then
    the applications and reviewers are loaded in one query each.
    """
    from portal.accounts.models import User
    from portal.applications.models import ApplicationState

    active = sa.and_(Assignment.state == AssignmentState.active,
                     Assignment.application_id == Application.id)
    counts = (sa.func.count(Assignment.id), sa.func.count(Review.submitted_at))
    by_application = {row[0]: row[1:] for row in db.session.execute(
        sa.select(Application.id, *counts)
        .outerjoin(Assignment, active)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Application.call_id == call_id,
               Application.state.in_([ApplicationState.submitted,
                                      ApplicationState.under_review]))
        .group_by(Application.id))}
    applications = db.session.scalars(
        sa.select(Application).where(Application.id.in_(by_application))
        # The call is the page's own (found in the session): not joined to every row.
        .options(so.lazyload(Application.sections), so.lazyload(Application.documents),
                 so.lazyload(Application.call))
        .order_by(Application.reference)).all()
    by_reviewer = {row[0]: row[1:] for row in db.session.execute(
        sa.select(Assignment.reviewer_id, *counts)
        .join(Application, active)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Application.call_id == call_id)
        .group_by(Assignment.reviewer_id))}
    reviewers = db.session.scalars(
        sa.select(User).where(User.id.in_(by_reviewer)).order_by(User.full_name)).all()
    return ([(a, *by_application[a.id]) for a in applications],
            [(r, *by_reviewer[r.id]) for r in reviewers])
