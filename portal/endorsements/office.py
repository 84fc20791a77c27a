"""The coordinators' side of endorsement: what they see of it and the one thing they do with it.

- The endorsement's state and the administration's priority as columns and a filter of the list
  of a call's applications (`EndorsementColumns`, registered into applications' list by
  `init_app`, since applications may not import endorsements).
- A call's overview per administration (`call_overview`): candidates by state, the quota used,
  the administrations still to act and those with candidates but no focal point.
- Screening out in one step the candidates not endorsed once the endorsement deadline has
  passed (`screen_out_non_endorsed`), through applications' own screening service.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.administrations.models import Administration, FocalPoint
from portal.applications import services as application_services
from portal.applications.models import Application, ApplicationState
from portal.applications.queries import register_list_extension
from portal.audit.services import record_event
from portal.calls.models import Call
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db
from portal.search import collation_key

# Applications that can still be screened out (applications.services.screen_out's rule).
SCREENABLE_STATES = (ApplicationState.submitted, ApplicationState.under_review)
# The list's filter: a state, or "none" for a submitted application never sent for endorsement.
NOT_REQUESTED = "none"
NOT_REQUESTED_LABEL = _l("Not requested")

# The reason the screening form offers, in English and (from the catalog) in Russian.
DEFAULT_REASON = _l("The call requires the endorsement of your administration, and your "
                    "application was not endorsed by the endorsement deadline.")


class OfficeError(Exception):
    """A refused step; `message` is a lazy string for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def endorsement_deadline(call) -> datetime | None:
    """Until when the focal points may act: the call's endorsement deadline, else its closing."""
    return call.endorsement_deadline or call.closes_at


# --- The list of a call's applications -----------------------------------------------------------

class EndorsementColumns:
    """The endorsement's state and priority beside each application of a call needing it, and a
    filter by state: an outer join in the list's own query, so the page's queries do not grow."""

    template = "endorsements/office_list_part.html"

    def applies(self, call) -> bool:
        return bool(call.endorsement_required)

    def read_filters(self, args) -> dict:
        value = args.get("endorsement", "")
        known = value in EndorsementState.__members__ or value == NOT_REQUESTED
        return {"endorsement": value if known else ""}

    def extend(self, query, filters: dict):
        query = query.outerjoin(Endorsement, Endorsement.application_id == Application.id)
        query = query.add_columns(Endorsement.state.label("endorsement_state"),
                                  Endorsement.priority.label("endorsement_priority"))
        value = filters.get("endorsement", "")
        if value == NOT_REQUESTED:
            query = query.where(Endorsement.id.is_(None))
        elif value:
            query = query.where(Endorsement.state == EndorsementState(value))
        return query


def filter_choices() -> list[tuple[str, str]]:
    return [*((state.value, state.label) for state in EndorsementState),
            (NOT_REQUESTED, str(NOT_REQUESTED_LABEL))]


def init_app(app) -> None:
    register_list_extension(app, EndorsementColumns())
    app.jinja_env.globals["endorsement_filter_choices"] = filter_choices


# --- The overview of a call ----------------------------------------------------------------------

@dataclass
class AdministrationRow:
    code: str
    name: str
    counts: Counter = field(default_factory=Counter)  # EndorsementState or NOT_REQUESTED -> n
    focal_points: list[str] = field(default_factory=list)  # their names

    @property
    def endorsed(self) -> int:
        return self.counts[EndorsementState.endorsed]

    @property
    def pending(self) -> int:
        return self.counts[EndorsementState.requested]


@dataclass
class CallOverview:
    rows: list[AdministrationRow]

    @property
    def pending(self) -> list[AdministrationRow]:
        return [row for row in self.rows if row.pending]

    @property
    def without_focal_point(self) -> list[AdministrationRow]:
        return [row for row in self.rows if not row.focal_points]


