"""Ranking applications by their reviews: pure selection math (no Flask, no database, no text).

The caller turns a call's criteria, the applications to rank and their *submitted* reviews into the
dataclasses below, and gets back numbers, flags and codes that it localizes itself.

Conventions
-----------
Points. Every score is placed on one common scale of 0 to 100 points, criterion by criterion:
``points = 100 * (score - scale_min) / (scale_max - scale_min)``, so each criterion's lowest mark
is 0 and its highest 100. The same scale in every call means the thresholds below mean the same
in every call, and criteria with different scales (1–5 beside 0–10) combine without the wider one
weighing more. A call whose criteria share one scale can show a result on it with
`points_to_scale` (on 1–5: 0 points is 1, 75 points is 4).

Weighted total of a review: ``sum(weight * points) / sum(weight)``, in points.

Complete reviews. Every review scores every criterion, with an integer inside the criterion's
scale (the reviews service refuses to submit anything else); anything else raises ValueError
rather than being skipped, since a skipped criterion would silently change the weights.
Every review belongs to one of the applications passed in, and a reviewer reviews an application
at most once. Which applications (and so which reviews) belong in the ranking is the caller's
choice: typically those still under review, with all their submitted reviews.

Exactness. Weighted totals, means and ranges are exact `Fraction`s, so the disagreement
threshold and ties are decided without rounding noise (format them with ``float(x)`` or
``"%.1f" % x``). Standard deviations and normalized scores need a square root and are floats.

Normalized score (per application)
----------------------------------
Each reviewer's weighted totals are standardized against that reviewer's own mean and population
standard deviation over all the reviews passed in: ``z = (total - reviewer_mean) / reviewer_sd``.
Each z is mapped back onto the points scale with the mean M and population standard deviation S
of all weighted totals: ``normalized_total = M + S * z``. An application's normalized score is the
mean of its normalized totals. A harsh reviewer's 40 and a generous reviewer's 90 thus count
the same when each is that reviewer's typical mark. The result is not clipped, so it can fall a
little outside 0–100 (clipping would create ties and break the invariance under a shift of one
reviewer's marks).

A reviewer with a single review, or whose totals are all equal, gets z = 0 (their review
contributes M) and is listed in `neutral_reviewers`. See `_standardize` for why.

Flags
-----
- `missing_reviews`: fewer reviews than `expected_reviews`, or none at all (an application
  without reviews has no mean and cannot be ranked on merit, whatever was expected).
- `disagreement`: at least two reviews and a range (highest minus lowest weighted total) of
  `DISAGREEMENT_RANGE` points or more (40 points, 40% of the scale: on a 1–5 scale, a reviewer
  at 2 and another at 3.6). It uses the raw totals, which the coordinator sees on screen, so the
  flag can always be explained from them; `normalized_totals` shows whether the gap is
  one reviewer's harshness or a real difference of opinion. The range and not the standard
  deviation, because with the two or three reviews an application usually has, "two reviewers
  40 points apart" is what a coordinator can check at a glance.

Ranking order (`rank_applications`)
-----------------------------------
By these keys, each deciding only when all before it are equal (`TIE_BREAKERS` names them):

1. normalized score, descending, compared at `NORMALIZED_DECIMALS` decimals (a millionth of a
   point), so float noise in the square roots cannot overrule the tie-breakers below;
   applications without reviews come after all others;
2. raw mean, descending (exact);
3. number of reviews, descending (the better-evidenced score first);
4. the administration's priority, where the call needs endorsement: an endorsed candidate its
   administration ranked 1 before one it ranked 2, and both before candidates without a priority
   (not endorsed, or a call without endorsement, where it decides nothing). It is the last of the
   rules about the candidates themselves: the two below only make the order total, and the
   submission time, which hardly ever ties, would leave the priority nothing to decide after it;
5. the application's submission time, ascending (the earlier first; unknown times last);
6. application id, ascending.

The id makes every key distinct, so ranks are always 1, 2, …, n with no shared ranks;
`RankedApplication.decided_by` names the key that separated an application from the one just
above it, so "tied on score, ranked by submission time" can be shown.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

POINTS = 100  # the common scale runs from 0 to POINTS
DISAGREEMENT_RANGE = Fraction(40)  # points; highest minus lowest weighted total at which to flag
NORMALIZED_DECIMALS = 6  # normalized scores equal to this many decimals are tied
TIE_BREAKERS = ("normalized", "raw_mean", "review_count", "priority", "submitted_at",
                "application_id")

CriterionId = int | str


@dataclass(frozen=True)
class CriterionSpec:
    id: CriterionId
    weight: Decimal | float | int  # >= 0, and the weights of a call add up to more than 0
    scale_min: int
    scale_max: int  # > scale_min


@dataclass(frozen=True)
class ReviewScores:
    """A submitted review: one integer score per criterion id."""

    application_id: int
    reviewer_id: int
    scores: Mapping[CriterionId, int]


@dataclass(frozen=True)
class ApplicationEntry:
    """An application to rank."""

    id: int
    expected_reviews: int
    submitted_at: datetime | None = None  # only for tie-breaking
    priority: int | None = None  # the administration's, for an endorsed candidate (1 first)


@dataclass(frozen=True)
class ApplicationScore:
    application_id: int
    expected_reviews: int
    totals: Mapping[int, Fraction]  # reviewer id -> weighted total, in points
    normalized_totals: Mapping[int, float]  # reviewer id -> M + S * z
    neutral_reviewers: frozenset[int]  # reviewers whose z is 0 for lack of comparison
    raw_mean: Fraction | None  # None without reviews
    std_dev: float | None  # population standard deviation of the totals; 0.0 for one review
    score_min: Fraction | None
    score_max: Fraction | None
    normalized: float | None  # M + S * (mean z): the mean of normalized_totals, up to rounding
    missing_reviews: bool
    disagreement: bool

    @property
    def review_count(self) -> int:
        return len(self.totals)

    @property
    def score_range(self) -> Fraction | None:
        return None if self.score_min is None else self.score_max - self.score_min


@dataclass(frozen=True)
class RankedApplication:
    rank: int  # 1-based, distinct
    score: ApplicationScore
    decided_by: str | None  # a TIE_BREAKERS code; None for rank 1

    @property
    def application_id(self) -> int:
        return self.score.application_id


def points_to_scale(points, scale_min: int, scale_max: int):
    """Show a points value on a criterion scale (exact for a Fraction, float for a float)."""
    return scale_min + (scale_max - scale_min) * points / POINTS


def weighted_total(scores: Mapping[CriterionId, int], criteria: Sequence[CriterionSpec]) -> Fraction:
    """One review's weighted total in points; ValueError for a missing, extra or out-of-scale score."""
    return _total(scores, criteria, _check_criteria(criteria))


