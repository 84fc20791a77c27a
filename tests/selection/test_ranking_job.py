"""A change that makes a ranking stale has it computed again by a job of kind "ranking", off the
coordinator's page, which then reads it from the table (in the tests jobs run inline)."""

import re

import sqlalchemy as sa

from portal.database import utcnow
from portal.jobs.models import Job, JobState
from portal.jobs.services import start_job
from portal.reviews.models import Assignment, Review
from portal.reviews.services import save_review
from portal.selection import queries, shared_ranking
from portal.selection.jobs import KIND
from portal.selection.models import CallRanking
from tests.conftest import PASSWORD, csrf_token_from


def _ranking_jobs(db) -> list[tuple]:
    db.session.expire_all()
    return [(job.call_id, job.state, job.result) for job in db.session.scalars(
        sa.select(Job).where(Job.kind == KIND).order_by(Job.id))]


def _signed_in(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token, "email": user.email,
                                       "password": PASSWORD}).status_code == 302
    return client


def test_a_review_changed_through_its_page_is_ranked_off_the_coordinators_page(
        app, db, reviewed_call, create_user, computations):
    call, (a, b) = reviewed_call([[5], [4]])
    coordinator = _signed_in(app, create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/ranking"
    assert re.findall(r'data-reference="([^"]+)"', coordinator.get(url).get_data(as_text=True)) == [
        a.reference, b.reference]
    assert computations == [call.id] and _ranking_jobs(db) == []

    review = db.session.scalars(sa.select(Review).join(Assignment).where(Assignment.application_id == a.id)).one()
    reviewer = _signed_in(app, review.assignment.reviewer)
    page = f"/reviews/{review.assignment.id}"
    token = csrf_token_from(reviewer.get(page).get_data(as_text=True))
    response = reviewer.post(page, data={
        "csrf_token": token, "version": str(review.version), f"score_{call.criteria[0].id}": "1",
        "comments": "Weaker than I thought", "recommendation": "oppose", "confidence": "4", "submit": "1"})
    assert response.status_code == 302
    assert _ranking_jobs(db) == [(call.id, JobState.DONE, {"computed": 1})]
    assert computations == [call.id, call.id]

    assert re.findall(r'data-reference="([^"]+)"', coordinator.get(url).get_data(as_text=True)) == [
        b.reference, a.reference]
    assert computations == [call.id, call.id]  # the page read what the job computed


def test_no_job_for_a_ranking_nobody_has_looked_at(db, reviewed_call, computations):
    call, (a, _b) = reviewed_call([[5], [4]])
    _rescore(db, a, 1)
    assert _ranking_jobs(db) == [] and computations == []
    assert db.session.get(CallRanking, call.id) is None


def test_no_job_while_applications_come_in(db, create_call, create_application, computations):
    call = create_call()  # open
    create_application(call=call, submit=True)
    queries.refresh_ranking(call)  # as a page would keep it
    db.session.commit()
    create_application(call=call, submit=True)
    assert _ranking_jobs(db) == []
    assert len(queries.ranked_scores(call)) == 2  # the page computes it when it is read
    assert computations == [call.id, call.id]


def test_a_job_finding_the_ranking_fresh_computes_nothing(db, reviewed_call, computations):
    call, _apps = reviewed_call([[5], [4]])
    queries.refresh_ranking(call)
    db.session.commit()
    start_job(KIND, call=call)
    db.session.commit()
    assert _ranking_jobs(db) == [(call.id, JobState.DONE, {"computed": 0})]
    assert computations == [call.id]


def _rescore(db, application, mark: int) -> None:
    for review in db.session.scalars(sa.select(Review).join(Assignment).where(
            Assignment.application_id == application.id)).all():
        save_review(review.assignment, scores={str(application.call.criteria[0].id): mark},
                    comments="Changed", recommendation="support", confidence=3,
                    expected_version=review.version, submit=True, now=utcnow())
    db.session.commit()


def test_a_job_whose_ranking_went_stale_while_it_computed_computes_it_again(
        db, reviewed_call, monkeypatch):
    from portal.stamps import RankingStamp

    call, _apps = reviewed_call([[5], [4]])
    counted = []
    original = queries._compute

    def computing_while_a_review_changes(call):
        ranked = original(call)
        counted.append(call.id)
        if len(counted) == 1:  # another transaction commits a change meanwhile
            with db.engine.begin() as connection:
                connection.execute(sa.update(RankingStamp).where(RankingStamp.call_id == call.id)
                                   .values(inputs=RankingStamp.inputs + 1))
        return ranked

    monkeypatch.setattr(queries, "_compute", computing_while_a_review_changes)
    start_job(KIND, call=call)
    db.session.commit()
    assert _ranking_jobs(db) == [(call.id, JobState.DONE, {"computed": 2})]
    row = db.session.get(CallRanking, call.id)
    assert row.fingerprint == shared_ranking.fingerprint_text(queries.ranking_fingerprint(call))


def test_a_submission_to_an_open_call_costs_no_look_up_of_its_ranking(
        db, create_call, create_application, monkeypatch):
    """The deadline rush: the session holds the open call, so no query asks whether it needs a job."""
    from portal.applications.services import submit_application
    from portal.selection import jobs

    call = create_call()
    create_application(call=call, submit=True)
    queries.refresh_ranking(call)
    db.session.commit()
    application = create_application(call=call, complete=True)
    looked_up = []
    monkeypatch.setattr(jobs, "start_stale_rankings", looked_up.append)
    assert call.state == "open"  # loaded in the session, as the submitting request has it
    submit_application(application, actor=application.applicant, now=utcnow())
    db.session.commit()
    assert looked_up == [] and _ranking_jobs(db) == []
