"""What the ranking takes of endorsement (portal/endorsements), where a call needs it: the
administration's priority as the ranking's last tie-breaker about the candidates (ranking.py),
and the endorsement's state and priority as columns and a filter of the ranking page.

Both are read with one query per call and kept with the ranking: an endorsement created, decided
or reordered raises the call's `inputs` counter (stamps.py), so nothing kept is older than it.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db

NOT_REQUESTED = "none"  # the filter's value for a candidate never sent for endorsement


@dataclass(frozen=True)
class EndorsementCell:
    """An application's endorsement as the ranking shows it."""

    state: EndorsementState
    priority: int | None  # endorsed candidates only


def endorsed_priorities(call) -> dict[int, int]:
    """Application id -> the administration's priority of each endorsed candidate of a call
    needing endorsement (none otherwise: the tie-breaker then decides nothing)."""
    if not call.endorsement_required:
        return {}
    return dict(db.session.execute(
        sa.select(Endorsement.application_id, Endorsement.priority)
        .where(Endorsement.call_id == call.id, Endorsement.state == EndorsementState.endorsed,
               Endorsement.priority.is_not(None))).all())


def endorsement_cells(call) -> dict[int, EndorsementCell]:
    """Application id -> its endorsement's state and priority, for a call needing endorsement."""
    if not call.endorsement_required:
        return {}
    return {application_id: EndorsementCell(state, priority if state == EndorsementState.endorsed
                                            else None)
            for application_id, state, priority in db.session.execute(
                sa.select(Endorsement.application_id, Endorsement.state, Endorsement.priority)
                .where(Endorsement.call_id == call.id))}


def matches(row, value: str) -> bool:
    """Whether a ranking row passes the endorsement filter `value` (a state or NOT_REQUESTED)."""
    if value == NOT_REQUESTED:
        return row.endorsement is None
    return row.endorsement is not None and row.endorsement.state == value


def is_filter(value: str) -> bool:
    return value in EndorsementState.__members__ or value == NOT_REQUESTED

