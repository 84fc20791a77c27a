"""Queries over applications used by several pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.applications.models import Application, ApplicationState
from portal.extensions import db

SORTS = {
    "submitted": (Application.submitted_at.desc().nulls_last(), Application.id.desc()),
    "name": (Application.applicant_name, Application.id),
    "reference": (Application.reference.nulls_last(), Application.id),
    "administration": (Application.administration_code, Application.applicant_name),
}


def applications_of(user) -> list[Application]:
    """The applicant's applications with their calls, for the dashboard: one query (their
    sections, documents and the calls' criteria are not loaded)."""
    from portal.calls.models import Call

    return db.session.scalars(
        sa.select(Application).where(Application.applicant_id == user.id)
        .options(so.lazyload(Application.sections), so.lazyload(Application.documents),
                 so.joinedload(Application.call).lazyload(Call.criteria))
        .order_by(Application.created_at.desc())
    ).all()


def call_applications_query(call_id: int, *, state: str = "", administration: str = "",
                            language: str = "", search: str = "", sort: str = "submitted"):
    """The coordinator's list of a call's applications: drafts are not shown.

    The call is not joined to every row: the page has it already (a row's `call` is then found
    in the session, with no query), and on SQLite a later page sorts every row before the
    offset with all its columns, the call's long texts among them (page 400 of 20,000: 2.9 s).
    """
    query = (sa.select(Application)
             .where(Application.call_id == call_id,
                    Application.state != ApplicationState.draft)
             .options(so.raiseload(Application.sections), so.raiseload(Application.documents),
                      so.lazyload(Application.call), so.joinedload(Application.administration)))
    if state in ApplicationState.__members__:
        query = query.where(Application.state == ApplicationState(state))
    if administration:
        query = query.where(Application.administration_code == administration.upper()[:2])
    if language in ("en", "ru"):
        query = query.where(Application.language == language)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Application.applicant_name).like(pattern),
                                   sa.func.lower(Application.reference).like(pattern)))
    return query.order_by(*SORTS.get(sort, SORTS["submitted"]))
