"""Loading a call's ranking from the database, whatever the size of the call in a fixed number of
queries, and computing it only when its inputs change.

The scores depend on the pool of applications, the reviews that count and the criteria; they are
computed by `ranking.rank_applications` (exact, and about a second per thousand applications) once
for every host, which reads them from the table `call_ranking` (shared_ranking.py), and kept in the
process as well, all under the call's counters (`stamps.py`), which one query by primary key reads:
any submitted, changed or released review, any application entering or leaving the pool and any
change of the criteria raises `inputs`; any decision or offer raises `decisions`, which the table of
rows with their decisions and offers is kept under as well.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from portal.applications.models import Application, ApplicationState
from portal.collector import collector_paused
from portal.database import session_wrote
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection import shared_ranking
from portal.selection.endorsement import endorsed_priorities, endorsement_cells
from portal.selection.models import Decision, Offer, OfferState
from portal.selection.ranking import (
    ApplicationEntry,
    ApplicationScore,
    CriterionSpec,
    RankedApplication,
    ReviewScores,
    rank_applications,
)
from portal.stamps import read_stamps

# Applications that compete for the places: submitted and neither withdrawn nor screened out.
# After publication their state is the published outcome, so those states are in the pool too.
POOL_STATES = (ApplicationState.submitted, ApplicationState.under_review, ApplicationState.accepted,
               ApplicationState.waitlisted, ApplicationState.not_selected, ApplicationState.declined)
# Part of the fingerprint: a change of the ranking rules, or of the form of the rows kept in the
# table (shared_ranking.encode), invalidates what is kept.
RULES_VERSION = 3
CACHED_CALLS = 8  # rankings kept per process (each about 1 kB per application)
DERIVED_KEPT = 64  # filtered orders and counts of ranking pages kept per process


@dataclass
class RankingRow:
    rank: int
    # An Application for call_ranking; for ranking_table, a row of its listed columns only.
    application: Any
    score: ApplicationScore
    decided_by: str | None  # the ranking.TIE_BREAKERS key that placed it below the row above
    decision: Decision | None
    reviews: list[Review]  # call_ranking(with_reviews=True) only: the submitted reviews that count
    # ranking_table only: the offer made after publication, as a row of OFFER_COLUMNS, if any.
    offer: Any = None
    # ranking_table only, where the call needs endorsement: an endorsement.EndorsementCell, if any.
    endorsement: Any = None

    @property
    def application_id(self) -> int:
        return self.application.id

    @property
    def holds_place(self) -> bool:
        """Whether an unanswered or accepted offer holds a place for this application."""
        return self.offer is not None and self.offer.state in (OfferState.pending, OfferState.accepted)


def criterion_specs(call) -> list[CriterionSpec]:
    return [CriterionSpec(c.id, c.weight, c.scale_min, c.scale_max) for c in call.criteria]


def _in_pool(call_id: int):
    return sa.and_(Application.call_id == call_id, Application.state.in_(POOL_STATES))


def _counting(call_id: int):
    """Submitted reviews of active assignments (a released or conflicted one no longer counts)."""
    return sa.and_(_in_pool(call_id), Assignment.state == AssignmentState.active,
                   Review.submitted_at.is_not(None))


def _reviews_joined(*columns):
    return (sa.select(*columns).select_from(Review)
            .join(Assignment, Review.assignment_id == Assignment.id)
            .join(Application, Assignment.application_id == Application.id))


def review_scores(scores: dict | None, criteria_ids: set[int]) -> dict[int, int]:
    """A review's scores keyed by criterion id, for the criteria the call has now."""
    return {int(key): int(value) for key, value in (scores or {}).items() if int(key) in criteria_ids}


# --- The scores, computed once per change of their inputs ---------------------------------------

def ranking_fingerprint(call) -> tuple:
    """What the scores are kept under: the call (its id and creation, as an id can be used again
    after a call is deleted), the rules and the call's `inputs` counter."""
    return fingerprint_of(call.id, call.created_at, read_stamps(call.id)[0])


def fingerprint_of(call_id: int, created_at, inputs: int) -> tuple:
    return (RULES_VERSION, call_id, created_at, inputs)


def _compute(call) -> list[RankedApplication]:
    with collector_paused():
        return _compute_now(call)


