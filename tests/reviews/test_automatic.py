"""Automatic assignment of a call through the database (the solver itself: test_assignment)."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.database import utcnow
from portal.reviews.automatic import (
    assign_call_automatically,
    assignment_reasons,
    describe_shortfalls,
)
from portal.reviews.models import Assignment, AssignmentState
from portal.reviews.services import applicant_administrations


@pytest.fixture
def small_call(create_call, create_application, create_user):
    call = create_call(reviewers_per_application=2)
    applications = []
    for code, language in (("RU", "ru"), ("GE", "en"), ("TR", "en"), ("KZ", "ru"),
                           ("PL", "en")):
        application = create_application(call=call, submit=True, language=language,
                                         applicant=create_user(administration=code))
        applications.append(application)
    return call, applications


def _active(db, call):
    return db.session.scalars(sa.select(Assignment).where(
        Assignment.state == AssignmentState.active)).all()


def test_every_application_gets_its_reviewers_without_conflicts(db, small_call,
                                                                create_reviewer, create_user):
    call, applications = small_call
    reviewers = [create_reviewer(administration=code, reads=reads, max_reviews=10)
                 for code, reads in (("PL", ("en", "ru")), ("LT", ("en", "ru")),
                                     ("GE", ("en",)), ("EE", ("ru", "en")))]
    result = assign_call_automatically(call, actor=create_user(roles=("coordinator",)),
                                       now=utcnow())
    db.session.commit()
    assert result.shortfalls == []
    active = _active(db, call)
    assert len(active) == 10
    profiles = {r.id: r.reviewer_profile for r in reviewers}
    for assignment in active:
        application, reviewer = assignment.application, assignment.reviewer
        assert reviewer.administration_code not in applicant_administrations(application)
        assert application.language in profiles[reviewer.id].languages
        assert assignment.automatic
    loads = sorted(sum(a.reviewer_id == r.id for a in active) for r in reviewers)
    assert loads[-1] - loads[0] <= 1
    with force_locale("en"):
        reasons = assignment_reasons(active[0])
    assert reasons[0].startswith("reads ")
    assert any("of at most 10 reviews" in reason for reason in reasons)


def test_running_again_keeps_existing_assignments_and_adds_nothing(db, small_call,
                                                                  create_reviewer):
    call, _ = small_call
    for code in ("PL", "LT", "LV"):
        create_reviewer(administration=code, reads=("en", "ru"))
    assign_call_automatically(call, actor=None, now=utcnow())
    first = {(a.application_id, a.reviewer_id) for a in _active(db, call)}
    again = assign_call_automatically(call, actor=None, now=utcnow())
    assert again.pairs == []
    assert {(a.application_id, a.reviewer_id) for a in _active(db, call)} == first


def test_each_assignment_is_audited_and_the_applications_are_under_review(db, small_call, create_reviewer,
                                                                          create_user):
    """The assignments are written in bulk; each still has its audit event, as one by hand has."""
    from portal.applications.models import ApplicationState
    from portal.audit.models import AuditEvent

    call, applications = small_call
    for code in ("PL", "LT", "LV"):
        create_reviewer(administration=code, reads=("en", "ru"))
    coordinator = create_user(roles=("coordinator",))
    result = assign_call_automatically(call, actor=coordinator, now=utcnow())
    db.session.commit()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "assignment.created")).all()
    assert sorted((int(e.object_id), e.details["reviewer"]) for e in events) == sorted(
        (p.application_id, p.reviewer_id) for p in result.pairs)
    assert all(e.actor_id == coordinator.id and e.details["automatic"] for e in events)
    assert {a.state for a in applications} == {ApplicationState.under_review}


def test_a_released_pair_chosen_again_reuses_its_row(db, small_call, create_reviewer, create_user):
    from portal.reviews.services import release_assignment

    call, applications = small_call
    create_reviewer(administration="LT", reads=("en", "ru"), max_reviews=10)
    create_reviewer(administration="LV", reads=("en", "ru"), max_reviews=10)
    assign_call_automatically(call, actor=None, now=utcnow())
    db.session.commit()
    released = _active(db, call)[0]
    pair = (released.application_id, released.reviewer_id)
    release_assignment(released, actor=None, now=utcnow())
    db.session.commit()
    again = assign_call_automatically(call, actor=None, now=utcnow())
    db.session.commit()
    assert [(p.application_id, p.reviewer_id) for p in again.pairs] == [pair]
    rows = db.session.scalars(sa.select(Assignment).where(
        Assignment.application_id == pair[0], Assignment.reviewer_id == pair[1])).all()
    assert [(r.id, r.state) for r in rows] == [(released.id, AssignmentState.active)]


def test_shortfall_names_the_language_and_what_is_missing(app, db, small_call,
                                                          create_reviewer):
    call, _ = small_call
    create_reviewer(administration="PL", reads=("en",))
    create_reviewer(administration="LT", reads=("en",))
    result = assign_call_automatically(call, actor=None, now=utcnow())
    with app.test_request_context(), force_locale("en"):
        messages = describe_shortfalls(result.shortfalls)
    # The Polish reviewer may not review the Polish applicant: one English review is missing.
    assert messages == [
        "English: 1 application lacks reviewers without a conflict of interest "
        "(missing reviews: 1). Invite more reviewers who read this language.",
        "Russian: 2 applications lack reviewers without a conflict of interest "
        "(missing reviews: 4). Invite more reviewers who read this language."]
    assert len(_active(db, call)) == 5  # what could be assigned was


def test_coordinator_runs_it_from_the_page(client, forms, login_as, create_user, small_call,
                                           create_reviewer):
    call, _ = small_call
    create_reviewer(administration="PL", reads=("en",))
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/assignments"
    response = forms.post(f"{url}/automatic", {}, page=url, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 assignments made." in html
    assert "Russian: 2 applications lack reviewers" in html


@pytest.mark.parametrize("locale,load,expected", [
    ("en", (1, 1), "1 of at most 1 review in this call"),
    ("en", (2, 5), "2 of at most 5 reviews in this call"),
    ("ru", (1, 1), "экспертиз в этом конкурсе: 1 (максимум 1)"),
])
def test_a_reviewers_load_is_written_in_the_right_plural(app, locale, load, expected):
    from portal.reviews.automatic import describe_reason

    with app.test_request_context(), force_locale(locale):
        assert describe_reason({"code": "load", "value": list(load)}) == expected
