"""Ranking: hand-worked calls with the arithmetic in comments, then properties on random calls.

Points: a score s on a scale lo..hi is 100 * (s - lo) / (hi - lo) points; on 1–5 that is
1 -> 0, 2 -> 25, 3 -> 50, 4 -> 75, 5 -> 100.
"""

import math
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portal.selection.ranking import (
    DISAGREEMENT_RANGE,
    NORMALIZED_DECIMALS,
    TIE_BREAKERS,
    ApplicationEntry,
    CriterionSpec,
    ReviewScores,
    points_to_scale,
    rank_applications,
    score_applications,
    weighted_total,
)

ONE_TO_FIVE = [CriterionSpec("q", 1, 1, 5)]
PERCENT = [CriterionSpec("q", 1, 0, 100)]  # score = points, to place totals exactly


def reviews_of(marks, criteria=ONE_TO_FIVE):
    """{(application, reviewer): score} -> single-criterion reviews."""
    return [ReviewScores(app, reviewer, {criteria[0].id: s}) for (app, reviewer), s in marks.items()]


def entries(*ids, expected=2):
    return [ApplicationEntry(i, expected) for i in ids]


def scored(marks, *ids, criteria=ONE_TO_FIVE, expected=2):
    return score_applications(entries(*ids, expected=expected), reviews=reviews_of(marks, criteria),
                              criteria=criteria)


def ranked_ids(ranking):
    return [r.application_id for r in ranking]


# --- weighted totals ---------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [(3, 1), (Decimal("0.75"), Decimal("0.25")), (1.5, 0.5)])
def test_weighted_total_unequal_weights_and_scales(weights):
    criteria = [CriterionSpec("fit", weights[0], 1, 5), CriterionSpec("project", weights[1], 0, 10)]
    # fit 4 on 1..5 = 75 points; project 2 on 0..10 = 20 points; (3*75 + 1*20) / (3+1) = 245/4
    assert weighted_total({"fit": 4, "project": 2}, criteria) == Fraction(245, 4)


def test_weighted_total_on_a_shared_scale_maps_back_to_that_scale():
    criteria = [CriterionSpec("a", 2, 1, 5), CriterionSpec("b", 1, 1, 5)]
    # (2*75 + 1*25) / 3 = 175/3 points; on 1..5: 1 + 4 * (175/3) / 100 = 10/3 = (2*4 + 1*2) / 3
    total = weighted_total({"a": 4, "b": 2}, criteria)
    assert total == Fraction(175, 3)
    assert points_to_scale(total, 1, 5) == Fraction(10, 3)


@pytest.mark.parametrize("scores", [{"a": 4}, {"a": 4, "b": 2, "c": 1}, {"a": 6, "b": 2}, {"a": 0, "b": 2},
                                    {"a": 4.0, "b": 2}, {"a": True, "b": 2}])
def test_weighted_total_incomplete_or_invalid_scores_raise(scores):
    criteria = [CriterionSpec("a", 1, 1, 5), CriterionSpec("b", 1, 1, 5)]
    with pytest.raises(ValueError):
        weighted_total(scores, criteria)


@pytest.mark.parametrize("criteria", [
    [CriterionSpec("a", 0, 1, 5)],  # weights add up to 0
    [CriterionSpec("a", -1, 1, 5), CriterionSpec("b", 2, 1, 5)],
    [CriterionSpec("a", 1, 5, 5)],  # empty scale
    [CriterionSpec("a", 1, 1, 5), CriterionSpec("a", 1, 1, 5)],
])
def test_weighted_total_invalid_criteria_raise(criteria):
    with pytest.raises(ValueError):
        weighted_total({"a": 3, "b": 3}, criteria)


def test_score_applications_review_of_unlisted_application_or_repeated_reviewer_raises():
    with pytest.raises(ValueError):
        scored({(1, 10): 3, (2, 10): 3}, 1)
    with pytest.raises(ValueError):
        score_applications(entries(1), reviews=reviews_of({(1, 10): 3}) * 2, criteria=ONE_TO_FIVE)