def _compute_now(call) -> list[RankedApplication]:
    criteria = criterion_specs(call)
    if not criteria:
        return []
    criteria_ids = {c.id for c in criteria}
    priorities = endorsed_priorities(call)
    entries = [ApplicationEntry(app_id, call.reviewers_per_application, submitted_at,
                                priorities.get(app_id))
               for app_id, submitted_at in db.session.execute(
                   sa.select(Application.id, Application.submitted_at).where(_in_pool(call.id)))]
    scores = []
    for app_id, reviewer_id, marks in db.session.execute(_reviews_joined(
            Assignment.application_id, Assignment.reviewer_id, Review.scores).where(_counting(call.id))):
        marks = review_scores(marks, criteria_ids)
        # A review lacking a criterion (one added after it was submitted) cannot be totalled fairly.
        if set(marks) == criteria_ids:
            scores.append(ReviewScores(app_id, reviewer_id, marks))
    return rank_applications(entries, reviews=scores, criteria=criteria)


class _RankingCache:
    def __init__(self, size: int):
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, tuple[str, list]] = OrderedDict()

    def get(self, key: tuple, fingerprint: tuple) -> Any:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] != fingerprint:
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: tuple, fingerprint: tuple, value: Any) -> None:
        with self._lock:
            self._kept[key] = (fingerprint, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)


def _cache() -> "_RankingCache":
    # Three kinds of entry per call: scores, table, rows.
    return _kept_in_app("selection_ranking_cache", 3 * CACHED_CALLS)


def _derived_cache() -> "_RankingCache":
    # Apart, so that pages' many filtered orders never push a call's scores out.
    return _kept_in_app("selection_derived_cache", DERIVED_KEPT)


def _kept_in_app(name: str, size: int) -> "_RankingCache":
    cache = current_app.extensions.get(name)
    if cache is None:  # built once per app, not on every look-up
        cache = current_app.extensions.setdefault(name, _RankingCache(size))
    return cache


def _ranked(call, fingerprint: tuple) -> list[RankedApplication]:
    """The scores kept in the table `call_ranking` for every host (shared_ranking.py), computed and
    written there when stale; the process keeps what it read under the same fingerprint."""
    cache = _cache()
    ranked = cache.get(("scores", call.id), fingerprint)
    if ranked is None:
        ranked = shared_ranking.read(call.id, fingerprint)
        if ranked is None:
            ranked = _compute(call)
            shared_ranking.store(call.id, fingerprint, ranked)
        _keep(cache, ("scores", call.id), fingerprint, ranked)
    return ranked


def _keep(cache: "_RankingCache", key: tuple, fingerprint: tuple, value) -> None:
    # A session that wrote may have raised the counters itself, uncommitted: once it rolls back,
    # the fingerprint could name other scores, so only the table (rolled back with it) keeps them.
    if not session_wrote(db.session):
        cache.put(key, fingerprint, value)


def refresh_ranking(call) -> bool:
    """Compute the call's scores and keep them for every host, unless the table holds them already
    (the ranking job, jobs.py). True if they were computed. Ends the session's transaction (see
    shared_ranking.store_now); the caller commits."""
    fingerprint = ranking_fingerprint(call)
    if shared_ranking.is_fresh(call.id, fingerprint):
        return False
    ranked = _compute(call)
    shared_ranking.store_now(call.id, fingerprint, ranked)
    return True


def ranked_scores(call) -> list[RankedApplication]:
    """The call's pool in ranking order with its scores (see ranking.py); computed when it changed."""
    return _ranked(call, ranking_fingerprint(call))


# --- Rankings with their applications and decisions ---------------------------------------------

def decisions_by_application(call_id: int) -> dict[int, Decision]:
    """The call's decisions as objects (to change them), by application id."""
    return {d.application_id: d for d in db.session.scalars(sa.select(Decision).where(Decision.call_id == call_id))}


# What the ranking page and the filling need of each application: columns that do not change once
# the application is submitted (its state does, so it is not among them).
TABLE_COLUMNS = (Application.id, Application.reference, Application.applicant_name,
                 Application.administration_code, Application.language)
# What they need of each decision: read as plain rows, not objects, since a call has thousands.
DECISION_COLUMNS = (Decision.application_id, Decision.id, Decision.outcome, Decision.waitlist_position,
                    Decision.note, Decision.version)
