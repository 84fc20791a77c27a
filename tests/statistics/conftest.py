import pytest

from portal.database import utcnow


@pytest.fixture
def reviewer(create_user, db):
    """Factory: a reviewer from Poland who reads both languages."""
    from portal.reviews.services import update_reviewer_profile

    def make(**kw):
        user = create_user(roles=("reviewer",), administration="PL", **kw)
        update_reviewer_profile(user, reads_en=True, reads_ru=True, expertise="",
                                max_reviews_per_call=50)
        db.session.commit()
        return user

    return make


@pytest.fixture
def review(db):
    """review(application, reviewer, score=None): assign; with a score, submit a review."""
    from portal.reviews.services import assign_reviewer, save_review

    def make(application, reviewer, score=None):
        assignment = assign_reviewer(application, reviewer, actor=None, now=utcnow())
        if score is not None:
            key = str(application.call.criteria[0].id)
            save_review(assignment, scores={key: score}, comments="", recommendation="support",
                        confidence=3, expected_version=0, submit=True, now=utcnow())
        db.session.commit()
        return assignment

    return make
