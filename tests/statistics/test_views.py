"""The statistics page of a call: its figures, its charts in both languages, its cost."""

import pytest

from portal.calls.models import CallState
from portal.database import utcnow
from portal.selection.models import Decision, Offer, OfferState, Outcome
from portal.statistics.queries import call_statistics


@pytest.fixture
def small_call(create_call, create_application, db):
    """Two applications from Georgia (en, ru), one from Türkiye (en), one draft from Georgia."""
    call = create_call()
    made = [create_application(call=call, submit=True, language=language)
            for language in ("en", "ru", "en")]
    for application, code in zip(made, ("GE", "GE", "TR"), strict=True):
        application.administration_code = code
    draft = create_application(call=call, language="ru")
    draft.administration_code = "GE"
    db.session.commit()
    return call, made


def test_counts_per_administration_and_language(small_call):
    call, _ = small_call
    stats = call_statistics(call, "en")
    assert [(r.code, r.name, r.submitted, r.drafts) for r in stats.by_administration] == [
        ("GE", "Georgia", 2, 1), ("TR", "Türkiye", 1, 0)]
    assert stats.by_language == {"en": 2, "ru": 1}
    assert (stats.submitted, stats.drafts) == (3, 1)
    assert call_statistics(call, "ru").by_administration[0].name == "Грузия"


def test_reviewer_progress_and_score_histogram(small_call, reviewer, review):
    call, (first, second, third) = small_call
    ann, bob = reviewer(full_name="Ann Reviewer"), reviewer(full_name="Bob Reviewer")
    review(first, ann, score=3)  # 50 points on the 1-5 scale
    review(second, ann, score=5)  # 100 points
    review(third, ann)  # assigned, not reviewed yet
    review(first, bob)
    stats = call_statistics(call, "en")
    assert [(r.name, r.assigned, r.submitted) for r in stats.reviewers] == [
        ("Ann Reviewer", 3, 2), ("Bob Reviewer", 1, 0)]
    assert (stats.reviews_assigned, stats.reviews_submitted, stats.reviews_percent) == (4, 2, 50)
    assert sorted(stats.raw_means) == [50.0, 100.0]
    assert len(stats.normalized) == 2


def test_outcomes_and_offers_after_publication(small_call, db):
    call, (first, second, third) = small_call
    for application, outcome in zip((first, second, third),
                                    (Outcome.accepted, Outcome.accepted, Outcome.waitlisted), strict=True):
        db.session.add(Decision(application_id=application.id, call_id=call.id, outcome=outcome))
    db.session.commit()
    stats = call_statistics(call, "en")
    assert stats.outcomes == {Outcome.accepted: 2, Outcome.waitlisted: 1, Outcome.not_selected: 0}
    assert stats.offers is None  # nothing offered before publication
    call.state, call.published_at = CallState.published, utcnow()
    db.session.add_all([Offer(application_id=first.id, call_id=call.id, respond_by=utcnow(),
                              state=OfferState.accepted),
                        Offer(application_id=second.id, call_id=call.id, respond_by=utcnow())])
    db.session.commit()
    assert call_statistics(call, "en").offers == {
        OfferState.pending: 1, OfferState.accepted: 1, OfferState.declined: 0,
        OfferState.expired: 0}


def test_page_renders_charts_and_tables_in_english(client, login_as, create_user, small_call,
                                                    reviewer, review):
    call, (first, *_) = small_call
    review(first, reviewer(full_name="Ann Reviewer"), score=4)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/statistics").get_data(as_text=True)
    assert "3 applications submitted" in html and "1 draft not yet submitted" in html
    assert html.count('role="img"') == 4  # administrations, languages, scores, reviewers
    assert '<title id="chart-administrations-title">Submitted applications per administration' in html
    assert '<th scope="row">Georgia</th>' in html
    assert "1 of 1 review submitted (100%)." in html  # one review assigned: singular
    # A 4 on the 1-5 scale is 75 points: one application in the 70-80 bin of both series.
    assert '<th scope="row">70–80</th><td class="text-end">1</td><td class="text-end">1</td>' in html
    assert "No decisions yet." in html
    assert "style=" not in html  # the Content-Security-Policy would block inline styles


def test_page_renders_in_russian(client, login_as, create_user, small_call):
    call, _ = small_call
    login_as(create_user(roles=("coordinator",), language="ru"))
    response = client.get(f"/manage/calls/{call.id}/statistics")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    assert '<th scope="row">Грузия</th>' in html
    assert "Турция" in html


def test_empty_call_says_so(client, login_as, create_user, create_call):
    call = create_call()
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/statistics").get_data(as_text=True)
    assert "No applications yet." in html
    assert "No scores yet" in html and "No reviewers assigned yet." in html
    assert 'role="img"' not in html


def test_page_queries_do_not_grow_with_applications(client, login_as, create_user, create_call,
                                                    create_application, reviewer, review,
                                                    count_queries, db):
    call = create_call()
    ann = reviewer()
    login_as(create_user(roles=("coordinator",)))

    def add(n):
        for i in range(n):
            application = create_application(call=call, submit=True, language=("en", "ru")[i % 2])
            application.administration_code = ("GE", "TR", "KZ", "AM")[i % 4]
            review(application, ann, score=1 + i % 5)
            db.session.add(Decision(application_id=application.id, call_id=call.id,
                                    outcome=Outcome.not_selected))
        db.session.commit()

    def page():
        assert client.get(f"/manage/calls/{call.id}/statistics").status_code == 200

    add(2)
    few = count_queries(page)
    add(18)
    assert count_queries(page) == few