# --- normalization -----------------------------------------------------------------------------

HARSH, GENEROUS = 10, 20


def test_normalization_harsh_and_generous_reviewer_of_the_same_applications_count_alike():
    # harsh:    A 2, B 1, C 3 -> 25, 0, 50;  mean 25, sd sqrt((0 + 625 + 625) / 3) = sqrt(1250/3)
    # generous: A 4, B 3, C 5 -> 75, 50, 100; mean 75, same sd
    # z for both reviewers: A 0, B -25 / sqrt(1250/3) = -sqrt(3/2), C +sqrt(3/2)
    # all six totals: M = 300/6 = 50; S^2 = (625 + 2500 + 0 + 625 + 0 + 2500) / 6 = 6250/6
    # S * sqrt(3/2) = sqrt(6250/6 * 3/2) = sqrt(1562.5) ~ 39.53
    marks = {("A", HARSH): 2, ("B", HARSH): 1, ("C", HARSH): 3,
             ("A", GENEROUS): 4, ("B", GENEROUS): 3, ("C", GENEROUS): 5}
    scores = scored(marks, "A", "B", "C")
    step = math.sqrt(1562.5)
    expected = {"A": 50.0, "B": 50 - step, "C": 50 + step}
    raw = {"A": (25, 75), "B": (0, 50), "C": (50, 100)}
    for app, value in expected.items():
        score = scores[app]
        assert score.totals == dict(zip((HARSH, GENEROUS), raw[app], strict=True))
        assert score.normalized_totals[HARSH] == pytest.approx(value, abs=1e-9)
        assert score.normalized_totals[GENEROUS] == pytest.approx(value, abs=1e-9)
        assert score.normalized == pytest.approx(value, abs=1e-9)
        assert score.std_dev == 25.0  # totals 50 points apart
        assert score.neutral_reviewers == frozenset()
    assert {app: s.raw_mean for app, s in scores.items()} == {"A": 50, "B": 25, "C": 75}
    # The raw totals are 50 points apart, so each application is flagged although the
    # reviewers agree on the order (documented: the flag reads the raw totals).
    assert all(s.disagreement for s in scores.values())


def test_normalization_stops_a_generous_reviewers_worst_outranking_a_harsh_reviewers_best():
    # harsh reviews A 2, B 1 -> 25, 0: mean 12.5, sd 12.5, z A +1, B -1
    # generous reviews C 5, D 4 -> 100, 75: mean 87.5, sd 12.5, z C +1, D -1
    # M = 200/4 = 50; S^2 = (625 + 2500 + 2500 + 625) / 4 = 1562.5
    # normalized A = C = 50 + sqrt(1562.5) ~ 89.53, B = D = 50 - sqrt(1562.5) ~ 10.47
    marks = {("A", HARSH): 2, ("B", HARSH): 1, ("C", GENEROUS): 5, ("D", GENEROUS): 4}
    ranking = rank_applications(entries("A", "B", "C", "D"), reviews=reviews_of(marks), criteria=ONE_TO_FIVE)
    by_id = {r.application_id: r.score for r in ranking}
    assert by_id["A"].normalized == by_id["C"].normalized == pytest.approx(50 + math.sqrt(1562.5))
    assert by_id["B"].normalized == by_id["D"].normalized == pytest.approx(50 - math.sqrt(1562.5))
    # raw means alone would give C 100, D 75, A 25, B 0; A and C tie and the raw mean decides
    assert ranked_ids(ranking) == ["C", "A", "D", "B"]
    assert [r.decided_by for r in ranking] == [None, "raw_mean", "normalized", "raw_mean"]


