"""The reviewer-assignment solver, on hand-worked calls, a generated call and random small ones.

Results are checked, not trusted: `check_assignment` re-checks every hard rule with plain sets, and
the property test below searches the residual network itself for a larger flow or a better balance.
"""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.assignment import generate_call
from portal.reviews.assignment import (
    AssignmentApplication,
    AssignmentResult,
    AssignmentReviewer,
    LanguageSupply,
    ProposedAssignment,
    Reason,
    ReasonCode,
    Shortfall,
    ShortfallCause,
    check_assignment,
    load_spread,
    solve,
)


def application(id, language="en", administrations=("AT",), needed=1, existing=(), expertise=()):
    return AssignmentApplication(id, language, frozenset(administrations), needed,
                                 frozenset(existing), frozenset(expertise))


def reviewer(id, administration="FR", languages=("en",), capacity=5, current_load=0, expertise=()):
    return AssignmentReviewer(id, administration, frozenset(languages), capacity, current_load,
                              frozenset(expertise))


def solved(applications, reviewers, conflicts=()) -> AssignmentResult:
    result = solve(applications, reviewers, conflicts)
    assert check_assignment(applications, reviewers, conflicts, result) == []
    return result


def pairs(result) -> list[tuple[int, int]]:
    return [(p.application_id, p.reviewer_id) for p in result.pairs]


def new_loads(result) -> dict[int, int]:
    return dict(Counter(p.reviewer_id for p in result.pairs))


# --- Hard rules ------------------------------------------------------------------------------

def test_reviewer_from_the_applicants_administration_is_never_assigned():
    # The application is from AT, the applicant's profile says DE: the idle DE reviewer is out.
    applications = [application(1, administrations=("AT", "DE"))]
    reviewers = [reviewer(10, administration="DE"), reviewer(11, administration="FR", current_load=4)]
    assert pairs(solved(applications, reviewers)) == [(1, 11)]


def test_reviewer_without_an_administration_may_review_anyone():
    assert pairs(solved([application(1)], [reviewer(10, administration=None)])) == [(1, 10)]


def test_reviewer_must_read_the_language():
    applications = [application(1, language="ru")]
    reviewers = [reviewer(10, languages=("en",)), reviewer(11, languages=("en", "ru"), current_load=4)]
    assert pairs(solved(applications, reviewers)) == [(1, 11)]


def test_declared_conflict_is_respected():
    applications = [application(1)]
    reviewers = [reviewer(10), reviewer(11, current_load=4)]
    assert pairs(solved(applications, reviewers, {(1, 10)})) == [(1, 11)]


def test_existing_reviewer_is_kept_and_not_proposed_again():
    applications = [application(1, needed=1, existing=(10,))]
    reviewers = [reviewer(10, current_load=1), reviewer(11, current_load=3)]
    assert pairs(solved(applications, reviewers)) == [(1, 11)]


def test_application_gets_exactly_the_reviewers_it_needs():
    applications = [application(1, needed=2)]
    reviewers = [reviewer(10), reviewer(11), reviewer(12)]
    assert len(solved(applications, reviewers).pairs) == 2


def test_reviewer_capacity_is_respected_and_the_rest_is_a_capacity_shortfall():
    applications = [application(i) for i in range(1, 6)]
    result = solved(applications, [reviewer(10, capacity=2)])
    unserved = tuple(sorted({1, 2, 3, 4, 5} - {app for app, _ in pairs(result)}))
    assert (new_loads(result), len(unserved)) == ({10: 2}, 3)
    assert result.shortfalls == [Shortfall("en", ShortfallCause.capacity_exhausted, 3, 3, unserved)]


def test_invalid_input_is_refused():
    with pytest.raises(ValueError, match="duplicate application ids"):
        solve([application(1), application(1)], [reviewer(10)])
    with pytest.raises(ValueError, match="negative"):
        solve([application(1, needed=-1)], [reviewer(10)])


# --- Goals: balance, then expertise ------------------------------------------------------------

def test_loads_are_balanced_counting_current_load():
    applications = [application(i) for i in range(1, 7)]
    reviewers = [reviewer(10, current_load=0), reviewer(11, current_load=1), reviewer(12, current_load=2)]
    assert new_loads(solved(applications, reviewers)) == {10: 3, 11: 2, 12: 1}


def test_expertise_is_preferred_when_loads_tie():
    applications = [application(1, expertise=("risk", "valuation"))]
    reviewers = [reviewer(10), reviewer(11, expertise=("risk",)), reviewer(12, expertise=("origin",))]
    assert pairs(solved(applications, reviewers)) == [(1, 11)]


