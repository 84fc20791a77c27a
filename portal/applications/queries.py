"""Queries over applications used by several pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from portal.administrations.models import Administration
from portal.applications.models import Application, ApplicationState
from portal.calls.models import DeadlineExtension
from portal.extensions import db
from portal.search import matches

# A submitted application has a moment of submission and a reference: no NULLs to place, and
# each order is one an index of the table gives directly. Drafts, which have neither, are only
# ever listed on their own.
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
    """The coordinator's list of a call's applications, drafts only when their state is asked
    for: rows of LIST_COLUMNS, not entities, to paginate (a page shows seven values a row, and
    building 50 objects with every column cost more than the rest of the page). Each sort is
    read from an index. The search looks for each word in the names, in Latin and native
    script, and in the reference (ASCII, so lower() folds it on every backend)."""
    query = sa.select(*LIST_COLUMNS).where(Application.call_id == call_id)
    if state in ApplicationState.__members__:
        query = query.where(Application.state == ApplicationState(state))
    else:
        query = query.where(Application.state != ApplicationState.draft)
    if administration:
        query = query.where(Application.administration_code == administration)
    if language in ("en", "ru"):
        query = query.where(Application.language == language)
    if search:
        query = query.where(matches(search, Application.search_text,
                                    sa.func.lower(Application.reference)))
    order = SORTS.get(sort, SORTS["submitted"])
    if state == ApplicationState.draft:
        order = (*order, Application.id.desc())  # no reference, no moment: the newest first
    return query.order_by(*order)


def extended_deadlines(call_id: int, application_ids) -> dict:
    """Application id → its applicant's extended deadline, for those of the ids that have one
    (one query: the list marks who was given a later deadline)."""
    ids = list(application_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Application.id, DeadlineExtension.closes_at)
        .join(DeadlineExtension, sa.and_(DeadlineExtension.user_id == Application.applicant_id,
                                         DeadlineExtension.call_id == Application.call_id))
        .where(Application.call_id == call_id, Application.id.in_(ids))).all())


# Columns and filters that later packages add to the list of a call's applications (endorsements:
# its state and the administration's priority), registered when they are set up, so that
# applications imports none of them. An extension has `applies(call)`, `read_filters(args)` (a
# dict of its filters), `extend(query, filters)` (joins, columns and conditions: still one query
# for the page) and `template`, a partial the list includes with `part` set to "filter",
# "header" or "cell".
def register_list_extension(app, extension) -> None:
    app.extensions.setdefault("applications_list_extensions", []).append(extension)


def list_extensions(call) -> list:
    return [extension for extension in current_app.extensions.get("applications_list_extensions", ())
            if extension.applies(call)]


def administrations_of_call(call_id: int) -> list[Administration]:
    """The administrations of a call's applicants (drafts included), in one query."""
    codes = (sa.select(Application.administration_code).where(Application.call_id == call_id)
             .distinct())
    return db.session.scalars(sa.select(Administration).where(Administration.code.in_(codes))).all()
