"""One reviewer saving the first draft of a review from two windows at the same moment (see
tests/races.py): the second window is told that the review changed, as on a stale page."""

import sqlalchemy as sa

from portal.reviews import services
from portal.reviews.models import Review
from tests.races import post_at_once, signed_in_client

STALE = "This review was changed in another window after you opened it"


def test_first_draft_saved_from_two_windows_at_once_the_second_is_told_it_was_stale(
        app, db, monkeypatch, assigned):
    assignment = assigned()
    field = f"score_{assignment.application.call.criteria[0].id}"
    url = f"/reviews/{assignment.id}"
    windows = [signed_in_client(app, assignment.reviewer) for _ in range(2)]
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run
    responses = post_at_once(monkeypatch, services, "save_review", [
        (windows[0], url, {"version": "0", field: "4", "comments": "First window", "save": "1"}),
        (windows[1], url, {"version": "0", field: "2", "comments": "Second window", "save": "1"})])
    assert sorted(r.status_code for r in responses) == [200, 302]
    stale = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert STALE in stale
    saved = "First window" if responses[0].status_code == 302 else "Second window"
    db.session.expire_all()
    assert db.session.scalars(sa.select(Review.comments)).all() == [saved]