def test_expertise_never_outweighs_balance():
    applications = [application(1, expertise=("risk", "valuation", "origin"))]
    reviewers = [reviewer(10, current_load=1, expertise=("risk", "valuation", "origin")), reviewer(11)]
    assert pairs(solved(applications, reviewers)) == [(1, 11)]


def test_reasons_are_codes_with_data():
    applications = [application(1, language="ru", expertise=("valuation", "risk"))]
    reviewers = [reviewer(10, administration="DE", languages=("ru",), capacity=4, current_load=2,
                          expertise=("risk", "valuation", "it systems"))]
    assert solved(applications, reviewers).pairs == [ProposedAssignment(1, 10, [
        Reason(ReasonCode.reads_language, "ru"),
        Reason(ReasonCode.other_administration, "DE"),
        Reason(ReasonCode.no_conflict, None),
        Reason(ReasonCode.load, (3, 6)),
        Reason(ReasonCode.expertise, ("risk", "valuation")),
    ])]


def test_reason_as_json_has_lists_not_tuples():
    assert Reason(ReasonCode.load, (3, 6)).to_json() == {"code": "load", "value": [3, 6]}


# --- Shortfalls ----------------------------------------------------------------------------------

def test_shortfall_when_there_are_too_few_russian_readers():
    applications = [application(i, language="ru", needed=2) for i in (1, 2, 3, 4)]
    applications.append(application(5, language="en", needed=2))
    reviewers = [reviewer(10, languages=("en", "ru"), capacity=10), reviewer(11), reviewer(12)]
    result = solved(applications, reviewers)
    assert len(result.pairs) == 6
    assert result.shortfalls == [
        Shortfall("ru", ShortfallCause.no_eligible_reviewer, 4, 4, (1, 2, 3, 4))]
    assert result.languages == [LanguageSupply("en", 1, 2, 2, readers=3, reader_capacity=20),
                                LanguageSupply("ru", 4, 8, 4, readers=1, reader_capacity=10)]


def test_shortfall_when_russian_readers_reach_their_limits():
    applications = [application(i, language="ru", needed=2) for i in (1, 2, 3)]
    reviewers = [reviewer(10, languages=("ru",), capacity=2), reviewer(11, languages=("ru",), capacity=2)]
    result = solved(applications, reviewers)
    assert result.shortfalls == [Shortfall("ru", ShortfallCause.capacity_exhausted, 1, 2, (3,))]


def test_shortfall_of_one_application_is_split_between_its_causes():
    # Needs 3, two reviewers are eligible, one of them is full: one review missing for each cause.
    applications = [application(1, needed=3)]
    reviewers = [reviewer(10), reviewer(11, capacity=0), reviewer(12, administration="AT")]
    result = solved(applications, reviewers)
    assert (pairs(result), result.shortfalls) == ([(1, 10)], [
        Shortfall("en", ShortfallCause.capacity_exhausted, 1, 1, (1,)),
        Shortfall("en", ShortfallCause.no_eligible_reviewer, 1, 1, (1,))])


def test_check_assignment_reports_every_broken_rule():
    applications = [application(1, administrations=("DE",), existing=(11,)), application(2, "ru")]
    reviewers = [reviewer(10, administration="DE", capacity=1), reviewer(11)]
    broken = AssignmentResult(pairs=[ProposedAssignment(1, 10), ProposedAssignment(1, 10),
                                     ProposedAssignment(1, 11), ProposedAssignment(2, 10)],
                              shortfalls=[])
    assert check_assignment(applications, reviewers, {(2, 10)}, broken) == [
        "pair (1, 10) proposed 2 times",
        "pair (1, 10): reviewer belongs to the applicant's administration",
        "pair (1, 11): reviewer already reviews it",
        "pair (2, 10): reviewer does not read the language",
        "pair (2, 10): declared conflict of interest",
        "application 1 gets 3 > needed 1",
        "reviewer 10 gets 3 > capacity 1",
        "shortfalls report 0 missing reviews, -2 are missing",
    ]


# --- A generated call of the size ----------------------------------------------------------

