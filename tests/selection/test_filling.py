"""Filling places: a hand-worked call with a per-administration cap, offers after declines, and
invariants on random rankings."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.selection.filling import Candidate, FillResult, fill_places, next_offer

# Rank order. Three Azerbaijani applicants at the top; X is not eligible (screened out).
RANKED = [Candidate("A", "AZ"), Candidate("B", "AZ"), Candidate("C", "AZ"), Candidate("X", "GE", eligible=False),
          Candidate("D", "GE"), Candidate("E", "AZ"), Candidate("F", "UA"), Candidate("G", "GE"),
          Candidate("H", "KZ")]
BY_ID = {c.application_id: c for c in RANKED}


def candidates(ids):
    return [BY_ID[i] for i in ids]


def held(ids):
    return Counter(BY_ID[i].administration for i in ids)


def test_fill_places_cap_one_with_one_administration_at_the_top():
    # A accepted (AZ 1); B, C passed over (AZ at cap); X not eligible; D accepted (GE 1);
    # E passed over (AZ); F accepted (UA 1): 3 places full. G, H wait without being passed over.
    assert fill_places(RANKED, 3, 1) == FillResult(accepted=["A", "D", "F"], waitlist=["B", "C", "E", "G", "H"],
                                                   not_selected=["X"], skipped_for_cap=["B", "C", "E"])


def test_offers_after_two_declines_in_a_row_skip_capped_administrations():
    result = fill_places(RANKED, 3, 1)
    accepted, waitlist = list(result.accepted), list(result.waitlist)
    # D (GE) declines: AZ 1, UA 1 held; B, C, E are AZ (at cap), G is GE (free) -> G
    accepted.remove("D")
    assert next_offer(candidates(waitlist), held(accepted), 1) == "G"
    accepted.append("G")
    waitlist.remove("G")
    # G declines too: B, C, E still capped -> H (KZ)
    accepted.remove("G")
    assert next_offer(candidates(waitlist), held(accepted), 1) == "H"
    accepted.append("H")
    waitlist.remove("H")
    # A (AZ) declines: AZ is free again and B is first on the list
    accepted.remove("A")
    assert next_offer(candidates(waitlist), held(accepted), 1) == "B"


def test_next_offer_none_when_every_waiting_administration_is_at_cap():
    assert next_offer(candidates(["C", "E"]), {"AZ": 1}, 1) is None
    assert next_offer([], {}, None) is None


def test_next_offer_without_cap_is_the_first_eligible_on_the_list():
    assert next_offer(candidates(["X", "C", "E"]), {"AZ": 5}, None) == "C"


def test_fill_places_short_waitlist_sends_the_rest_to_not_selected_in_rank_order():
    result = fill_places(RANKED, 3, 1, waitlist_length=2)
    assert (result.waitlist, result.not_selected) == (["B", "C"], ["X", "E", "G", "H"])
    assert result.skipped_for_cap == ["B", "C", "E"]


def test_fill_places_without_cap_takes_the_top_of_the_ranking():
    assert fill_places(RANKED, 3) == FillResult(["A", "B", "C"], ["D", "E", "F", "G", "H"], ["X"], [])


def test_fill_places_more_places_than_the_cap_allows_leaves_places_empty():
    # cap 1 over AZ, GE, UA, KZ: at most 4 fellows whatever the number of places
    result = fill_places(RANKED, 20, 1)
    assert (result.accepted, result.waitlist, result.skipped_for_cap) == (
        ["A", "D", "F", "H"], ["B", "C", "E", "G"], ["B", "C", "E", "G"])


def test_fill_places_zero_places_waitlists_every_eligible_applicant():
    assert fill_places(RANKED, 0, 1) == FillResult([], ["A", "B", "C", "D", "E", "F", "G", "H"], ["X"], [])


@pytest.mark.parametrize(("places", "cap", "waitlist_length", "ranked"), [
    (-1, None, None, RANKED), (3, 0, None, RANKED), (3, None, -1, RANKED), (3, None, None, RANKED + RANKED[:1]),
])
def test_fill_places_invalid_input_raises(places, cap, waitlist_length, ranked):
    with pytest.raises(ValueError):
        fill_places(ranked, places, cap, waitlist_length=waitlist_length)


# --- invariants on random rankings -------------------------------------------------------------

rankings = st.lists(st.tuples(st.sampled_from(["AZ", "GE", "UA", "KZ"]), st.booleans()), max_size=15).map(
    lambda rows: [Candidate(i, administration, eligible) for i, (administration, eligible) in enumerate(rows)])
caps = st.none() | st.integers(1, 3)
lengths = st.none() | st.integers(0, 8)


@given(rankings, st.integers(0, 10), caps, lengths)
def test_fill_places_invariants(ranked, places, cap, waitlist_length):
    result = fill_places(ranked, places, cap, waitlist_length=waitlist_length)
    position = {c.application_id: i for i, c in enumerate(ranked)}
    eligible = [c for c in ranked if c.eligible]
    counts = held_by(ranked, result.accepted)
    assert len(result.accepted) <= places
    assert cap is None or all(n <= cap for n in counts.values())
    assert {c.application_id for c in eligible} >= set(result.accepted) | set(result.waitlist)
    for group in (result.accepted, result.waitlist, result.not_selected, result.skipped_for_cap):
        assert group == sorted(group, key=position.__getitem__)
    every = result.accepted + result.waitlist + result.not_selected
    assert sorted(every) == sorted(position)  # a partition: each input exactly once
    allowed = sum(min(cap or n, n) for n in Counter(c.administration for c in eligible).values())
    assert len(result.accepted) == min(places, allowed)  # all places filled whenever the cap allows
    assert set(result.skipped_for_cap) <= set(result.waitlist) | set(result.not_selected)
    assert all(counts[candidate_of(ranked, i).administration] == cap for i in result.skipped_for_cap)


@given(rankings, st.integers(0, 10), caps)
def test_fill_places_default_waitlist_holds_every_eligible_applicant_not_accepted(ranked, places, cap):
    result = fill_places(ranked, places, cap)
    assert result.not_selected == [c.application_id for c in ranked if not c.eligible]
    assert result.waitlist == [c.application_id for c in ranked
                               if c.eligible and c.application_id not in result.accepted]
    if len(result.accepted) < places:  # nobody left whom the cap allows
        assert next_offer(waiting(ranked, result), held_by(ranked, result.accepted), cap) is None


@given(rankings, st.integers(1, 10), caps, st.data())
def test_next_offer_after_a_decline_respects_the_cap_and_the_ranking(ranked, places, cap, data):
    result = fill_places(ranked, places, cap)
    if not result.accepted:
        return
    accepted = list(result.accepted)
    accepted.remove(data.draw(st.sampled_from(accepted)))
    offer = next_offer(waiting(ranked, result), held_by(ranked, accepted), cap)
    allowed = [i for i in result.waitlist
               if cap is None or held_by(ranked, accepted)[candidate_of(ranked, i).administration] < cap]
    assert offer == (allowed[0] if allowed else None)
    if offer is not None:
        assert cap is None or max(held_by(ranked, [*accepted, offer]).values()) <= cap


def candidate_of(ranked, application_id):
    return next(c for c in ranked if c.application_id == application_id)


def held_by(ranked, ids):
    return Counter(candidate_of(ranked, i).administration for i in ids)


def waiting(ranked, result):
    return [candidate_of(ranked, i) for i in result.waitlist]
