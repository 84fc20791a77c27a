"""Reading the audit trail: the log's filters, its query, and what a page of it needs."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.search import matches

# Codes as the services write them: "application", "call.criterion_added".
_CODE = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_NUMBER = re.compile(r"[0-9]{1,18}")
FILTER_NAMES = ("object_type", "object_id", "actor", "action", "date_from", "date_to")


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    object_id: str = ""
    actor: str = ""  # part of the acting user's e-mail address
    action: str = ""
    date_from: date | None = None  # whole days in the viewer's time zone, both included
    date_to: date | None = None


def parse_filters(args) -> tuple[AuditFilters, dict[str, str]]:
    """Filters from the query string, and a message per field that could not be understood.

    A field in error is left out of the filters, so the page still shows a sensible list.
    """
    raw = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
    errors: dict[str, str] = {}
    for name in ("object_type", "action"):
        if raw[name] and not _CODE.fullmatch(raw[name]):
            errors[name] = _("Choose a value from the list.")
    if len(raw["object_id"]) > 64:
        errors["object_id"] = _("An object number has at most 64 characters.")
    if len(raw["actor"]) > 254:
        errors["actor"] = _("An e-mail address has at most 254 characters.")
    dates = {}
    for name in ("date_from", "date_to"):
        try:
            dates[name] = date.fromisoformat(raw[name]) if raw[name] else None
        except ValueError:
            errors[name] = _("Enter a date such as 2027-03-15.")
            dates[name] = None
    if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        errors["date_to"] = _("The end date must not be before the start date.")
        dates["date_to"] = None
    kept = {name: ("" if name in errors else raw[name])
            for name in ("object_type", "object_id", "actor", "action")}
    return AuditFilters(**kept, **dates), errors


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def events_query(filters: AuditFilters, *, zone: str):
    """The filtered events, newest first; dates are days in the given time zone."""
    from portal.accounts.models import User

    query = sa.select(AuditEvent)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        matching = sa.select(User.id).where(
            matches(filters.actor, User.email))  # stored lower-cased
        query = query.where(AuditEvent.actor_id.in_(matching))
    tz = ZoneInfo(zone)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _start_of(filters.date_from, tz))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < _start_of(filters.date_to + timedelta(days=1), tz))
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def choices(column, chosen: str) -> list[str]:
    """The distinct values of a column present in the log, and the one chosen if absent."""
    present = set(db.session.scalars(sa.select(column).distinct()))
    return sorted(present | ({chosen} if chosen else set()))


def users_by_id(events) -> dict:
    """The users a page of events names, in one query: who acted, the users acted upon, and
    the reviewers and users its details mention."""
    from portal.accounts.models import User

    ids = {e.actor_id for e in events if e.actor_id is not None}
    ids |= _ids(events, "user")
    ids |= {e.details[key] for e in events for key in ("reviewer", "user")
            if isinstance(e.details, dict) and isinstance(e.details.get(key), int)}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def submitted_application_ids(events) -> set[str]:
    """Of the applications a page names, those a coordinator can open (drafts cannot be)."""
    from portal.applications.models import Application, ApplicationState

    ids = {int(e.object_id) for e in events
           if e.object_type == "application" and _NUMBER.fullmatch(e.object_id or "")}
    if not ids:
        return set()
    return {str(i) for i in db.session.scalars(
        sa.select(Application.id).where(Application.id.in_(ids),
                                        Application.state != ApplicationState.draft))}


def _ids(events, object_type: str) -> set[int]:
    return {int(e.object_id) for e in events
            if e.object_type == object_type and _NUMBER.fullmatch(e.object_id or "")}


def object_names(events, locale, users: dict) -> dict[tuple[str, str], str]:
    """What a page of events names its objects by: an application by its reference number (a
    draft by its number), a call by its title, a user by name (from `users`, users_by_id's),
    an administration by its name; one query per other kind of object on the page."""
    from portal.administrations.models import Administration
    from portal.applications.models import Application
    from portal.calls.models import Call

    names: dict[tuple[str, str], str] = {}
    if ids := _ids(events, "application"):
        for number, reference in db.session.execute(
                sa.select(Application.id, Application.reference).where(Application.id.in_(ids))):
            names["application", str(number)] = reference or _("draft no. %(number)s",
                                                               number=number)
    if ids := _ids(events, "call"):
        title = Call.title_ru if locale.language == "ru" else Call.title_en
        for number, text, english in db.session.execute(
                sa.select(Call.id, title, Call.title_en).where(Call.id.in_(ids))):
            names["call", str(number)] = text or english or str(number)
    for number in _ids(events, "user") & set(users):
        names["user", str(number)] = users[number].full_name
    codes = {e.object_id for e in events if e.object_type == "administration"}
    if codes:
        for administration in db.session.scalars(
                sa.select(Administration).where(Administration.code.in_(codes))):
            names["administration", administration.code] = administration.name(locale)
    return names
