"""The ranking as a job: computed again off the request path once a change makes it stale, so that
the coordinator's next page reads a fresh table (shared_ranking.py) instead of computing it.

A transaction that raises a call's `inputs` counter (stamps.py: a review submitted, changed or
released, an endorsement decided or reordered, a criterion changed...) starts, as it commits, a
job of kind "ranking" for the call. Not for every call: only one whose ranking someone has looked
at (it has a row in call_ranking), whose applications are no longer coming in (while a call is
open every submission would start one), and whose row is not fresh already (a page that computed
it in the same transaction). The job's lock keeps at most one queued or running per call.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_app_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.calls.models import Call, CallState
from portal.extensions import db
from portal.jobs.registry import job_kind
from portal.jobs.services import start_job
from portal.selection import queries, shared_ranking
from portal.selection.models import CallRanking
from portal.stamps import INPUTS_RAISED, RankingStamp

KIND = "ranking"
# A change committed while the job computes makes the result stale at once: it computes again,
# this many times at most (a busy hour of reviews must not keep one worker computing forever;
# the next page computes what is left).
ROUNDS = 3
_STARTING = "portal.selection.starting_ranking_jobs"


def _result_url(job) -> str | None:
    return url_for("selection.ranking", call_id=job.call_id) if job.call_id else None


def _result_text(job) -> str:
    return _("The ranking is up to date.")


# No steps to report: nobody waits on this job's page, and it is one step (in the tests' inline
# mode a step is a change of the job's row, which would hold SQLite's write lock while computing).
@job_kind(KIND, title=_l("Computing the ranking"), retry=True, result_url=_result_url,
          result_text=_result_text)
def run_ranking(job, _progress) -> dict:
    """Compute the call's ranking into the table unless it is fresh; returns how many times it
    computed it (0: it was fresh)."""
    call_id = job.call_id
    computed = 0
    for _round in range(ROUNDS):
        call = db.session.get(Call, call_id)
        if call is None or not queries.refresh_ranking(call):
            break
        computed += 1
    return {"computed": computed}


def start_stale_rankings(call_ids: set[int]) -> list[int]:
    """Start the ranking job of each of these calls that needs one (see the module docstring);
    the calls it was started for."""
    rows = db.session.execute(
        sa.select(Call.id, Call.created_at, CallRanking.fingerprint, RankingStamp.inputs)
        .join(CallRanking, CallRanking.call_id == Call.id)
        .outerjoin(RankingStamp, RankingStamp.call_id == Call.id)
        .where(Call.id.in_(sorted(call_ids)), Call.state.not_in((CallState.draft, CallState.open)))
        .order_by(Call.id)).all()
    started = []
    for call_id, created_at, fingerprint, inputs in rows:
        current = shared_ranking.fingerprint_text(queries.fingerprint_of(call_id, created_at, inputs or 0))
        if fingerprint != current:
            start_job(KIND, call=db.session.get(Call, call_id))
            started.append(call_id)
    return started


@sa.event.listens_for(so.Session, "before_commit")
def _start_jobs_of_stale_rankings(session) -> None:
    if session.in_nested_transaction() or session.info.get(_STARTING) or not has_app_context():
        return
    if session is not db.session():  # jobs are started in the app's own session only
        return
    session.flush()  # what is still pending raises its stamps as it is flushed
    calls = {call_id for call_id in session.info.pop(INPUTS_RAISED, ()) if not _known_open(session, call_id)}
    if not calls:
        return
    session.info[_STARTING] = True
    try:
        start_stale_rankings(calls)
    finally:
        session.info.pop(_STARTING, None)


def _known_open(session, call_id: int) -> bool:
    """Whether the session holds the call, open or a draft: then no query is needed to know that
    it needs no job (the deadline rush's submissions)."""
    call = session.identity_map.get(so.util.identity_key(Call, call_id))
    state = sa.inspect(call).dict.get("state") if call is not None else None  # never loaded here
    return state in (CallState.draft, CallState.open)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_raised_stamps(session, transaction) -> None:
    if transaction.parent is None:  # rolled back, or committed without reaching the hook above
        session.info.pop(INPUTS_RAISED, None)