def test_normalization_reviewer_with_a_single_review_is_neutral():
    # R1: A 2, B 4 -> 25, 75: z -1, +1.  R2 only reviews A: 5 -> 100, neutral (z = 0).
    # totals 25, 75, 100: M = 200/3; deviations -125/3, 25/3, 100/3; S^2 = 26250/27
    # A = M + S * (-1 + 0) / 2 ~ 66.67 - 15.59 = 51.08;  B = M + S ~ 97.85
    scores = scored({("A", 1): 2, ("B", 1): 4, ("A", 2): 5}, "A", "B")
    m, s = 200 / 3, math.sqrt(26250 / 27)
    assert scores["A"].normalized_totals == {1: pytest.approx(m - s), 2: pytest.approx(m)}
    assert scores["A"].normalized == pytest.approx(m - s / 2)
    assert scores["B"].normalized == pytest.approx(m + s)
    assert scores["A"].neutral_reviewers == frozenset({2})
    assert scores["B"].neutral_reviewers == frozenset()


def test_normalization_reviewer_with_equal_totals_is_neutral():
    # R1: A 2, B 4 -> 25, 75: z -1, +1.  R3: A 3, B 3 -> 50, 50: no spread, neutral.
    # totals 25, 75, 50, 50: M = 50, S^2 = (625 + 625) / 4 = 312.5
    # A = 50 + S * (-1 + 0) / 2 ~ 41.16;  B = 50 + S / 2 ~ 58.84
    scores = scored({("A", 1): 2, ("B", 1): 4, ("A", 3): 3, ("B", 3): 3}, "A", "B")
    half = math.sqrt(312.5) / 2
    assert scores["A"].normalized == pytest.approx(50 - half)
    assert scores["B"].normalized == pytest.approx(50 + half)
    assert scores["A"].normalized_totals[3] == scores["B"].normalized_totals[3] == 50.0
    assert scores["A"].neutral_reviewers == scores["B"].neutral_reviewers == frozenset({3})


def test_application_without_reviews_has_no_score_is_flagged_and_ranks_last():
    ranking = rank_applications(entries("A", "Z"), reviews=reviews_of({("A", 1): 1}), criteria=ONE_TO_FIVE)
    assert ranked_ids(ranking) == ["A", "Z"]
    empty = ranking[1].score
    assert (empty.review_count, empty.raw_mean, empty.normalized, empty.std_dev, empty.score_range) == (
        0, None, None, None, None)
    assert (empty.missing_reviews, empty.disagreement) == (True, False)
    assert ranking[1].decided_by == "normalized"


# --- flags -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("marks", "criteria", "flagged"), [
    ({1: 20, 2: 60}, PERCENT, True),  # range exactly 40
    ({1: 20, 2: 59}, PERCENT, False),  # range 39
    ({1: 50, 2: 70, 3: 90}, PERCENT, True),  # range max - min = 40; sd 16.3 plays no part
    ({1: 50, 2: 70, 3: 89}, PERCENT, False),  # range 39
    ({1: 0}, PERCENT, False),  # one review has no disagreement
    ({1: 2, 2: 4}, ONE_TO_FIVE, True),  # 25 vs 75 points: range 50
    ({1: 2, 2: 3}, ONE_TO_FIVE, False),  # 25 vs 50 points: range 25
])
def test_disagreement_flag_at_range_threshold(marks, criteria, flagged):
    score = scored({("A", r): s for r, s in marks.items()}, "A", criteria=criteria)["A"]
    assert DISAGREEMENT_RANGE == 40
    assert score.disagreement is flagged


def test_disagreement_with_weights_on_both_sides_of_threshold():
    criteria = [CriterionSpec("a", 3, 1, 5), CriterionSpec("b", 1, 1, 5)]
    reviews = [ReviewScores("A", 1, {"a": 3, "b": 3}),  # 50
               ReviewScores("A", 2, {"a": 5, "b": 2}),  # (3*100 + 25) / 4 = 81.25: range 31.25
               ReviewScores("B", 1, {"a": 3, "b": 1}),  # (3*50 + 0) / 4 = 37.5
               ReviewScores("B", 2, {"a": 4, "b": 5})]  # (3*75 + 100) / 4 = 81.25: range 43.75
    scores = score_applications(entries("A", "B"), reviews=reviews, criteria=criteria)
    assert (scores["A"].score_range, scores["A"].disagreement) == (Fraction(125, 4), False)
    assert (scores["B"].score_range, scores["B"].disagreement) == (Fraction(175, 4), True)


