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


def _active_with_review():
    """Counts of active assignments and of their submitted reviews, for grouped queries."""
    active = sa.and_(Assignment.state == AssignmentState.active,
                     Assignment.application_id == Application.id)
    counts = (sa.func.count(Assignment.id).label("assigned"),
              sa.func.count(Review.submitted_at).label("submitted"))
    return active, counts


def application_progress(call, *, needs_more: bool = False) -> sa.Select:
    """Rows (id, reference, language, assigned, submitted) of the call's submitted applications, by
    reference; with `needs_more`, only those with fewer active reviewers than the call asks for.
    A select to paginate: the counts are grouped in the database."""
    from portal.applications.models import ApplicationState

    active, counts = _active_with_review()
    query = (sa.select(Application.id, Application.reference, Application.language, *counts)
             .outerjoin(Assignment, active)
             .outerjoin(Review, Review.assignment_id == Assignment.id)
             .where(Application.call_id == call.id,
                    Application.state.in_([ApplicationState.submitted, ApplicationState.under_review]))
             .group_by(Application.id, Application.reference, Application.language)
             .order_by(Application.reference))
    if needs_more:
        query = query.having(sa.func.count(Assignment.id) < call.reviewers_per_application)
    return query


def reviewer_progress(call_id: int) -> list[tuple]:
    """Rows (reviewer, assigned, submitted) of the call's reviewers, by name: two queries."""
    from portal.accounts.models import User

    active, counts = _active_with_review()
    by_reviewer = {row[0]: row[1:] for row in db.session.execute(
        sa.select(Assignment.reviewer_id, *counts)
        .join(Application, active)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Application.call_id == call_id)
        .group_by(Assignment.reviewer_id))}
    reviewers = db.session.scalars(
        sa.select(User).where(User.id.in_(by_reviewer)).order_by(User.full_name)).all()
    return [(r, *by_reviewer[r.id]) for r in reviewers]
