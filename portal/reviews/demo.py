"""Demo reviews: two of the three demo reviewers have scored the closed call, so that the ranking has
something to rank; the third still has reviews to write (and the ranking shows them missing)."""

import sqlalchemy as sa

from portal.accounts.services import find_user_by_email
from portal.database import utcnow
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState
from portal.reviews.services import review_for, save_review

REVIEWERS_WHO_SCORED = {
    "reviewer.ru@demo.rocb.example": "Мотивация ясная, проект реалистичен.",
    "reviewer.lt@demo.rocb.example": "Solid experience; the project needs a sharper focus.",
}


def seed_demo_reviews(call) -> int:
    """Submit the reviews of the demo reviewers who have scored. Returns how many were submitted."""
    now = utcnow()
    submitted = 0
    for email, comment in REVIEWERS_WHO_SCORED.items():
        reviewer = find_user_by_email(email)
        if reviewer is None:
            continue
        assignments = db.session.scalars(
            sa.select(Assignment).where(Assignment.reviewer_id == reviewer.id,
                                        Assignment.state == AssignmentState.active)
            .order_by(Assignment.application_id)).all()
        for assignment in assignments:
            if assignment.application.call_id != call.id:
                continue
            review = review_for(assignment)
            if review.is_submitted:
                continue
            # Marks that differ from one application and reviewer to the next, the same on every run.
            seed = assignment.application_id * 7 + reviewer.id * 3
            scores = {str(c.id): c.scale_min + (seed + i) % (c.scale_max - c.scale_min + 1)
                      for i, c in enumerate(call.criteria)}
            save_review(assignment, scores=scores, comments=comment,
                        recommendation=("support", "strongly_support", "neutral", "oppose")[seed % 4],
                        confidence=3 + seed % 3, expected_version=review.version, submit=True, now=now)
            submitted += 1
    return submitted