def score_applications(applications: Iterable[ApplicationEntry], *, reviews: Iterable[ReviewScores],
                       criteria: Sequence[CriterionSpec]) -> dict[int, ApplicationScore]:
    """Every application's totals, spread, normalized score and flags, by application id."""
    entries = _by_id(applications)
    totals = _totals(reviews, criteria, entries)
    z = _standardize(totals)
    all_totals = [t for per_app in totals.values() for t in per_app.values()]
    overall_mean = float(_mean(all_totals)) if all_totals else 0.0
    overall_sd = _pstdev(all_totals) if len(all_totals) > 1 else 0.0
    return {app_id: _application_score(entry, totals.get(app_id, {}), z, overall_mean, overall_sd)
            for app_id, entry in entries.items()}


def rank_applications(applications: Iterable[ApplicationEntry], *, reviews: Iterable[ReviewScores],
                      criteria: Sequence[CriterionSpec]) -> list[RankedApplication]:
    """All applications in ranking order (see the module docstring), ranks 1..n."""
    applications = list(applications)
    scores = score_applications(applications, reviews=reviews, criteria=criteria)
    keys = {entry.id: _sort_key(scores[entry.id], entry) for entry in applications}
    order = sorted(keys, key=keys.__getitem__)
    ranked = []
    for rank, app_id in enumerate(order, start=1):
        previous = keys[order[rank - 2]] if rank > 1 else None
        ranked.append(RankedApplication(rank, scores[app_id], _first_difference(previous, keys[app_id])))
    return ranked