@pytest.mark.parametrize(("received", "expected", "missing"), [(2, 3, True), (2, 2, False), (2, 1, False),
                                                               (0, 2, True), (0, 0, True)])
def test_missing_reviews_flag(received, expected, missing):
    marks = {("A", r): 3 for r in range(received)} | {("B", 99): 3}
    scores = scored(marks, "A", "B", expected=expected)
    assert scores["A"].review_count == received
    assert scores["A"].missing_reviews is missing


# --- ranking order -----------------------------------------------------------------------------

def test_tie_breaking_follows_the_stated_keys_in_order():
    # Every reviewer reviews once, so every review is neutral and every normalized score is
    # the overall mean: the tie-breakers decide everything.
    early, late = datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 10, tzinfo=UTC)
    applications = [ApplicationEntry(6, 1, None), ApplicationEntry(5, 1, late), ApplicationEntry(7, 1, early),
                    ApplicationEntry(4, 1, late), ApplicationEntry(3, 1, early), ApplicationEntry(2, 2, late),
                    ApplicationEntry(1, 1, late)]
    marks = {(1, 11): 4,  # raw 75
             (2, 21): 3, (2, 22): 3,  # raw 50, two reviews
             (3, 31): 3,  # raw 50, one review, early
             (4, 41): 3, (5, 51): 3,  # raw 50, one review, late: id decides
             (6, 61): 3}  # raw 50, one review, no known submission time
    # application 7 has no review
    ranking = rank_applications(applications, reviews=reviews_of(marks), criteria=ONE_TO_FIVE)
    assert ranked_ids(ranking) == [1, 2, 3, 4, 5, 6, 7]
    assert [r.rank for r in ranking] == [1, 2, 3, 4, 5, 6, 7]
    assert [r.decided_by for r in ranking] == [None, "raw_mean", "review_count", "submitted_at",
                                               "application_id", "submitted_at", "normalized"]
    assert len({r.score.normalized for r in ranking[:6]}) == 1


def test_ranking_by_normalized_score_before_raw_mean():
    # One reviewer for all: z alone orders them; A 5, B 4, C 2
    marks = {("A", 1): 5, ("B", 1): 4, ("C", 1): 2}
    ranking = rank_applications(entries("C", "A", "B"), reviews=reviews_of(marks), criteria=ONE_TO_FIVE)
    assert ranked_ids(ranking) == ["A", "B", "C"]
    assert [r.decided_by for r in ranking] == [None, "normalized", "normalized"]


# --- properties --------------------------------------------------------------------------------

TIMES = [None, datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 2, 9, tzinfo=UTC)]


@st.composite
def calls(draw):
    """(applications, reviews, criteria) of a small call with mixed scales and weights."""
    criteria = []
    for i in range(draw(st.integers(1, 3))):
        low, width = draw(st.integers(0, 2)), draw(st.integers(1, 9))
        weight = draw(st.sampled_from([Decimal("0.5"), Decimal("1"), Decimal("1.25"), 2, 3.5]))
        criteria.append(CriterionSpec(i, weight, low, low + width))
    n_applications, n_reviewers = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    pairs = draw(st.lists(st.tuples(st.integers(1, n_applications), st.integers(1, n_reviewers)),
                          unique=True, max_size=14))
    reviews = [ReviewScores(a, r, {c.id: draw(st.integers(c.scale_min, c.scale_max)) for c in criteria})
               for a, r in pairs]
    applications = [ApplicationEntry(a, draw(st.integers(0, 3)), draw(st.sampled_from(TIMES)))
                    for a in range(1, n_applications + 1)]
    return applications, reviews, criteria


