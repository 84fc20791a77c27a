"""Two counters per call that move with every change of what its ranking is made of.

Every domain that feeds the ranking writes them (applications, reviews, endorsements, selection),
so they live beside the packages rather than in selection: the earlier ones raise them without
importing a later package.

`inputs` moves when the scores may change: an application enters or leaves the pool, a review
is written, changed or no longer counts, an assignment is given or released, a criterion or the
number of reviewers per application changes; and when an endorsement is made, decided or
reordered (the administration's priority breaks ties where the call needs endorsement).
`decisions` moves with any decision and with any offer made, answered or expired. They live in
their own table, read with one query by primary key, and are raised in the same transaction as
the change, so a ranking kept in a process under the counters it was made with is never older
than the database. A listener on every session raises them for changes made through the ORM;
the two services that write with a bulk UPDATE (submitting an application, saving a review)
call `raise_inputs` themselves.
"""

from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db


class RankingStamp(db.Model):
    __tablename__ = "ranking_stamp"

    call_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("call.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    inputs: so.Mapped[int] = so.mapped_column(default=0)
    decisions: so.Mapped[int] = so.mapped_column(default=0)


def read_stamps(call_id: int) -> tuple[int, int]:
    """(inputs, decisions) of a call; (0, 0) before anything of its ranking has changed."""
    row = db.session.execute(sa.select(RankingStamp.inputs, RankingStamp.decisions)
                             .where(RankingStamp.call_id == call_id)).one_or_none()
    return (row.inputs, row.decisions) if row else (0, 0)


def raise_inputs(call_id: int) -> None:
    _raise(db.session, "inputs", {call_id})


# session.info key: the calls whose `inputs` this transaction raised (their kept rankings are stale;
# portal/selection/jobs.py computes them again once it commits).
INPUTS_RAISED = "portal.stamps.inputs_raised"


def _raise(session, counter: str, call_ids: set[int]) -> None:
    if counter == "inputs":
        session.info.setdefault(INPUTS_RAISED, set()).update(call_ids)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    column = getattr(RankingStamp, counter)
    for call_id in sorted(call_ids):  # one order for every transaction: no lock cycles
        statement = insert(RankingStamp).values({"call_id": call_id, "inputs": 0, "decisions": 0, counter: 1})
        session.execute(statement.on_conflict_do_update(index_elements=[RankingStamp.call_id],
                                                        set_={counter: column + 1}))


def _changed(obj, *names: str) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _call_of_application(application) -> int | None:
    if application is None:
        return None
    return application.call_id if application.call_id is not None else getattr(application.call, "id", None)


def _affected_calls(session) -> tuple[set[int], set[int]]:
    """(calls whose score inputs change, calls whose decisions change) in this flush."""
    from portal.applications.models import Application, ApplicationState
    from portal.calls.models import Call, Criterion
    from portal.endorsements.models import Endorsement
    from portal.reviews.models import Assignment, Review
    from portal.selection.models import Decision, Offer

    inputs, decisions = set(), set()
    created_or_deleted = set(session.new) | set(session.deleted)
    for obj in chain(session.new, session.dirty, session.deleted):
        whole = obj in created_or_deleted
        if isinstance(obj, Decision | Offer):
            decisions.add(obj.call_id if obj.call_id is not None else _call_of_application(obj.application))
        elif isinstance(obj, Application):
            # (a new application's state is None until the insert gives it its default, draft)
            if (whole and obj.state not in (None, ApplicationState.draft)) or (
                    not whole and _changed(obj, "state", "submitted_at")):
                inputs.add(_call_of_application(obj))
        elif isinstance(obj, Assignment):
            if whole or _changed(obj, "state", "application_id"):
                inputs.add(_call_of_application(obj.application))
        elif isinstance(obj, Review):
            # A draft never counts: only a review that is or was submitted changes the scores.
            was_submitted = any(v is not None for v in sa.inspect(obj).attrs["submitted_at"].history.deleted)
            if (obj.submitted_at is not None or was_submitted) and (whole or session.is_modified(obj)):
                assignment = obj.assignment
                inputs.add(_call_of_application(assignment.application if assignment else None))
        elif isinstance(obj, Criterion):
            if whole or session.is_modified(obj):
                inputs.add(obj.call_id if obj.call_id is not None else getattr(obj.call, "id", None))
        elif isinstance(obj, Endorsement):
            # The administration's priority breaks ties; the state is a column of the ranking.
            if whole or _changed(obj, "state", "priority"):
                inputs.add(obj.call_id if obj.call_id is not None else _call_of_application(obj.application))
        elif isinstance(obj, Call) and not whole and _changed(obj, "reviewers_per_application",
                                                              "endorsement_required"):
            inputs.add(obj.id)
    # A call deleted in this flush takes its counters with it.
    gone = {obj.id for obj in session.deleted if isinstance(obj, Call)} | {None}
    return inputs - gone, decisions - gone


@sa.event.listens_for(so.Session, "before_flush")
def _raise_stamps_of_the_changes(session, _flush_context, _instances) -> None:
    inputs, decisions = _affected_calls(session)
    if inputs:
        _raise(session, "inputs", inputs)
    if decisions:
        _raise(session, "decisions", decisions)
