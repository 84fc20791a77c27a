"""Queries of reviewing used by several pages."""

import sqlalchemy as sa

from portal.applications.models import Application
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Review


def reviewer_assignments(reviewer) -> sa.Select:
    """Rows (id, reference, language, call_id, review_id, review_submitted_at) of the reviewer's
    active assignments in the order they were given: a select to paginate. Plain rows, not
    entities: the dashboard shows five values a row."""
    return (
        sa.select(Assignment.id, Application.reference, Application.language,
                  Application.call_id, Review.id.label("review_id"),
                  Review.submitted_at.label("review_submitted_at"))
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.reviewer_id == reviewer.id,
               Assignment.state == AssignmentState.active)
        .order_by(Assignment.assigned_at, Assignment.id)
    )


def reviewer_workload(reviewer) -> tuple[int, int]:
    """(active assignments, reviews of them submitted) of a reviewer: one query."""
    assigned, submitted = db.session.execute(
        sa.select(sa.func.count(Assignment.id), sa.func.count(Review.submitted_at))
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.reviewer_id == reviewer.id,
               Assignment.state == AssignmentState.active)).one()
    return assigned, submitted


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
