"""What the endorsement pages, e-mails and hooks read: focal points, candidates, quotas."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.accounts.models import User
from portal.administrations.models import FocalPoint
from portal.applications.models import Application, ApplicationState
from portal.calls.models import Call
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db


def focal_points_of(code: str | None) -> list[User]:
    """The active accounts of an administration's focal points, by name."""
    if not code:
        return []
    return list(db.session.scalars(
        sa.select(User).join(FocalPoint, FocalPoint.user_id == User.id)
        .where(FocalPoint.administration_code == code, User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)))


def has_focal_point(code: str | None) -> bool:
    return bool(code) and db.session.scalar(
        sa.select(sa.exists().where(FocalPoint.administration_code == code))) is True


def administrations_of(user) -> list[str]:
    """The codes of the administrations for which `user` is a focal point."""
    return list(db.session.scalars(
        sa.select(FocalPoint.administration_code).where(FocalPoint.user_id == user.id)
        .order_by(FocalPoint.administration_code)))


def endorsement_of(application_id: int) -> Endorsement | None:
    return db.session.scalar(sa.select(Endorsement).where(
        Endorsement.application_id == application_id))


def _candidates(user):
    """The endorsements a focal point may act on: of their administrations, in calls that ask
    for endorsement, not their own application."""
    return (sa.select(Endorsement).join(Endorsement.application).join(Call,
                                                                      Call.id == Endorsement.call_id)
            .where(Call.endorsement_required.is_(True),
                   Endorsement.administration_code.in_(
                       sa.select(FocalPoint.administration_code)
                       .where(FocalPoint.user_id == user.id)),
                   Application.applicant_id != user.id))


def candidate_for(user, application_id: int) -> Endorsement | None:
    """The endorsement of one application if `user` may act on it as a focal point, else None."""
    return db.session.scalar(_candidates(user).where(
        Endorsement.application_id == application_id))


def calls_with_candidates(user) -> list[tuple[Call, int, int]]:
    """(call, candidates, still awaiting) for each call where the focal point's
    administrations have candidates, newest deadline first."""
    pending = sa.func.sum(sa.case((Endorsement.state == EndorsementState.requested, 1), else_=0))
    rows = db.session.execute(
        _candidates(user).with_only_columns(Call, sa.func.count(Endorsement.id), pending)
        .group_by(Call.id).order_by(Call.closes_at.desc(), Call.id))
    return [(call, count, int(waiting or 0)) for call, count, waiting in rows]


def candidates_in(user, call_id: int) -> list[Endorsement]:
    """The focal point's candidates in a call: endorsed by priority, then the others by name."""
    return list(db.session.scalars(
        _candidates(user).where(Endorsement.call_id == call_id)
        .options(so.contains_eager(Endorsement.application))
        .order_by(Endorsement.administration_code,
                  sa.case((Endorsement.state == EndorsementState.endorsed, 0), else_=1),
                  Endorsement.priority, Application.applicant_name, Application.id)))


def endorsed_in(call_id: int, code: str) -> list[Endorsement]:
    """An administration's endorsed candidates in a call, by priority."""
    return list(db.session.scalars(
        sa.select(Endorsement).where(Endorsement.call_id == call_id,
                                     Endorsement.administration_code == code,
                                     Endorsement.state == EndorsementState.endorsed)
        .order_by(Endorsement.priority.nulls_last(), Endorsement.id)))


def lock_endorsements(call_id: int, code: str) -> None:
    """Lock an administration's endorsements of a call (SELECT ... FOR UPDATE) until the
    transaction ends, so that two focal points deciding at once take turns: the second counts
    the quota used, and renumbers the priorities, after the first has committed. SQLite, which
    has no row locks, runs writing transactions one at a time anyway."""
    db.session.execute(sa.select(Endorsement.id).where(
        Endorsement.call_id == call_id, Endorsement.administration_code == code)
        .order_by(Endorsement.id).with_for_update())  # always in one order: no deadlock


def quota_used(call_id: int, code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(Endorsement.id)).where(
        Endorsement.call_id == call_id, Endorsement.administration_code == code,
        Endorsement.state == EndorsementState.endorsed)) or 0


# The states of an application whose endorsement can still matter: asked for before submission
# (a draft), or submitted and not yet decided.
AWAITING_STATES = (ApplicationState.draft, ApplicationState.submitted,
                   ApplicationState.under_review)


def pending_groups():
    """(call, administration code, [pending endorsements]) for every call still asking for
    endorsement, for the reminders."""
    rows = db.session.scalars(
        sa.select(Endorsement).join(Call, Call.id == Endorsement.call_id)
        .join(Endorsement.application)
        .where(Call.endorsement_required.is_(True),
               Endorsement.state == EndorsementState.requested,
               # Withdrawn or screened out, a candidate no longer waits for anyone.
               Application.state.in_(AWAITING_STATES))
        .order_by(Endorsement.call_id, Endorsement.administration_code, Endorsement.id))
    groups: dict[tuple[int, str], list[Endorsement]] = {}
    for endorsement in rows:
        groups.setdefault((endorsement.call_id, endorsement.administration_code),
                          []).append(endorsement)
    return [(db.session.get(Call, call_id), code, items)
            for (call_id, code), items in groups.items()]
