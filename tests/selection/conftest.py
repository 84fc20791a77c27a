import pytest

from portal.applications.models import ApplicationState
from portal.calls.models import CallState
from portal.database import utcnow
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection import queries


@pytest.fixture
def computations(monkeypatch):
    """The call ids whose ranking was computed (not read from call_ranking) during the test."""
    counted = []
    original = queries._compute

    def counting(call):
        counted.append(call.id)
        return original(call)

    monkeypatch.setattr(queries, "_compute", counting)
    return counted


@pytest.fixture
def reviewed_call(db, create_call, create_application, create_user):
    """Factory: a closed call whose applications carry submitted reviews.

    `scores[i]` lists the marks (1–5, one criterion) of application i's reviews, reviewer j giving
    the j-th mark; `administrations[i]` and `languages[i]` set the applicant's administration and
    language. Returns (call, applications in the order given).
    """

    def make(scores, *, places=2, cap=None, administrations=None, languages=None, expected=None):
        call = create_call(places=places, cap_per_administration=cap,
                           reviewers_per_application=expected or max(len(s) for s in scores) or 1)
        reviewers = [create_user(roles=("reviewer",), administration="PL")
                     for _ in range(max(len(s) for s in scores))]
        applications = []
        for i, marks in enumerate(scores):
            language = languages[i] if languages else "en"
            applicant = create_user(language=language, full_name=f"Applicant {i + 1}")
            application = create_application(call=call, applicant=applicant, complete=True, submit=True,
                                             language=language)
            if administrations:
                application.administration_code = administrations[i]
            application.state = ApplicationState.under_review
            for reviewer, mark in zip(reviewers, marks, strict=False):
                db.session.add(Assignment(
                    application=application, reviewer=reviewer, state=AssignmentState.active,
                    review=Review(scores={str(call.criteria[0].id): mark}, submitted_at=utcnow(),
                                  recommendation="support", confidence=3, comments="Fine")))
            applications.append(application)
        call.state = CallState.closed
        db.session.commit()
        return call, applications

    return make