def _check_criteria(criteria: Sequence[CriterionSpec]) -> dict[CriterionId, Fraction]:
    weights = {c.id: Fraction(c.weight) for c in criteria}
    if len(weights) != len(criteria):
        raise ValueError("criterion ids must be distinct")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be >= 0 and add up to more than 0")
    if any(c.scale_max <= c.scale_min for c in criteria):
        raise ValueError("every scale needs scale_max > scale_min")
    return weights


def _points(criterion: CriterionSpec, score: int) -> Fraction:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"criterion {criterion.id}: score {score!r} is not an integer")
    if not criterion.scale_min <= score <= criterion.scale_max:
        raise ValueError(f"criterion {criterion.id}: score {score} outside "
                         f"{criterion.scale_min}..{criterion.scale_max}")
    return Fraction(POINTS * (score - criterion.scale_min), criterion.scale_max - criterion.scale_min)


def _total(scores, criteria, weights: Mapping[CriterionId, Fraction]) -> Fraction:
    if set(scores) != set(weights):
        raise ValueError(f"scores for criteria {sorted(map(str, scores))}, expected {sorted(map(str, weights))}")
    weighted = sum(weights[c.id] * _points(c, scores[c.id]) for c in criteria)
    return weighted / sum(weights.values())


def _by_id(applications: Iterable[ApplicationEntry]) -> dict[int, ApplicationEntry]:
    entries = {}
    for entry in applications:
        if entry.id in entries:
            raise ValueError(f"application {entry.id} listed twice")
        entries[entry.id] = entry
    return entries


def _totals(reviews, criteria, entries) -> dict[int, dict[int, Fraction]]:
    """application id -> reviewer id -> weighted total."""
    weights = _check_criteria(criteria)
    totals: dict[int, dict[int, Fraction]] = defaultdict(dict)
    # Reviews repeat the same few combinations of marks: each is totalled once (exact arithmetic is slow).
    known: dict[tuple, Fraction] = {}
    for review in reviews:
        if review.application_id not in entries:
            raise ValueError(f"review of application {review.application_id}, which is not being ranked")
        if review.reviewer_id in totals[review.application_id]:
            raise ValueError(f"reviewer {review.reviewer_id} reviewed application {review.application_id} twice")
        # The type is part of the key: True == 1, but a bool is refused as a score.
        marks = tuple(sorted(((str(c), type(v), v) for c, v in review.scores.items()), key=lambda m: m[0]))
        if marks not in known:
            known[marks] = _total(review.scores, criteria, weights)
        totals[review.application_id][review.reviewer_id] = known[marks]
    return totals