def scores_of(applications, reviews, criteria):
    return score_applications(applications, reviews=reviews, criteria=criteria)


@given(calls())
def test_normalized_scores_are_finite(call):
    for score in scores_of(*call).values():
        values = [score.normalized, score.std_dev, *score.normalized_totals.values()]
        assert all(math.isfinite(v) for v in values if v is not None)
        assert (score.normalized is None) is (score.review_count == 0)


@given(calls())
def test_ranking_is_a_permutation_with_ranks_one_to_n(call):
    applications, reviews, criteria = call
    ranking = rank_applications(applications, reviews=reviews, criteria=criteria)
    assert sorted(ranked_ids(ranking)) == sorted(a.id for a in applications)
    assert [r.rank for r in ranking] == list(range(1, len(applications) + 1))
    assert all(r.decided_by in TIE_BREAKERS for r in ranking[1:])
    normalized = [round(r.score.normalized, NORMALIZED_DECIMALS) for r in ranking if r.score.normalized is not None]
    assert normalized == sorted(normalized, reverse=True)
    assert ranked_ids(ranking)[len(normalized):] == [r.application_id for r in ranking if r.score.normalized is None]


@given(calls(), st.data())
def test_shifting_one_reviewers_scores_keeps_the_normalized_order(call, data):
    applications, reviews, criteria = call
    assume(reviews)
    reviewer = data.draw(st.sampled_from(sorted({r.reviewer_id for r in reviews})))
    scales = {c.id: c for c in criteria}
    own = [(scales[k], s) for r in reviews if r.reviewer_id == reviewer for k, s in r.scores.items()]
    shift = data.draw(st.integers(max(c.scale_min - s for c, s in own), min(c.scale_max - s for c, s in own)))
    shifted = [replace(r, scores={k: s + shift for k, s in r.scores.items()}) if r.reviewer_id == reviewer else r
               for r in reviews]
    before, after = scores_of(applications, reviews, criteria), scores_of(applications, shifted, criteria)
    rated = [a for a, s in before.items() if s.normalized is not None]
    for a, b in permutations(rated, 2):
        if before[a].normalized > before[b].normalized:
            assert after[a].normalized >= after[b].normalized
        assert before[a].neutral_reviewers == after[a].neutral_reviewers


@given(calls(), st.data())
def test_raising_a_score_never_lowers_the_raw_mean(call, data):
    applications, reviews, criteria = call
    raisable = [(i, c) for i, r in enumerate(reviews) for c in criteria if r.scores[c.id] < c.scale_max]
    assume(raisable)
    i, criterion = data.draw(st.sampled_from(raisable))
    new = data.draw(st.integers(reviews[i].scores[criterion.id] + 1, criterion.scale_max))
    raised = list(reviews)
    raised[i] = replace(reviews[i], scores=reviews[i].scores | {criterion.id: new})
    before, after = scores_of(applications, reviews, criteria), scores_of(applications, raised, criteria)
    target = reviews[i].application_id
    assert after[target].raw_mean > before[target].raw_mean  # every weight drawn is > 0
    assert {a: s.raw_mean for a, s in after.items() if a != target} == {
        a: s.raw_mean for a, s in before.items() if a != target}


@given(st.lists(st.fractions(min_value=0, max_value=100, max_denominator=60), min_size=1, max_size=40))
def test_the_moments_are_the_statistics_modules(values):
    """The ranking's own mean and standard deviation (integer sums over a common denominator)
    agree with the statistics module's: the mean exactly, the deviation to the last bit or so."""
    import statistics

    from portal.selection.ranking import _mean, _pstdev

    assert _mean(values) == statistics.mean(values)
    assert math.isclose(_pstdev(values), statistics.pstdev(values), rel_tol=1e-15, abs_tol=0)
    assert _pstdev([values[0]] * len(values)) == 0.0
