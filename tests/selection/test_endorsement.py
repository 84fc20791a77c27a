"""The ranking where the call needs endorsement: the administration's priority as the last
tie-breaker about the candidates, the endorsement's state and priority as columns and a filter."""

import re

import pytest

from portal.extensions import db
from portal.selection import queries
from tests.endorsements.office_factories import set_endorsement


@pytest.fixture
def tied_call(reviewed_call):
    """Two applications of Kyrgyzstan with equal scores (one reviewer giving both a 4), the first
    submitted first, in a call needing endorsement."""
    call, applications = reviewed_call([[4], [4]], administrations=["KG", "KG"])
    call.endorsement_required = True
    db.session.commit()
    return call, applications


def _order(call):
    return [row.application_id for row in queries.ranking_table(call)]


def test_equal_scores_are_ordered_by_the_administrations_priority(tied_call):
    call, (first, second) = tied_call
    set_endorsement(first, "endorsed", priority=2)
    set_endorsement(second, "endorsed", priority=1)
    rows = queries.ranking_table(call)
    assert [(r.application_id, r.decided_by) for r in rows] == [(second.id, None),
                                                                 (first.id, "priority")]


def test_without_priorities_the_earlier_submission_breaks_the_tie(tied_call):
    call, (first, second) = tied_call
    rows = queries.ranking_table(call)
    assert [(r.application_id, r.decided_by) for r in rows] == [(first.id, None),
                                                                 (second.id, "submitted_at")]


def test_an_endorsed_candidate_with_a_priority_comes_before_one_declined(tied_call):
    call, (first, second) = tied_call
    set_endorsement(first, "declined")
    set_endorsement(second, "endorsed", priority=1)
    assert _order(call) == [second.id, first.id]


def test_a_call_without_endorsement_ignores_the_priorities(tied_call):
    call, (first, second) = tied_call
    set_endorsement(first, "endorsed", priority=2)
    set_endorsement(second, "endorsed", priority=1)
    call.endorsement_required = False
    db.session.commit()
    assert _order(call) == [first.id, second.id]


def test_a_change_of_priority_is_seen_by_the_kept_ranking(tied_call):
    call, (first, second) = tied_call
    first_endorsement = set_endorsement(first, "endorsed", priority=1)
    set_endorsement(second, "endorsed", priority=2)
    assert _order(call) == [first.id, second.id]
    first_endorsement.priority = 3
    db.session.commit()
    assert _order(call) == [second.id, first.id]
    assert [r.endorsement.priority for r in queries.ranking_table(call)] == [2, 3]


def test_ranking_page_shows_states_priorities_the_rule_and_filters(
        client, login_as, create_user, tied_call, reviewed_call):
    call, (first, second) = tied_call
    set_endorsement(first, "declined")
    set_endorsement(second, "endorsed", priority=1)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert re.findall(r'data-endorsement="(\w+)">([^<]+)</td>\s*<td class="text-end" data-priority>'
                      r'(\d*)</td>', html) == [("endorsed", "Endorsed", "1"),
                                              ("declined", "Endorsement declined", "")]
    assert "then by the administration's priority" in html
    assert "tie broken by the administration&#39;s priority" in html
    declined = client.get(f"/manage/calls/{call.id}/ranking?endorsement=declined")
    assert re.findall(r'<tr id="a(\d+)"', declined.get_data(as_text=True)) == [str(first.id)]
    other, _applications = reviewed_call([[4], [4]])
    plain = client.get(f"/manage/calls/{other.id}/ranking").get_data(as_text=True)
    assert ("data-endorsement" in plain, "administration's priority" in plain) == (False, False)