def _candidates(call_id: int):
    """A call's candidates: submitted applications (not withdrawn) and any application whose
    endorsement was asked for before submitting."""
    return sa.and_(Application.call_id == call_id,
                   Application.state != ApplicationState.withdrawn,
                   sa.or_(Application.state != ApplicationState.draft, Endorsement.id.is_not(None)))


def call_overview(call, locale) -> CallOverview:
    """Per administration of the call's candidates (by name in `locale`): how many are in each
    state of endorsement and its focal points. Three queries, however many candidates."""
    counts = db.session.execute(
        sa.select(Application.administration_code, Endorsement.state, sa.func.count())
        .select_from(Application)
        .outerjoin(Endorsement, Endorsement.application_id == Application.id)
        .where(_candidates(call.id))
        .group_by(Application.administration_code, Endorsement.state)).all()
    codes = {code for code, _state, _n in counts if code}
    rows = {a.code: AdministrationRow(a.code, a.name(locale)) for a in db.session.scalars(
        sa.select(Administration).where(Administration.code.in_(codes)))} if codes else {}
    for code, state, number in counts:
        if code in rows:
            rows[code].counts[state or NOT_REQUESTED] += number
    for code, name in _focal_point_names(codes):
        rows[code].focal_points.append(name)
    return CallOverview(sorted(rows.values(), key=lambda row: collation_key(row.name)))


def _focal_point_names(codes: set[str]) -> list[tuple[str, str]]:
    if not codes:
        return []
    return db.session.execute(
        sa.select(FocalPoint.administration_code, User.full_name)
        .join(User, User.id == FocalPoint.user_id)
        .where(FocalPoint.administration_code.in_(codes), User.is_active_account)
        .order_by(User.full_name)).all()


# --- Screening out the candidates not endorsed ---------------------------------------------------

def not_endorsed(call) -> list[tuple[Application, EndorsementState | None]]:
    """The call's applications still in the competition that are not endorsed (still awaiting
    it, declined, or never sent for it), by reference, with their endorsement's state."""
    return [(application, state) for application, state in db.session.execute(
        sa.select(Application, Endorsement.state)
        .outerjoin(Endorsement, Endorsement.application_id == Application.id)
        .where(Application.call_id == call.id, Application.state.in_(SCREENABLE_STATES),
               sa.or_(Endorsement.id.is_(None), Endorsement.state != EndorsementState.endorsed))
        .order_by(Application.reference)).all()]


def check_screening_allowed(call, now: datetime) -> None:
    if not call.endorsement_required:
        raise OfficeError(_l("This call does not ask for endorsement."))
    deadline = endorsement_deadline(call)
    if deadline is None or now < deadline:
        raise OfficeError(_l("The candidates not endorsed can be marked ineligible only once the "
                             "endorsement deadline has passed."))


def screen_out_non_endorsed(call, *, actor, reason: str, reason_ru: str, now: datetime) -> int:
    """Mark every application of `not_endorsed(call)` ineligible with the reason in English and
    Russian, as applications.services.screen_out does one by one (each audited, each applicant
    told the reason in their language at publication), and audit the step on the call.
    Refused (OfficeError) before the endorsement deadline. Flushes; returns how many."""
    check_screening_allowed(call, now)
    if not reason.strip() or not reason_ru.strip():
        raise OfficeError(_l("Give the reason in English and in Russian."))
    # Two coordinators confirming at once: the second waits for the first's commit (PostgreSQL
    # row lock; SQLite writes one at a time), then finds nobody left to screen out.
    db.session.execute(sa.select(Call.id).where(Call.id == call.id).with_for_update())
    candidates = not_endorsed(call)
    for application, _state in candidates:
        application_services.screen_out(application, actor=actor, reason=reason,
                                        reason_ru=reason_ru, now=now)
    record_event("endorsement.non_endorsed_screened_out", actor=actor, obj=call,
                 screened_out=len(candidates), reason=reason.strip(),
                 reason_ru=reason_ru.strip()).occurred_at = now
    return len(candidates)
