"""Automatic reviewer assignment: a pure min-cost max-flow solver (no Flask, no database).

The caller turns the call's applications and reviewers into the dataclasses below, and turns the
result back into `Assignment` rows; tests and `bench/assignment.py` feed it generated data.

The network solved with OR-tools' `SimpleMinCostFlow`::

    source --[needed]--> application --[1, expertise cost]--> reviewer --[unit arcs, convex]--> sink

Hard rules are arcs that are never built: a reviewer gets no arc to an application whose
administrations contain theirs, that is in `conflicts`, that they already review, or whose language
they do not read; the source arc caps an application at `needed`, a reviewer's unit arcs cap them at
`capacity`. The goals, in order:

1. As many new reviews as possible: `solve_max_flow_with_min_cost` finds a maximum flow and only
   then the cheapest one among maximum flows.
2. Balanced loads: the k-th new review of a reviewer with `current_load` c costs
   `W * (2(c + k) - 1)`, the growth of (c + k)^2, so the flow minimises the sum of the
   squared total loads. Reviewer load vectors of maximum flows form an M-convex set, where that
   minimiser also has the smallest maximum and the largest minimum load: the spread between the
   busiest and the idlest eligible reviewer is at most one whenever the rules allow it.
3. Expertise: an application -> reviewer arc costs `EXPERTISE_CAP - min(overlap, EXPERTISE_CAP)`.
   The weight W exceeds the largest expertise bonus a whole assignment can collect, so
   expertise only chooses among equally balanced assignments.

Reasons and shortfalls are data (codes and numbers) that the caller turns into localized text:

- `Reason(code, value)`, per proposed pair, in this order:
  `reads_language` "ru"; `other_administration` the reviewer's administration code (or None);
  `no_conflict` None; `load` (total load after the assignment, current load + capacity);
  `expertise` sorted tuple of shared keywords (only when there are some).
- `Shortfall(language, cause, applications, missing_reviews, application_ids)`, per language and
  cause. Each missing review of an application has one computed cause:
  `no_eligible_reviewer`: fewer reviewers read its language, are outside its administrations,
  declared no conflict and do not already review it than it needs (needed minus that number of
  reviews are missing for this cause); `capacity_exhausted`: the rest. The flow is maximum,
  so every eligible reviewer who did not get the application had no capacity left. An application
  short for both causes is counted in both groups; `missing_reviews` add up exactly.
- `LanguageSupply` per application language: applications, reviews needed and assigned, readers of
  the language and their capacity (a bilingual reviewer's capacity counts for both languages).
"""

import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

EXPERTISE_CAP = 3  # shared keywords beyond this earn no more


@dataclass(frozen=True)
class AssignmentApplication:
    id: int
    language: str  # "en" | "ru"
    administrations: frozenset[str]  # the application's and the applicant's profile's ISO codes
    needed: int  # how many more reviewers it needs
    existing_reviewers: frozenset[int] = frozenset()
    expertise: frozenset[str] = frozenset()  # lower-case keywords


@dataclass(frozen=True)
class AssignmentReviewer:
    id: int
    administration: str | None
    languages: frozenset[str]
    capacity: int  # how many more reviews they can take in this call
    current_load: int = 0  # reviews they already have in this call
    expertise: frozenset[str] = frozenset()


class ReasonCode(enum.StrEnum):
    reads_language = "reads_language"
    other_administration = "other_administration"
    no_conflict = "no_conflict"
    load = "load"
    expertise = "expertise"


