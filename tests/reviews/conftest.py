import pytest

from portal.database import utcnow


@pytest.fixture
def create_reviewer(create_user, db):
    """Factory: a reviewer with a profile (languages, limit, expertise)."""
    from portal.reviews.services import update_reviewer_profile

    def make(*, administration="PL", reads=("en",), max_reviews=20, expertise="", **kw):
        user = create_user(roles=("reviewer",), administration=administration, **kw)
        update_reviewer_profile(user, reads_en="en" in reads, reads_ru="ru" in reads,
                                expertise=expertise, max_reviews_per_call=max_reviews)
        db.session.commit()
        return user

    return make


@pytest.fixture
def assigned(create_application, create_reviewer, create_user, db):
    """Factory: a submitted application with one reviewer assigned; returns the assignment."""
    from portal.reviews.services import assign_reviewer

    def make(*, call=None, reviewer=None, **application_kw):
        application = create_application(call=call, submit=True, **application_kw)
        coordinator = create_user(roles=("coordinator",))
        assignment = assign_reviewer(application, reviewer or create_reviewer(),
                                     actor=coordinator, now=utcnow())
        db.session.commit()
        return assignment

    return make
