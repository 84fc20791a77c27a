"""Queries over applications used by several pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.applications.models import Application, ApplicationState
from portal.extensions import db

# Every application listed has been submitted, so it has a moment of submission and a
# reference: no NULLs to place, and each order is one an index of the table gives directly.
SORTS = {
    "submitted": (Application.submitted_at.desc(), Application.id.desc()),
    "name": (Application.applicant_name, Application.id),
    "reference": (Application.reference,),
    "administration": (Application.administration_code, Application.applicant_name),
}


def applications_of(user) -> list[Application]:
    """The applicant's applications with their calls, for the dashboard: one query (their
    sections, documents and the calls' criteria are not loaded)."""
    return db.session.scalars(
        sa.select(Application).where(Application.applicant_id == user.id)
        .options(so.lazyload(Application.sections), so.lazyload(Application.documents),
                 so.joinedload(Application.call))
        .order_by(Application.created_at.desc())
    ).all()


LIST_COLUMNS = (Application.id, Application.reference, Application.applicant_name,
                Application.administration_code, Application.language, Application.state,
                Application.submitted_at)


def call_applications_query(call_id: int, *, state: str = "", administration: str = "",
                            language: str = "", search: str = "", sort: str = "submitted"):
    """The coordinator's list of a call's applications, drafts left out: rows of LIST_COLUMNS,
    not entities, to paginate (a page shows seven values a row, and building 50 objects with
    every column cost more than the rest of the page). Each sort is read from an index."""
    query = (sa.select(*LIST_COLUMNS)
             .where(Application.call_id == call_id,
                    Application.state != ApplicationState.draft))
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