# Exact like the statistics module's mean and pstdev, which convert and check each value on the
# way (two thirds of the ranking's time at 5,000 applications): the totals are put over one
# common denominator d as integers x, and everything is worked out from n, Σx and Σx².
class _Moments:
    def __init__(self, values: Iterable[Fraction]):
        values = list(values)
        self.denominator = math.lcm(*(v.denominator for v in values))
        self.numerators = [v.numerator * (self.denominator // v.denominator) for v in values]
        self.n, self.sum = len(self.numerators), sum(self.numerators)

    @property
    def mean(self) -> Fraction:
        return Fraction(self.sum, self.n * self.denominator)

    @property
    def pstdev(self) -> float:
        """Population standard deviation: √((n·Σx² − (Σx)²) / (n·d)²), the division correctly
        rounded (Python's int / int); equal values give exactly 0.0."""
        squares = sum(x * x for x in self.numerators)
        return math.sqrt((self.n * squares - self.sum * self.sum) / (self.n * self.denominator) ** 2)

    def deviation(self, numerator: int) -> float:
        """(x − mean) for the value of numerator x, correctly rounded."""
        return (self.n * numerator - self.sum) / (self.n * self.denominator)


def _mean(values: Iterable[Fraction]) -> Fraction:
    return _Moments(values).mean


def _pstdev(values: Iterable[Fraction]) -> float:
    return _Moments(values).pstdev


def _standardize(totals: Mapping[int, Mapping[int, Fraction]]) -> dict[tuple[int, int], float | None]:
    """(application id, reviewer id) -> the reviewer's z-score, or None where it is taken as 0.

    A reviewer's marks only say something relative to their other marks: that relation is
    exactly what normalization keeps, and their absolute level is exactly what it removes. With a
    single review, or identical totals for everyone they reviewed, there is no relation to keep,
    so the review is neutral (z = 0: it contributes the overall mean). Falling back on the raw
    total instead would let the absolute level back in for precisely the reviewers whose level is
    unknown, and a lone harsh review would again decide an applicant's fate.
    """
    by_reviewer: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for app_id, per_app in totals.items():
        for reviewer_id, total in per_app.items():
            by_reviewer[reviewer_id][app_id] = total
    z = {}
    for reviewer_id, marks in by_reviewer.items():
        moments = _Moments(marks.values())
        sd = moments.pstdev if len(marks) > 1 else 0.0  # exact: equal totals give 0.0
        for app_id, numerator in zip(marks, moments.numerators, strict=True):
            z[app_id, reviewer_id] = moments.deviation(numerator) / sd if sd > 0 else None
    return z


def _application_score(entry, totals, z, overall_mean, overall_sd) -> ApplicationScore:
    """`normalized` is M + S * (mean z): the mean of `normalized_totals` up to float rounding, and
    computed this way so that it orders applications exactly as their mean z does."""
    values = list(totals.values())
    zs = {r: z[entry.id, r] or 0.0 for r in totals}
    has_reviews = bool(values)
    moments = _Moments(values) if has_reviews else None
    return ApplicationScore(
        application_id=entry.id, expected_reviews=entry.expected_reviews, totals=dict(totals),
        normalized_totals={r: overall_mean + overall_sd * zr for r, zr in zs.items()},
        neutral_reviewers=frozenset(r for r in totals if z[entry.id, r] is None),
        raw_mean=moments.mean if has_reviews else None,
        std_dev=moments.pstdev if has_reviews else None,
        score_min=min(values, default=None), score_max=max(values, default=None),
        normalized=overall_mean + overall_sd * statistics.fmean(zs.values()) if has_reviews else None,
        missing_reviews=len(values) < max(entry.expected_reviews, 1),
        disagreement=len(values) >= 2 and max(values) - min(values) >= DISAGREEMENT_RANGE,
    )


def _sort_key(score: ApplicationScore, entry: ApplicationEntry) -> tuple:
    """Ascending sort key, one element per TIE_BREAKERS code; missing values sort last."""
    normalized = score.normalized
    return (
        (1,) if normalized is None else (0, -round(normalized, NORMALIZED_DECIMALS)),
        (1,) if score.raw_mean is None else (0, -score.raw_mean),
        -score.review_count,
        (1,) if entry.priority is None else (0, entry.priority),
        (1,) if entry.submitted_at is None else (0, entry.submitted_at),
        entry.id,
    )


def _first_difference(previous: tuple | None, key: tuple) -> str | None:
    if previous is None:
        return None
    return next(code for code, a, b in zip(TIE_BREAKERS, previous, key, strict=True) if a != b)
