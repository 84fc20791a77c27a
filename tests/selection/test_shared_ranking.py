"""A call's ranking is computed once for every host: kept in the table call_ranking, read by every
app on the database, and a change made through one app is seen through another on its next read."""

import json
import re

import pytest
import sqlalchemy as sa

from config import TestConfig
from portal import create_app
from portal.database import utcnow
from portal.reviews.models import Assignment, Review
from portal.reviews.services import save_review
from portal.selection import queries, shared_ranking
from portal.selection.models import CallRanking
from portal.stamps import read_stamps
from tests.conftest import PASSWORD, IsolatedClient, csrf_token_from


@pytest.fixture
def second_app(app, database_url):
    """Another host: an app of its own (its own caches) on the same database."""
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                       STORAGE_PATH=app.config["STORAGE_PATH"], MAIL_FILE_DIR=app.config["MAIL_FILE_DIR"])
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        other.extensions["sqlalchemy"].engine.dispose()


def _signed_in(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _order(client, call) -> list[str]:
    html = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    return re.findall(r'data-reference="([^"]+)"', html)


def _rescore(db, application, mark: int) -> None:
    """Every review of the application given `mark` again, through the reviews service."""
    for review in db.session.scalars(sa.select(Review).join(Assignment).where(
            Assignment.application_id == application.id)).all():
        assignment = review.assignment
        save_review(assignment, scores={str(assignment.application.call.criteria[0].id): mark},
                    comments="Changed", recommendation="support", confidence=3,
                    expected_version=review.version, submit=True, now=utcnow())
    db.session.commit()


def test_a_second_host_reads_the_ranking_the_first_computed_and_sees_its_changes(
        app, db, second_app, reviewed_call, create_user, computations):
    call, (a, b, c) = reviewed_call([[5, 5], [4, 4], [3, 3]], places=1)
    coordinator = create_user(roles=("coordinator",))
    first, second = _signed_in(app, coordinator), _signed_in(second_app, coordinator)

    assert _order(first, call) == [a.reference, b.reference, c.reference]
    assert computations == [call.id]
    assert _order(second, call) == [a.reference, b.reference, c.reference]
    assert computations == [call.id]  # read from the table, not computed again

    _rescore(db, a, 1)  # a review change made through the first host
    assert _order(second, call) == [b.reference, c.reference, a.reference]
    assert computations == [call.id, call.id]
    assert _order(first, call) == [b.reference, c.reference, a.reference]
    assert computations == [call.id, call.id]  # the first reads what the second computed

    # A decision taken through the second host is on the first host's next page.
    decision_url = f"/manage/applications/{b.id}/decision"
    token = csrf_token_from(second.get(decision_url).get_data(as_text=True))
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        second.get(decision_url).get_data(as_text=True)).group(1)
    response = second.post(decision_url, data={"csrf_token": token, "outcome": "accepted", "note": "",
                                               "version": version})
    assert response.status_code == 302
    html = first.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert "Selected: 1" in html
    assert computations == [call.id, call.id]  # a decision does not change the scores


def test_the_kept_rows_give_back_the_computed_ranking(db, reviewed_call):
    call, _apps = reviewed_call([[5, 1, 3], [4, 4], [2, 5, 5], [3], [1, 1], []], expected=3)
    ranked = queries._compute(call)
    assert len(ranked) == 6
    assert shared_ranking.decode(json.loads(json.dumps(shared_ranking.encode(ranked)))) == ranked


def test_the_page_keeps_the_ranking_under_the_fingerprint_it_was_computed_under(
        app, db, reviewed_call, create_user):
    call, _apps = reviewed_call([[5], [4]])
    _order(_signed_in(app, create_user(roles=("coordinator",))), call)
    row = db.session.get(CallRanking, call.id)
    assert row.fingerprint == shared_ranking.fingerprint_text(queries.ranking_fingerprint(call))
    assert shared_ranking.decode(row.rows) == queries._compute(call)


def test_a_command_or_a_job_that_only_reads_keeps_no_row(db, reviewed_call, computations):
    """(an export: on SQLite the row would hold the write lock, or fail its later writes)"""
    call, _apps = reviewed_call([[5], [4]])
    first = queries.ranked_scores(call)
    db.session.commit()
    assert db.session.get(CallRanking, call.id) is None
    assert queries.ranked_scores(call) is first and computations == [call.id]  # kept in the process


def test_a_ranking_computed_in_a_transaction_that_rolls_back_is_not_kept(db, reviewed_call, computations):
    """Its fingerprint names the counter the rolled-back change raised, which the next change
    raises to again: what it computed must not pass for that next change's ranking."""
    call, (a, b) = reviewed_call([[5, 5], [4, 4]])
    assert [r.application_id for r in queries.ranked_scores(call)] == [a.id, b.id]
    db.session.commit()
    stamps = read_stamps(call.id)
    for review in db.session.scalars(sa.select(Review).join(Assignment).where(Assignment.application_id == a.id)):
        review.scores = {str(call.criteria[0].id): 1}
    db.session.flush()
    assert [r.application_id for r in queries.ranked_scores(call)] == [b.id, a.id]
    db.session.rollback()
    for review in db.session.scalars(sa.select(Review).join(Assignment).where(Assignment.application_id == b.id)):
        review.scores = {str(call.criteria[0].id): 1}
    db.session.commit()
    assert read_stamps(call.id)[0] == stamps[0] + 1  # the same counter as the rolled-back change's
    assert [r.application_id for r in queries.ranked_scores(call)] == [a.id, b.id]
    assert len(computations) == 3


def test_a_reading_request_keeps_nothing_once_the_counter_moved(app, db, reviewed_call):
    call, _apps = reviewed_call([[5], [4]])
    fingerprint = queries.ranking_fingerprint(call)
    ranked = queries._compute(call)
    db.session.commit()
    values = {"call_id": call.id, "fingerprint": shared_ranking.fingerprint_text(fingerprint),
              "rows": shared_ranking.encode(ranked), "computed_at": utcnow()}
    with db.engine.begin() as connection:
        assert not shared_ranking.write_if_current(connection, values, inputs=fingerprint[-1] + 1)
    assert db.session.get(CallRanking, call.id) is None
    db.session.commit()
    with db.engine.begin() as connection:
        assert shared_ranking.write_if_current(connection, values, inputs=fingerprint[-1])
    assert shared_ranking.decode(db.session.get(CallRanking, call.id).rows) == ranked


def test_two_hosts_computing_the_ranking_at_once_both_keep_it(app, db, second_app, reviewed_call, create_user,
                                                              monkeypatch):
    import threading

    call, (a, b) = reviewed_call([[5], [4]])
    coordinator = create_user(roles=("coordinator",))
    clients = [_signed_in(app, coordinator), _signed_in(second_app, coordinator)]
    db.session.commit()  # hold no transaction while the requests run
    barrier = threading.Barrier(2)
    original = queries._compute

    def together(call):
        ranked = original(call)
        barrier.wait(timeout=10)  # both have computed before either keeps it
        return ranked

    monkeypatch.setattr(queries, "_compute", together)
    orders = [None, None]
    url, expected = f"/manage/calls/{call.id}/ranking", [a.reference, b.reference]

    def read(n):
        html = clients[n].get(url).get_data(as_text=True)
        orders[n] = re.findall(r'data-reference="([^"]+)"', html)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert orders == [expected] * 2
    db.session.rollback()  # a snapshot of SQLite's from before the requests would not see their rows
    rows = db.session.scalars(sa.select(CallRanking)).all()
    assert [row.fingerprint for row in rows] == [
        shared_ranking.fingerprint_text(queries.ranking_fingerprint(call))]
