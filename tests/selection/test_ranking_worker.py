"""The ranking job on a real worker (a process of its own, the queue file, SQLite or PostgreSQL):
what it computes is committed, and the coordinator's next page reads it instead of computing."""

import re

import pytest
import sqlalchemy as sa

from portal.database import utcnow
from portal.jobs.models import Job, JobState
from portal.reviews.models import Assignment, Review
from portal.reviews.services import save_review
from portal.selection import queries, shared_ranking
from portal.selection.jobs import KIND
from portal.selection.models import CallRanking
from tests.jobs.worker import JobsWorker, worker_app_config


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, **worker_app_config(tmp_path)}


def test_a_worker_ranks_a_call_after_a_review_changed(app, db, client, login_as, create_user, reviewed_call,
                                                      monkeypatch):
    call, (a, b) = reviewed_call([[5], [4]])
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/ranking"
    client.get(url)  # the coordinator has looked at it: it is kept, and kept fresh from now on
    computed = []
    original = queries._compute
    monkeypatch.setattr(queries, "_compute", lambda call: computed.append(call.id) or original(call))

    with JobsWorker(app) as worker:
        review = db.session.scalars(sa.select(Review).join(Assignment)
                                    .where(Assignment.application_id == a.id)).one()
        save_review(review.assignment, scores={str(call.criteria[0].id): 1}, comments="Weaker",
                    recommendation="oppose", confidence=4, expected_version=review.version, submit=True,
                    now=utcnow())
        db.session.commit()
        job_id = db.session.scalar(sa.select(Job.id).where(Job.kind == KIND, Job.call_id == call.id))
        done = worker.wait_for(job_id, state=JobState.DONE, timeout=60)

    assert (done.attempts, done.result) == (1, {"computed": 1})
    db.session.rollback()
    row = db.session.get(CallRanking, call.id)
    assert row.fingerprint == shared_ranking.fingerprint_text(queries.ranking_fingerprint(call))
    html = client.get(url).get_data(as_text=True)
    assert re.findall(r'data-reference="([^"]+)"', html) == [b.reference, a.reference]
    assert computed == []  # the page read what the worker computed
