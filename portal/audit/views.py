"""The audit log page for coordinators and admins."""

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from portal.audit import bp, queries
from portal.audit.labels import action_label, detail_label, detail_text, object_type_label
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.pagination import requested_page
from portal.permissions import (
    can_manage_administrations,
    can_manage_applications,
    can_manage_calls,
    can_manage_users,
    can_view_audit_log,
    require,
)

PER_PAGE = 50


@dataclass(frozen=True)
class EventRow:
    occurred_at: datetime
    actor: object | None  # the User, None for the system or a deleted account
    action: str
    action_label: str
    object_type: str
    object_label: str
    object_id: str
    object_name: str  # its reference, title or name; the number when it has none
    object_url: str | None
    ip_address: str
    details: list[tuple[str, str]]


@bp.route("/manage/audit")
@require(can_view_audit_log)
def audit_log():
    filters, errors = queries.parse_filters(request.args)
    query = queries.events_query(filters, zone=str(get_timezone()))
    page = db.paginate(query, page=requested_page(), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    return render_template(
        "audit/log.html", page=page, rows=event_rows(page.items), errors=errors,
        values={name: request.args.get(name, "") for name in queries.FILTER_NAMES},
        object_types=[(code, object_type_label(code)) for code in
                      queries.choices(AuditEvent.object_type, filters.object_type) if code],
        actions=[(code, action_label(code)) for code in
                 queries.choices(AuditEvent.action, filters.action)])


def event_rows(events) -> list[EventRow]:
    """A page of events with their actors, objects' names and links, and their details in
    words, in a few queries whatever its length."""
    users = queries.users_by_id(events)
    openable = queries.submitted_application_ids(events)
    names = queries.object_names(events, get_locale(), users)
    reviewers = {number: user.full_name for number, user in users.items()}
    return [EventRow(e.occurred_at, users.get(e.actor_id), e.action, action_label(e.action),
                     e.object_type, object_type_label(e.object_type), e.object_id,
                     names.get((e.object_type, e.object_id), e.object_id),
                     object_url(e.object_type, e.object_id, openable), e.ip_address,
                     detail_rows(e.details, reviewers))
            for e in events]


def detail_rows(details, names: dict[int, str]) -> list[tuple[str, str]]:
    """An event's details as (label, text) pairs, in the order of their labels."""
    if not isinstance(details, dict):
        return []
    return sorted((detail_label(str(key)), detail_text(str(key), value, names))
                  for key, value in details.items())


def object_url(object_type: str, object_id: str, openable_applications: set[str]) -> str | None:
    """The object's management page, where there is one the viewer may open."""
    if not object_id:
        return None
    if object_type == "application" and object_id in openable_applications \
            and can_manage_applications(current_user):
        return url_for("applications.manage_application", application_id=int(object_id))
    if object_type == "call" and object_id.isascii() and object_id.isdigit() \
            and can_manage_calls(current_user):
        return url_for("calls.manage_call", call_id=int(object_id))
    if object_type == "user" and object_id.isascii() and object_id.isdigit() \
            and can_manage_users(current_user):
        return url_for("accounts.edit_user", user_id=int(object_id))
    if object_type == "administration" and can_manage_administrations(current_user):
        return url_for("administrations.edit_administration", code=object_id)
    return None