def test_generated_call_of_2000_applications_is_fully_assigned_and_balanced():
    applications, reviewers, conflicts = generate_call(2_000, 150, seed=2026)
    russian = sum(a.language == "ru" for a in applications) / len(applications)
    assert 0.35 < russian < 0.45
    assert len({code for a in applications for code in a.administrations}) == 52
    result = solve(applications, reviewers, conflicts)
    assert check_assignment(applications, reviewers, conflicts, result) == []
    assert (len(result.pairs), result.shortfalls) == (sum(a.needed for a in applications), [])
    assert load_spread(applications, reviewers, conflicts, result) <= 1


# --- Random small calls --------------------------------------------------------------------------

KEYWORDS = ("risk", "valuation", "origin")
CODES = st.sampled_from(("AT", "DE", "RU"))
LANGUAGES = st.sampled_from(("en", "ru"))


@st.composite
def calls(draw):
    n_apps, n_revs = draw(st.integers(0, 8)), draw(st.integers(0, 6))
    reviewer_ids = st.integers(1, n_revs + 1)  # one more: ids the solver must ignore, as the applicant's
    applications = [AssignmentApplication(
        i, draw(LANGUAGES), draw(st.frozensets(CODES, min_size=1, max_size=2)), draw(st.integers(0, 3)),
        draw(st.frozensets(reviewer_ids, max_size=2)), draw(st.frozensets(st.sampled_from(KEYWORDS))))
        for i in range(1, n_apps + 1)]
    reviewers = [AssignmentReviewer(
        i, draw(st.none() | CODES), draw(st.frozensets(LANGUAGES, min_size=1)), draw(st.integers(0, 4)),
        draw(st.integers(0, 3)), draw(st.frozensets(st.sampled_from(KEYWORDS))))
        for i in range(1, n_revs + 1)]
    conflicts = draw(st.sets(st.tuples(st.integers(1, n_apps + 1), reviewer_ids), max_size=6))
    return applications, reviewers, conflicts


@settings(max_examples=200, deadline=None)
@given(calls())
def test_random_calls_keep_every_rule_with_a_maximum_flow_and_best_balance(call):
    applications, reviewers, conflicts = call
    result = solve(applications, reviewers, conflicts)
    assert check_assignment(applications, reviewers, conflicts, result) == []
    network = _Residual(applications, reviewers, conflicts, result)
    assert network.augmenting_path_exists() is False
    assert network.load_moves_down() == []


class _Residual:
    """The residual network of a result, rebuilt from the rules (not from the solver's network)."""

    def __init__(self, applications, reviewers, conflicts, result):
        self.apps = {a.id: a for a in applications}
        self.revs = {r.id: r for r in reviewers}
        self.conflicts = set(conflicts)
        self.assigned = {a.id: set() for a in applications}
        for pair in result.pairs:
            self.assigned[pair.application_id].add(pair.reviewer_id)
        self.new = Counter(p.reviewer_id for p in result.pairs)

    def eligible(self, app, rev) -> bool:
        return (app.language in rev.languages and rev.administration not in app.administrations
                and (app.id, rev.id) not in self.conflicts and rev.id not in app.existing_reviewers)

    def spare(self, rev_id) -> bool:
        return self.new[rev_id] < self.revs[rev_id].capacity

    def reachable(self, app_ids) -> set[int]:
        """Reviewers reachable by alternating paths: app -> eligible unassigned reviewer ->
        an application that reviewer was given -> ..."""
        seen_apps, seen_revs, queue = set(app_ids), set(), list(app_ids)
        while queue:
            app = self.apps[queue.pop()]
            for rev in self.revs.values():
                if rev.id not in seen_revs and rev.id not in self.assigned[app.id] and self.eligible(app, rev):
                    seen_revs.add(rev.id)
                    given_to = {a for a, revs in self.assigned.items() if rev.id in revs} - seen_apps
                    seen_apps |= given_to
                    queue += given_to
        return seen_revs

    def augmenting_path_exists(self) -> bool:
        short = [a.id for a in self.apps.values() if len(self.assigned[a.id]) < a.needed]
        return any(self.spare(r) for r in self.reachable(short))

    def load_moves_down(self) -> list[tuple[int, int]]:
        """(busy, idle) reviewers where moving one review along a path lowers the sum of squares:
        none, at the optimum (for an M-convex set of load vectors, local is global)."""
        total = {r.id: r.current_load + self.new[r.id] for r in self.revs.values()}
        moves = []
        for busy in self.revs:
            given = [a for a, revs in self.assigned.items() if busy in revs]
            moves += [(busy, idle) for idle in self.reachable(given) - {busy}
                      if self.spare(idle) and total[idle] <= total[busy] - 2]
        return moves