# And of each offer (a decline or an expiry leaves the decision as it was: the offer tells).
OFFER_COLUMNS = (Offer.application_id, Offer.state, Offer.from_waitlist, Offer.offered_at)


def _table(call, fingerprint: tuple) -> list[tuple[RankedApplication, Any]]:
    """The ranked scores with each application's TABLE_COLUMNS, kept with the scores."""
    cache = _cache()
    kept = cache.get(("table", call.id), fingerprint)
    if kept is None:
        ranked = _ranked(call, fingerprint)
        applications = {row.id: row for row in db.session.execute(
            sa.select(*TABLE_COLUMNS).where(_in_pool(call.id)))}
        kept = [(r, applications[r.application_id]) for r in ranked if r.application_id in applications]
        _keep(cache, ("table", call.id), fingerprint, kept)
    return kept


def ranking_table(call) -> list[RankingRow]:
    """The ranking with each application's listed columns, its decision and its offer, as plain rows:
    what the pages of the whole ranking need. Kept until the scores, a decision or an offer change,
    so a page of it costs one query; the list is shared, so callers must not change its rows."""
    return ranking_table_and_key(call)[0]


def ranking_table_and_key(call) -> tuple[list[RankingRow], tuple]:
    """`ranking_table` and the key it is kept under, for what callers keep beside it."""
    inputs, decisions_stamp = read_stamps(call.id)
    fingerprint = fingerprint_of(call.id, call.created_at, inputs)
    key = (*fingerprint, decisions_stamp)
    cache = _cache()
    rows = cache.get(("rows", call.id), key)
    if rows is None:
        decisions = {row.application_id: row for row in db.session.execute(
            sa.select(*DECISION_COLUMNS).where(Decision.call_id == call.id))}
        offers = {row.application_id: row for row in db.session.execute(
            sa.select(*OFFER_COLUMNS).where(Offer.call_id == call.id))}
        endorsements = endorsement_cells(call)
        rows = [RankingRow(r.rank, application, r.score, r.decided_by, decisions.get(r.application_id), [],
                           offers.get(r.application_id), endorsements.get(r.application_id))
                for r, application in _table(call, fingerprint)]
        _keep(cache, ("rows", call.id), key, rows)
    return rows, key


def kept_beside_ranking(call, name: str, key: tuple, make):
    """What a page derives from the ranking table (a filtered order, counts), kept under the
    table's key and `name`: made again only when the ranking, a decision or the call changes."""
    cache = _derived_cache()
    full_key = (*key, call.version)
    value = cache.get(("derived", call.id, name), full_key)
    if value is None:
        value = make()
        cache.put(("derived", call.id, name), full_key, value)
    return value


def call_ranking(call, *, with_reviews: bool = True) -> list[RankingRow]:
    """The ranking with the applications (administration loaded), decisions and, unless told
    otherwise, the submitted reviews that count (for exports and dossiers)."""
    with collector_paused():
        return _call_ranking(call, with_reviews=with_reviews)


def _call_ranking(call, *, with_reviews: bool) -> list[RankingRow]:
    ranked = ranked_scores(call)
    applications = {a.id: a for a in db.session.scalars(
        sa.select(Application).where(_in_pool(call.id))
        # The call is the caller's own; joining it (with its long texts) to every row costs much.
        .options(so.joinedload(Application.administration), so.lazyload(Application.call),
                 so.lazyload(Application.sections), so.lazyload(Application.documents)))}
    decisions = decisions_by_application(call.id)
    by_application: dict[int, list[Review]] = {}
    if with_reviews:
        criteria_ids = {c.id for c in call.criteria}
        reviews = db.session.scalars(
            _reviews_joined(Review).where(_counting(call.id))
            .options(so.contains_eager(Review.assignment)).order_by(Assignment.reviewer_id)).all()
        for review in reviews:
            if set(review_scores(review.scores, criteria_ids)) == criteria_ids:
                by_application.setdefault(review.assignment.application_id, []).append(review)
    return [RankingRow(r.rank, applications[r.application_id], r.score, r.decided_by,
                       decisions.get(r.application_id), by_application.get(r.application_id, []))
            for r in ranked if r.application_id in applications]
