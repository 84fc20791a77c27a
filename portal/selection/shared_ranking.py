"""A call's ranked scores kept in the table `call_ranking`, so that every worker and host reads
what one of them computed (queries.py decides when to compute).

A row is kept under a fingerprint, the text of `queries.ranking_fingerprint` (whose last part is
the call's `inputs` counter, stamps.py): it is the call's ranking while the counter has not moved.

Writing it. A session that writes (a POST's, which on SQLite holds the write lock from its start)
writes the row in its own transaction: it is committed, or rolled back, with the changes the
scores were computed from. A reading request (a GET, which never commits) and the ranking job
(jobs.py) write it in a short transaction of their own, and only if the committed counter is still
the one the scores were computed under: then nothing the scores depend on changed since they were
read, and they are the committed ranking's. A command or a job that only reads keeps nothing.
"""

from fractions import Fraction

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy.dialects import postgresql, sqlite

from portal.database import _writes_expected, session_wrote, utcnow
from portal.extensions import db
from portal.selection.models import CallRanking
from portal.selection.ranking import ApplicationScore, RankedApplication
from portal.stamps import RankingStamp


def fingerprint_text(fingerprint: tuple) -> str:
    return ":".join(str(part) for part in fingerprint)


# --- Rows as JSON ---------------------------------------------------------------------------------

def encode(ranked: list[RankedApplication]) -> list[dict]:
    """One JSON object per application, in ranking order (the rank is the position). Fractions are
    [numerator, denominator]; each review is [reviewer, numerator, denominator, normalized total,
    neutral]; `low` and `high` are the positions of the reviews with the lowest and highest totals."""
    return [_encode_one(r) for r in ranked]


def _encode_one(r: RankedApplication) -> dict:
    s = r.score
    totals = list(s.totals.values())
    return {"id": s.application_id, "by": r.decided_by, "expected": s.expected_reviews,
            "reviews": [[reviewer, total.numerator, total.denominator, s.normalized_totals[reviewer],
                         reviewer in s.neutral_reviewers] for reviewer, total in s.totals.items()],
            "low": totals.index(s.score_min) if totals else None,
            "high": totals.index(s.score_max) if totals else None,
            "mean": None if s.raw_mean is None else [s.raw_mean.numerator, s.raw_mean.denominator],
            "sd": s.std_dev, "normalized": s.normalized, "missing": s.missing_reviews,
            "disagreement": s.disagreement}


def decode(rows: list[dict]) -> list[RankedApplication]:
    # The totals repeat the same few values (the same marks give the same total): each is made once.
    fractions: dict[tuple[int, int], Fraction] = {}
    return [_decode_one(rank, row, fractions) for rank, row in enumerate(rows, start=1)]


def _fraction(numerator: int, denominator: int, fractions: dict) -> Fraction:
    made = fractions.get((numerator, denominator))
    if made is None:
        made = fractions[numerator, denominator] = Fraction(numerator, denominator)
    return made


def _decode_one(rank: int, row: dict, fractions: dict) -> RankedApplication:
    reviews = row["reviews"]
    values = [_fraction(review[1], review[2], fractions) for review in reviews]
    mean = row["mean"]
    score = ApplicationScore(
        application_id=row["id"], expected_reviews=row["expected"],
        totals={review[0]: value for review, value in zip(reviews, values, strict=True)},
        normalized_totals={review[0]: review[3] for review in reviews},
        neutral_reviewers=frozenset(review[0] for review in reviews if review[4]),
        raw_mean=None if mean is None else _fraction(mean[0], mean[1], fractions), std_dev=row["sd"],
        score_min=values[row["low"]] if values else None, score_max=values[row["high"]] if values else None,
        normalized=row["normalized"], missing_reviews=row["missing"], disagreement=row["disagreement"])
    return RankedApplication(rank, score, row["by"])


# --- Reading and writing the row ------------------------------------------------------------------

def read(call_id: int, fingerprint: tuple) -> list[RankedApplication] | None:
    """The kept ranking if it is the one of this fingerprint; None if stale or never computed."""
    rows = db.session.scalar(sa.select(CallRanking.rows).where(
        CallRanking.call_id == call_id, CallRanking.fingerprint == fingerprint_text(fingerprint)))
    return None if rows is None else decode(rows)


def is_fresh(call_id: int, fingerprint: tuple) -> bool:
    return db.session.scalar(sa.select(sa.literal(True)).where(
        CallRanking.call_id == call_id, CallRanking.fingerprint == fingerprint_text(fingerprint))) is not None


def session_writes() -> bool:
    """Whether the session's transaction holds writes (or, on a POST, the write lock)."""
    return session_wrote(db.session) or _writes_expected()


def store(call_id: int, fingerprint: tuple, ranked: list[RankedApplication]) -> None:
    """Keep `ranked`, computed under `fingerprint`, for every host (see the module docstring)."""
    values = _values(call_id, fingerprint, ranked)
    if session_writes() or _one_connection():
        with db.session.begin_nested():
            db.session.execute(_upsert(values))
        return
    if not has_request_context():
        # A command or a job that reads (an export) keeps nothing: on SQLite, writing the row in
        # its transaction would hold the write lock until it ends, and writing it on a connection
        # of its own would make its own later writes fail (its snapshot older than that commit).
        # The pages and the ranking job (store_now) keep it.
        return
    try:
        with db.engine.connect() as connection:
            connection.execution_options(sqlite_immediate=True)
            with connection.begin():
                write_if_current(connection, values, inputs=fingerprint[-1])
    except sa.exc.OperationalError:  # SQLite busy for too long: the next reader computes it
        current_app.logger.warning("the ranking of call %s was computed but not kept", call_id)


def store_now(call_id: int, fingerprint: tuple, ranked: list[RankedApplication]) -> bool:
    """Keep `ranked` in a new transaction of the session, which the caller commits, if the counter
    is still the fingerprint's (the ranking job). The reading transaction ends first: on SQLite,
    a transaction cannot write from a snapshot that another's commit has made old."""
    db.session.rollback()
    db.session.connection(execution_options={"sqlite_immediate": True})  # begins with the write lock
    # Through the session, so that it counts as a write the job's end is committed with.
    if write_if_current(db.session, _values(call_id, fingerprint, ranked), inputs=fingerprint[-1]):
        return True
    db.session.rollback()  # not SQLite's write lock held while computing again
    return False


def write_if_current(connection, values: dict, *, inputs: int) -> bool:
    """Upsert the row if the call's `inputs` counter, as `connection` (or a session) sees it, is
    still `inputs`."""
    committed = connection.scalar(sa.select(RankingStamp.inputs)
                                  .where(RankingStamp.call_id == values["call_id"])) or 0
    if committed != inputs:
        return False
    connection.execute(_upsert(values))
    return True


def _values(call_id: int, fingerprint: tuple, ranked: list[RankedApplication]) -> dict:
    return {"call_id": call_id, "fingerprint": fingerprint_text(fingerprint), "rows": encode(ranked),
            "computed_at": utcnow()}


def _upsert(values: dict):
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(CallRanking).values(values)
    return statement.on_conflict_do_update(
        index_elements=[CallRanking.call_id],
        set_={name: statement.excluded[name] for name in ("fingerprint", "rows", "computed_at")})


def _one_connection() -> bool:
    """An in-memory SQLite database lives in one connection: there is no second one to write with."""
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
