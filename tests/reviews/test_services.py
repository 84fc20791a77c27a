"""The rules of reviewing, called directly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.applications.models import ApplicationState
from portal.database import utcnow
from portal.reviews import services
from portal.reviews.models import AssignmentState


def test_invite_new_person_creates_reviewer_with_set_password_link(db, create_user, outbox):
    coordinator = create_user(roles=("coordinator",))
    user = services.invite_reviewer(email="New.Reviewer@example.org", full_name="Anna Novak",
                                    language="ru", actor=coordinator, now=utcnow())
    db.session.commit()
    assert user.roles == {Role.reviewer}
    [message] = outbox()
    assert (message.kind, message.recipient, message.language) == (
        "reviewer_invitation", "new.reviewer@example.org", "ru")
    assert "/invitation/" in message.body_text  # accounts' set-password link


def test_invite_existing_account_adds_the_role(db, create_user, outbox):
    coordinator = create_user(roles=("coordinator",))
    person = create_user(roles=("applicant",))
    services.invite_reviewer(email=person.email, full_name="", language="en",
                             actor=coordinator, now=utcnow())
    db.session.commit()
    assert person.roles == {Role.applicant, Role.reviewer}
    assert "/reviews/" in outbox()[0].body_text


def test_reviewer_from_applicants_administration_cannot_be_assigned(db, create_application,
                                                                   create_reviewer,
                                                                   create_user):
    application = create_application(submit=True)  # professional section says RU
    same = create_reviewer(administration="RU")
    with pytest.raises(services.ConflictOfInterest):
        services.assign_reviewer(application, same, actor=create_user(roles=("coordinator",)),
                                 now=utcnow())


def test_reviewer_from_applicants_profile_administration_is_a_conflict_too(
        db, create_application, create_reviewer, create_user):
    applicant = create_user(administration="GE")  # the answers say RU, the profile GE
    application = create_application(applicant=applicant, submit=True)
    with pytest.raises(services.ConflictOfInterest):
        services.assign_reviewer(application, create_reviewer(administration="GE"),
                                 actor=applicant, now=utcnow())


def test_declared_conflict_releases_tells_coordinators_and_blocks_reassignment(
        db, assigned, create_user, outbox):
    create_user(roles=("coordinator",), language="ru", email="coord@example.org")
    assignment = assigned()
    services.declare_conflict(assignment, reviewer=assignment.reviewer, reason="My cousin",
                              now=utcnow())
    db.session.commit()
    assert assignment.state == AssignmentState.conflict
    kinds = [(m.kind, m.language) for m in outbox() if m.kind == "conflict_declared"]
    assert ("conflict_declared", "ru") in kinds
    with pytest.raises(services.ConflictOfInterest):
        services.assign_reviewer(assignment.application, assignment.reviewer, actor=None,
                                 now=utcnow())


def test_changing_administration_releases_conflicting_assignments(db, assigned):
    assignment = assigned()
    reviewer = assignment.reviewer
    reviewer.administration_code = "RU"  # now the applicant's administration
    assert services.release_conflicting_assignments(reviewer, now=utcnow()) == 1
    assert assignment.state == AssignmentState.released


def test_moving_a_reviewer_to_the_applicants_administration_releases_through_the_signal(
        db, assigned):
    from portal.accounts.services import set_administration

    assignment = assigned()
    set_administration(assignment.reviewer, "RU", actor=None)  # the applicant's administration
    assert assignment.state == AssignmentState.released


def test_assigning_moves_application_under_review_and_is_audited(db, assigned):
    from portal.audit.models import AuditEvent

    assignment = assigned()
    assert assignment.application.state == ApplicationState.under_review
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "assignment.created" in actions


def test_withdrawn_application_cannot_be_assigned(db, create_application, create_reviewer):
    application = create_application(submit=True)
    application.state = ApplicationState.withdrawn
    with pytest.raises(services.ReviewError):
        services.assign_reviewer(application, create_reviewer(), actor=None, now=utcnow())


def _criterion_id(assignment):
    return str(assignment.application.call.criteria[0].id)


def test_review_draft_then_submit(db, assigned):
    assignment = assigned()
    key = _criterion_id(assignment)
    review = services.save_review(assignment, scores={key: 4}, comments="Good",
                                  recommendation=None, confidence=None, expected_version=0,
                                  submit=False, now=utcnow())
    assert (review.scores, review.is_submitted, review.version) == ({key: 4}, False, 1)
    review = services.save_review(assignment, scores={key: 5}, comments="Very good",
                                  recommendation="support", confidence=4, expected_version=1,
                                  submit=True, now=utcnow())
    assert (review.scores, review.is_submitted, review.confidence) == ({key: 5}, True, 4)


def test_submit_incomplete_review_lists_what_is_missing(db, assigned):
    assignment = assigned()
    with pytest.raises(services.ReviewError) as refused:
        services.save_review(assignment, scores={}, comments="", recommendation=None,
                             confidence=None, expected_version=0, submit=True, now=utcnow())
    assert [str(p) for p in refused.value.problems] == [
        "Experience: a score is needed.", "An overall recommendation is needed.",
        "Your confidence is needed."]


@pytest.mark.parametrize("score", [0, 6, -1, 100])
def test_score_outside_the_scale_is_refused(db, assigned, score):
    assignment = assigned()
    with pytest.raises(services.ReviewError) as refused:
        services.save_review(assignment, scores={_criterion_id(assignment): score},
                             comments="", recommendation=None, confidence=None,
                             expected_version=0, submit=False, now=utcnow())
    assert [str(p) for p in refused.value.problems] == [
        "Experience: the score must be from 1 to 5."]


def test_review_after_deadline_is_refused(db, assigned):
    assignment = assigned()
    late = assignment.application.call.review_deadline + timedelta(seconds=1)
    with pytest.raises(services.ReviewError, match="deadline"):
        services.save_review(assignment, scores={}, comments="x", recommendation=None,
                             confidence=None, expected_version=0, submit=False, now=late)


@pytest.mark.parametrize("state", [ApplicationState.withdrawn, ApplicationState.screened_out])
def test_review_of_withdrawn_or_screened_out_application_is_refused(db, assigned, state):
    assignment = assigned()
    assignment.application.state = state
    with pytest.raises(services.ReviewError, match="no longer in review"):
        services.save_review(assignment, scores={}, comments="x", recommendation=None,
                             confidence=None, expected_version=0, submit=False, now=utcnow())


def test_stale_review_save_is_refused(db, assigned):
    assignment = assigned()
    services.save_review(assignment, scores={}, comments="first", recommendation=None,
                         confidence=None, expected_version=0, submit=False, now=utcnow())
    with pytest.raises(services.StaleReview):
        services.save_review(assignment, scores={}, comments="second", recommendation=None,
                             confidence=None, expected_version=0, submit=False, now=utcnow())
    assert assignment.review.comments == "first"


def test_other_reviews_visible_only_after_own_submission_and_if_call_allows(
        db, assigned, create_reviewer):
    first = assigned()
    application = first.application
    second = services.assign_reviewer(application, create_reviewer(), actor=None, now=utcnow())
    key = _criterion_id(first)
    full = dict(scores={key: 3}, comments="ok", recommendation="neutral", confidence=3,
                expected_version=0, submit=True, now=utcnow())
    services.save_review(first, **full)
    assert services.other_reviews_visible(second) == []  # own not submitted
    services.save_review(second, **full)
    assert services.other_reviews_visible(second) == []  # the call does not allow it
    application.call.show_other_reviews = True
    assert services.other_reviews_visible(second) == [first.review]


def test_reminders_go_to_reviewers_with_reviews_due_in_their_language(db, assigned,
                                                                     create_reviewer, outbox):
    russian = create_reviewer(language="ru")
    assignment = assigned(reviewer=russian)
    count = services.send_reminders(assignment.application.call, actor=None)
    db.session.commit()
    assert count == 1
    reminders = [m for m in outbox() if m.kind == "review_reminder"]
    assert [(m.recipient, m.language) for m in reminders] == [(russian.email, "ru")]