class ShortfallCause(enum.StrEnum):
    no_eligible_reviewer = "no_eligible_reviewer"
    capacity_exhausted = "capacity_exhausted"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    value: object = None

    def to_json(self) -> dict:
        """The form `Assignment.reasons` stores: tuples become lists."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"code": str(self.code), "value": value}


@dataclass(frozen=True)
class ProposedAssignment:
    application_id: int
    reviewer_id: int
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class Shortfall:
    language: str
    cause: ShortfallCause
    applications: int
    missing_reviews: int
    application_ids: tuple[int, ...]


@dataclass(frozen=True)
class LanguageSupply:
    language: str
    applications: int
    needed: int
    assigned: int
    readers: int
    reader_capacity: int


@dataclass
class AssignmentResult:
    pairs: list[ProposedAssignment]
    shortfalls: list[Shortfall]
    languages: list[LanguageSupply] = field(default_factory=list)
    arcs: int = 0  # size of the network, for benchmarks


def solve(applications: Sequence[AssignmentApplication], reviewers: Sequence[AssignmentReviewer],
          conflicts: Iterable[tuple[int, int]] = ()) -> AssignmentResult:
    """Propose new (application, reviewer) pairs; no side effects. Raises ValueError on bad input."""
    _validate(applications, reviewers)
    eligible = eligibility(applications, reviewers, set(conflicts))
    flows, arcs = _solve(applications, reviewers, eligible)
    app_rows, rev_cols = np.nonzero(flows)
    pairs = _pairs(applications, reviewers, app_rows, rev_cols)
    assigned = np.bincount(app_rows, minlength=len(applications))
    return AssignmentResult(pairs=pairs, shortfalls=_shortfalls(applications, eligible, assigned),
                            languages=_languages(applications, reviewers, assigned), arcs=arcs)


def _validate(applications, reviewers) -> None:
    for kind, items in (("application", applications), ("reviewer", reviewers)):
        duplicates = [i for i, n in Counter(item.id for item in items).items() if n > 1]
        if duplicates:
            raise ValueError(f"duplicate {kind} ids: {sorted(duplicates)}")
    if any(a.needed < 0 for a in applications) or any(r.capacity < 0 for r in reviewers):
        raise ValueError("needed and capacity must not be negative")
    if any(r.current_load < 0 for r in reviewers):
        raise ValueError("current_load must not be negative")


def eligibility(applications, reviewers, conflicts: set[tuple[int, int]]) -> np.ndarray:
    """Boolean matrix [application, reviewer]: every hard rule but the counts holds."""
    eligible = _reads_language(applications, reviewers)
    eligible &= ~_same_administration(applications, reviewers)
    app_index = {a.id: i for i, a in enumerate(applications)}
    rev_index = {r.id: j for j, r in enumerate(reviewers)}
    taken = [*conflicts, *((a.id, r) for a in applications for r in a.existing_reviewers)]
    for app_id, reviewer_id in taken:
        if app_id in app_index and reviewer_id in rev_index:
            eligible[app_index[app_id], rev_index[reviewer_id]] = False
    return eligible


def _reads_language(applications, reviewers) -> np.ndarray:
    languages = sorted({a.language for a in applications})
    reads = np.array([[lang in r.languages for r in reviewers] for lang in languages], dtype=bool)
    rows = [languages.index(a.language) for a in applications]
    return reads.reshape(len(languages), len(reviewers))[rows]


def _same_administration(applications, reviewers) -> np.ndarray:
    codes = sorted({r.administration for r in reviewers if r.administration})
    column = {code: k for k, code in enumerate(codes)}
    member = np.zeros((len(applications), len(codes) + 1), dtype=bool)  # last column: no code
    for i, application in enumerate(applications):
        member[i, [column[c] for c in application.administrations if c in column]] = True
    return member[:, [column.get(r.administration, len(codes)) for r in reviewers]]


def _overlap(applications, reviewers) -> np.ndarray:
    """Matrix [application, reviewer] of shared expertise keywords, capped at EXPERTISE_CAP."""
    vocabulary = sorted(set().union(*(a.expertise for a in applications))
                        & set().union(*(r.expertise for r in reviewers)))
    index = {word: k for k, word in enumerate(vocabulary)}
    app_words = np.zeros((len(applications), len(vocabulary)), dtype=np.float32)
    rev_words = np.zeros((len(vocabulary), len(reviewers)), dtype=np.float32)
    for i, application in enumerate(applications):
        app_words[i, [index[w] for w in application.expertise if w in index]] = 1
    for j, reviewer in enumerate(reviewers):
        rev_words[[index[w] for w in reviewer.expertise if w in index], j] = 1
    return np.minimum(app_words @ rev_words, EXPERTISE_CAP).astype(np.int64)


def _solve(applications, reviewers, eligible) -> tuple[np.ndarray, int]:
    """Build and solve the network; return the flow matrix [application, reviewer] and arc count."""
    needed = np.array([a.needed for a in applications], dtype=np.int64)
    capacity = np.array([r.capacity for r in reviewers], dtype=np.int64)
    rows, cols = np.nonzero(eligible & (needed > 0)[:, None] & (capacity > 0)[None, :])
    n_apps, n_revs = eligible.shape
    source, sink = n_apps + n_revs, n_apps + n_revs + 1
    bound = int(min(needed.sum(), len(rows)))
    balance_weight = EXPERTISE_CAP * bound + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    _add_arcs(flow, np.full(n_apps, source), np.arange(n_apps), needed, np.zeros(n_apps))
    pair_costs = EXPERTISE_CAP - _overlap(applications, reviewers)[rows, cols]
    pair_arcs = _add_arcs(flow, rows, n_apps + cols, np.ones(len(rows)), pair_costs)
    useful = np.minimum(capacity, np.bincount(cols, minlength=n_revs))
    current = np.array([r.current_load for r in reviewers], dtype=np.int64)
    tails, costs = _unit_arcs(useful, current, balance_weight)
    _add_arcs(flow, n_apps + tails, np.full(len(tails), sink), np.ones(len(tails)), costs)
    flow.set_nodes_supplies(np.array([source, sink], dtype=np.int32),
                            np.array([bound, -bound], dtype=np.int64))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.zeros(eligible.shape, dtype=bool)
    flows[rows, cols] = flow.flows(pair_arcs) > 0
    return flows, flow.num_arcs()


def _add_arcs(flow, tails, heads, capacities, costs) -> np.ndarray:
    return flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32), np.asarray(heads, dtype=np.int32),
        np.asarray(capacities, dtype=np.int64), np.asarray(costs, dtype=np.int64))


def _unit_arcs(useful: np.ndarray, current: np.ndarray, weight: int) -> tuple[np.ndarray, np.ndarray]:
    """Reviewer index and cost of each unit arc to the sink: the k-th costs weight*(2(c+k)-1)."""
    tails = np.repeat(np.arange(len(useful)), useful)
    starts = np.repeat(np.cumsum(useful) - useful, useful)
    k = np.arange(len(tails)) - starts + 1
    return tails, weight * (2 * (current[tails] + k) - 1)


def _pairs(applications, reviewers, app_rows, rev_cols) -> list[ProposedAssignment]:
    new_load = np.bincount(rev_cols, minlength=len(reviewers))
    pairs = []
    for i, j in zip(app_rows.tolist(), rev_cols.tolist(), strict=True):
        application, reviewer = applications[i], reviewers[j]
        load = (reviewer.current_load + int(new_load[j]), reviewer.current_load + reviewer.capacity)
        pairs.append(ProposedAssignment(application.id, reviewer.id,
                                        reasons_for(application, reviewer, load)))
    return sorted(pairs, key=lambda p: (p.application_id, p.reviewer_id))


def reasons_for(application: AssignmentApplication, reviewer: AssignmentReviewer,
                load: tuple[int, int]) -> list[Reason]:
    """Why `reviewer` suits `application`; `load` is (total after, current + capacity)."""
    reasons = [Reason(ReasonCode.reads_language, application.language),
               Reason(ReasonCode.other_administration, reviewer.administration),
               Reason(ReasonCode.no_conflict),
               Reason(ReasonCode.load, load)]
    shared = tuple(sorted(application.expertise & reviewer.expertise))
    if shared:
        reasons.append(Reason(ReasonCode.expertise, shared))
    return reasons


def _shortfalls(applications, eligible, assigned) -> list[Shortfall]:
    groups = defaultdict(list)  # (language, cause) -> [(application id, missing)]
    for application, n_eligible, n_assigned in zip(applications, eligible.sum(axis=1).tolist(),
                                                   assigned.tolist(), strict=True):
        too_few = max(0, application.needed - n_eligible)
        no_capacity = application.needed - n_assigned - too_few
        for cause, missing in ((ShortfallCause.no_eligible_reviewer, too_few),
                               (ShortfallCause.capacity_exhausted, no_capacity)):
            if missing:
                groups[application.language, cause].append((application.id, missing))
    return [Shortfall(language, cause, len(items), sum(m for _, m in items),
                      tuple(sorted(i for i, _ in items)))
            for (language, cause), items in sorted(groups.items())]


def _languages(applications, reviewers, assigned) -> list[LanguageSupply]:
    supplies = []
    for language in sorted({a.language for a in applications}):
        mine = [(a, int(n)) for a, n in zip(applications, assigned, strict=True)
                if a.language == language and a.needed > 0]
        readers = [r for r in reviewers if language in r.languages]
        supplies.append(LanguageSupply(
            language, applications=len(mine), needed=sum(a.needed for a, _ in mine),
            assigned=sum(n for _, n in mine), readers=len(readers),
            reader_capacity=sum(r.capacity for r in readers)))
    return supplies


def load_spread(applications, reviewers, conflicts, result: AssignmentResult) -> int:
    """Busiest minus idlest total load among eligible reviewers.

    Eligible: capacity left at the start and at least one application needing reviewers that the
    rules let them take. 0 when there are fewer than two.
    """
    eligible = eligibility(applications, reviewers, set(conflicts))
    wanted = np.array([a.needed > 0 for a in applications], dtype=bool)
    can_take = eligible[wanted].any(axis=0)
    new_load = Counter(p.reviewer_id for p in result.pairs)
    loads = [r.current_load + new_load[r.id]
             for r, ok in zip(reviewers, can_take.tolist(), strict=True) if ok and r.capacity > 0]
    return max(loads) - min(loads) if loads else 0


def check_assignment(applications, reviewers, conflicts, result: AssignmentResult) -> list[str]:
    """Every hard rule, checked with plain sets, independently of the solver; [] when all hold."""
    apps = {a.id: a for a in applications}
    revs = {r.id: r for r in reviewers}
    conflicts = set(conflicts)
    problems = []
    seen = Counter((p.application_id, p.reviewer_id) for p in result.pairs)
    problems += [f"pair {pair} proposed {n} times" for pair, n in seen.items() if n > 1]
    for app_id, rev_id in seen:
        if app_id not in apps or rev_id not in revs:
            problems.append(f"pair {(app_id, rev_id)} names an unknown application or reviewer")
        else:
            problems += _pair_problems(apps[app_id], revs[rev_id], conflicts)
    per_app = Counter(p.application_id for p in result.pairs)
    per_rev = Counter(p.reviewer_id for p in result.pairs)
    problems += [f"application {i} gets {n} > needed {apps[i].needed}"
                 for i, n in per_app.items() if i in apps and n > apps[i].needed]
    problems += [f"reviewer {i} gets {n} > capacity {revs[i].capacity}"
                 for i, n in per_rev.items() if i in revs and n > revs[i].capacity]
    missing = sum(a.needed for a in applications) - len(result.pairs)
    reported = sum(s.missing_reviews for s in result.shortfalls)
    if reported != missing:
        problems.append(f"shortfalls report {reported} missing reviews, {missing} are missing")
    return problems


def _pair_problems(application, reviewer, conflicts) -> list[str]:
    pair = (application.id, reviewer.id)
    checks = (
        (application.language in reviewer.languages, "reviewer does not read the language"),
        (reviewer.administration not in application.administrations,
         "reviewer belongs to the applicant's administration"),
        (pair not in conflicts, "declared conflict of interest"),
        (reviewer.id not in application.existing_reviewers, "reviewer already reviews it"),
    )
    return [f"pair {pair}: {message}" for ok, message in checks if not ok]
