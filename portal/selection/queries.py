"""Loading a call's ranking from the database: three queries whatever the size of the call."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.applications.models import Application, ApplicationState
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection.models import Decision
from portal.selection.ranking import (
    ApplicationEntry,
    ApplicationScore,
    CriterionSpec,
    ReviewScores,
    rank_applications,
)

# Applications that compete for the places: submitted and neither withdrawn nor screened out.
# After publication their state is the published outcome, so those states are in the pool too.
POOL_STATES = (ApplicationState.submitted, ApplicationState.under_review, ApplicationState.accepted,
               ApplicationState.waitlisted, ApplicationState.not_selected, ApplicationState.declined)


@dataclass
class RankingRow:
    rank: int
    application: Application  # with its administration loaded
    score: ApplicationScore
    decided_by: str | None  # the ranking.TIE_BREAKERS key that placed it below the row above
    decision: Decision | None
    reviews: list[Review]  # the submitted reviews that count, by reviewer id

    @property
    def application_id(self) -> int:
        return self.application.id


def criterion_specs(call) -> list[CriterionSpec]:
    return [CriterionSpec(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]


def pool_applications(call_id: int) -> list[Application]:
    return db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call_id, Application.state.in_(POOL_STATES))
        .options(so.joinedload(Application.administration), so.lazyload(Application.sections),
                 so.lazyload(Application.documents))
    ).all()


def counting_reviews(call_id: int) -> list[Review]:
    """Submitted reviews of active assignments (a released or conflicted one no longer counts)."""
    return db.session.scalars(
        sa.select(Review)
        .join(Assignment, Review.assignment_id == Assignment.id)
        .join(Application, Assignment.application_id == Application.id)
        .where(Application.call_id == call_id, Application.state.in_(POOL_STATES),
               Assignment.state == AssignmentState.active, Review.submitted_at.is_not(None))
        .options(so.contains_eager(Review.assignment))
    ).all()


def review_scores(review: Review, criteria_ids: set[int]) -> dict[int, int]:
    """A review's scores keyed by criterion id, for the criteria the call has now."""
    return {int(key): int(value) for key, value in (review.scores or {}).items()
            if int(key) in criteria_ids}


def call_ranking(call) -> list[RankingRow]:
    """Every application of the pool in ranking order, with its scores, reviews and decision."""
    applications = pool_applications(call.id)
    reviews = counting_reviews(call.id)
    decisions = {d.application_id: d for d in db.session.scalars(
        sa.select(Decision).where(Decision.call_id == call.id))}
    criteria = criterion_specs(call)
    criteria_ids = {c.id for c in criteria}
    entries = [ApplicationEntry(a.id, call.reviewers_per_application, a.submitted_at) for a in applications]
    # A review lacking a criterion (one added after it was submitted) cannot be totalled fairly.
    reviews = [r for r in reviews if set(review_scores(r, criteria_ids)) == criteria_ids]
    scores = [ReviewScores(r.assignment.application_id, r.assignment.reviewer_id,
                           review_scores(r, criteria_ids)) for r in reviews]
    by_application: dict[int, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: r.assignment.reviewer_id):
        by_application.setdefault(review.assignment.application_id, []).append(review)
    by_id = {a.id: a for a in applications}
    ranked = rank_applications(entries, reviews=scores, criteria=criteria) if criteria else []
    return [RankingRow(r.rank, by_id[r.application_id], r.score, r.decided_by,
                       decisions.get(r.application_id), by_application.get(r.application_id, []))
            for r in ranked]
