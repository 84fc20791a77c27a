"""The ranking is computed once per change of its inputs, and every change of them is seen."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.database import utcnow
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection import publication, queries


def _order(call):
    return [r.application_id for r in queries.ranked_scores(call)]


def test_the_ranking_is_computed_once_while_nothing_changes(db, reviewed_call, computations):
    call, apps = reviewed_call([[5, 4], [3, 3], [2, 5]])
    first = queries.ranked_scores(call)
    assert queries.ranked_scores(call) is first
    assert [r.application_id for r in queries.ranking_table(call)] == [r.application_id for r in first]
    assert len(computations) == 1


def _review_of(db, application, n=0) -> Review:
    return db.session.scalars(sa.select(Review).join(Assignment).where(
        Assignment.application_id == application.id).order_by(Review.id)).all()[n]


@pytest.mark.parametrize("change", ["rescored", "released", "screened_out", "reweighted", "new_review"])
def test_every_change_of_the_inputs_is_seen(db, reviewed_call, create_user, computations, change):
    call, (a, b) = reviewed_call([[5, 5], [4, 4]])
    assert _order(call) == [a.id, b.id]
    criterion = call.criteria[0]
    if change == "rescored":  # the reviews service saves this way: new scores, version + 1
        for n in (0, 1):
            review = _review_of(db, a, n)
            review.scores, review.version, review.updated_at = {str(criterion.id): 1}, review.version + 1, utcnow()
    elif change == "released":
        for n in (0, 1):
            _review_of(db, a, n).assignment.state = AssignmentState.released
    elif change == "screened_out":
        from portal.applications.services import screen_out

        screen_out(a, actor=create_user(roles=("coordinator",)), reason="x", now=utcnow())
    elif change == "reweighted":
        criterion.weight = Decimal("2")
    elif change == "new_review":
        reviewer = create_user(roles=("reviewer",), administration="PL")
        db.session.add(Assignment(application=b, reviewer=reviewer, state=AssignmentState.active,
                                  review=Review(scores={str(criterion.id): 5}, submitted_at=utcnow())))
    db.session.commit()
    assert len(computations) == 1
    changed = queries.ranked_scores(call)
    assert len(computations) == 2
    if change in ("rescored", "released", "screened_out"):
        assert [r.application_id for r in changed] == [b.id] + ([a.id] if change != "screened_out" else [])
    if change == "new_review":
        assert next(r for r in changed if r.application_id == b.id).score.review_count == 3


def test_the_table_sees_every_decision_change(db, reviewed_call, create_user, computations):
    from portal.selection import services
    from portal.selection.models import Outcome

    call, (a, b, c) = reviewed_call([[5], [4], [3]], places=1)
    coordinator = create_user(roles=("coordinator",))
    assert [r.decision for r in queries.ranking_table(call)] == [None, None, None]
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    db.session.commit()
    table = queries.ranking_table(call)
    assert [(r.decision.outcome, r.decision.waitlist_position) for r in table] == [
        (Outcome.accepted, None), (Outcome.waitlisted, 1), (Outcome.waitlisted, 2)]
    services.decide(c, outcome=Outcome.waitlisted, note="", actor=coordinator, now=utcnow(), waitlist_position=1)
    db.session.commit()
    assert [r.decision.waitlist_position for r in queries.ranking_table(call)] == [None, 2, 1]
    assert queries.ranking_table(call) is queries.ranking_table(call)
    assert len(computations) == 1  # decisions never recompute the scores


def test_a_review_saved_through_the_service_is_seen_and_a_draft_is_not(db, reviewed_call, create_user, computations):
    """The review service writes with a bulk UPDATE, which the session's listener does not see."""
    from portal.reviews.services import save_review
    from portal.stamps import read_stamps

    call, (a, b) = reviewed_call([[5, 5], [4, 4]])
    assert _order(call) == [a.id, b.id]
    criterion = call.criteria[0]
    reviewer = create_user(roles=("reviewer",), administration="PL")
    assignment = Assignment(application=b, reviewer=reviewer, state=AssignmentState.active)
    db.session.add(assignment)
    db.session.commit()
    stamps = read_stamps(call.id)
    save_review(assignment, scores={str(criterion.id): 1}, comments="", recommendation=None, confidence=None,
                expected_version=0, submit=False, now=utcnow())
    db.session.commit()
    assert read_stamps(call.id) == stamps  # a draft does not count, so nothing is computed again
    _order(call)
    computed = len(computations)
    review = _review_of(db, b, 2)
    save_review(assignment, scores={str(criterion.id): 5}, comments="Strong", recommendation="support",
                confidence=4, expected_version=review.version, submit=True, now=utcnow())
    db.session.commit()
    changed = queries.ranked_scores(call)
    assert len(computations) == computed + 1
    assert next(r for r in changed if r.application_id == b.id).score.review_count == 3
    review = _review_of(db, b, 2)  # rescoring a submitted review is seen too
    save_review(assignment, scores={str(criterion.id): 1}, comments="Weak after all", recommendation="oppose",
                confidence=4, expected_version=review.version, submit=True, now=utcnow())
    db.session.commit()
    queries.ranked_scores(call)
    assert len(computations) == computed + 2


def test_a_submission_through_the_service_is_seen(db, create_call, create_application, create_user, computations):
    from portal.stamps import read_stamps

    call = create_call()
    before = read_stamps(call.id)
    assert queries.ranked_scores(call) == []
    draft = create_application(call=call, applicant=create_user(), complete=True)
    db.session.commit()
    assert read_stamps(call.id) == before  # a draft is not in the pool
    create_application(call=call, applicant=create_user(), complete=True, submit=True)
    db.session.commit()
    assert read_stamps(call.id)[0] == before[0] + 1
    assert [r.application_id for r in queries.ranked_scores(call)] != [] and draft.id not in [
        r.application_id for r in queries.ranked_scores(call)]
    assert len(computations) == 2


def test_a_decision_moves_only_the_decisions_counter(db, reviewed_call, create_user):
    from portal.selection import services
    from portal.selection.models import Outcome
    from portal.stamps import read_stamps

    call, (a, _b) = reviewed_call([[5], [4]])
    inputs, decisions = read_stamps(call.id)
    services.decide(a, outcome=Outcome.accepted, note="", actor=create_user(roles=("coordinator",)), now=utcnow())
    db.session.commit()
    after = read_stamps(call.id)
    assert after[0] == inputs and after[1] > decisions


def test_an_answer_to_an_offer_is_seen_by_the_table(db, reviewed_call, create_user, computations):
    from portal.selection import services
    from portal.selection.models import OfferState
    from portal.stamps import read_stamps

    call, (a, b) = reviewed_call([[5], [4]], places=1)
    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    assert [(r.offer.state if r.offer else None, r.holds_place) for r in queries.ranking_table(call)] == [
        (OfferState.pending, True), (None, False)]
    stamps = read_stamps(call.id)
    services.respond_to_offer(a.offer, accept=True, actor=a.applicant, now=utcnow())
    db.session.commit()
    assert read_stamps(call.id) == (stamps[0], stamps[1] + 1)  # the scores are not computed again
    assert [(r.offer.state if r.offer else None, r.holds_place) for r in queries.ranking_table(call)] == [
        (OfferState.accepted, True), (None, False)]
