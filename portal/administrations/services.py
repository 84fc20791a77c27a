"""Loading and editing the list of member administrations, and their focal points."""

import csv
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from babel import Locale
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.administrations.models import Administration, FocalPoint, administration_name
from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.extensions import db


class UnknownTerritory(ValueError):
    pass


@dataclass(frozen=True)
class ReferenceRow:
    """A member administration as the reference file describes it."""

    code: str
    name_en: str | None  # the name it uses for itself where CLDR's differs, else None
    name_ru: str | None
    time_zone: str | None  # its main time zone, preselected for its officers
    note: str


def read_administrations_csv(path: str | Path) -> list[ReferenceRow]:
    """The rows of the reference file; codes CLDR does not know are refused."""
    territories = Locale.parse("en").territories
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["iso_code"].strip().upper()
            if code not in territories:
                raise UnknownTerritory(code)
            rows.append(ReferenceRow(
                code, (row.get("name_en") or "").strip() or None,
                (row.get("name_ru") or "").strip() or None,
                (row.get("time_zone") or "").strip() or None, (row.get("note") or "").strip()))
    return rows


def load_administrations(path: str | Path) -> tuple[int, int, int]:
    """Add the administrations of the file that are missing, and give those present the names
    the file gives, except a name an admin has corrected (the audit log says which).

    Returns (added, renamed, already present). Flushes; the caller commits.
    """
    existing = {a.code: a for a in db.session.scalars(sa.select(Administration))}
    corrected = names_corrected_by_admins()
    added = renamed = 0
    for row in read_administrations_csv(path):
        administration = existing.get(row.code)
        if administration is None:
            db.session.add(Administration(code=row.code, name_en=row.name_en,
                                          name_ru=row.name_ru, note=row.note))
            added += 1
        elif _take_reference_names(administration, row, corrected.get(row.code, set())):
            renamed += 1
    db.session.flush()
    return added, renamed, len(existing)


def _take_reference_names(administration: Administration, row: ReferenceRow,
                          corrected: set[str]) -> bool:
    """The file's names where it gives one and no admin corrected it; audited if one changed."""
    before = [administration.name_en, administration.name_ru]
    for field in ("name_en", "name_ru"):
        if getattr(row, field) and field not in corrected:
            setattr(administration, field, getattr(row, field))
    after = [administration.name_en, administration.name_ru]
    if after == before:
        return False
    record_event("administration.reference_names", obj=administration, before=before, after=after)
    return True


def names_corrected_by_admins() -> dict[str, set[str]]:
    """Per administration, which of its names ('name_en', 'name_ru') an admin has changed."""
    corrected: dict[str, set[str]] = {}
    for code, details in db.session.execute(
            sa.select(AuditEvent.object_id, AuditEvent.details)
            .where(AuditEvent.action == "administration.updated")):
        before, after = (details or {}).get("before") or [], (details or {}).get("after") or []
        for index, field in enumerate(("name_en", "name_ru")):
            if index < min(len(before), len(after)) and before[index] != after[index]:
                corrected.setdefault(code, set()).add(field)
    return corrected


def administration_time_zone(code: str | None) -> str:
    """An administration's main time zone (the reference file's), else the office's."""
    zones = reference_time_zones(str(current_app.config["ADMINISTRATIONS_CSV"]))
    return zones.get(code or "") or current_app.config["OFFICE_TIMEZONE"]


@lru_cache(maxsize=4)
def reference_time_zones(path: str) -> dict[str, str]:
    """Each administration's main time zone, from the reference file (read once per process)."""
    return {row.code: row.time_zone for row in read_administrations_csv(path) if row.time_zone}


def administration_choices(locale: Locale | str, *,
                           keep: str | None = None) -> list[tuple[str, str]]:
    """Active administrations as (code, name in the locale), sorted by that name; also `keep`
    (a person's own administration) if it is hidden.

    Read on every call (an admin may rename or retire one at any time), as plain rows; the
    names and their order are worked out once per language for the same rows.
    """
    rows = tuple(tuple(row) for row in db.session.execute(
        sa.select(Administration.code, Administration.name_en, Administration.name_ru)
        .where(sa.or_(Administration.is_active, Administration.code == (keep or "")))
        .order_by(Administration.code)))
    return list(_named_and_sorted(rows, str(locale)))


@lru_cache(maxsize=16)
def _named_and_sorted(rows: tuple, locale_name: str) -> tuple[tuple[str, str], ...]:
    names = [(code, administration_name(code, name_en, name_ru, locale_name)) for code, name_en, name_ru in rows]
    return tuple(sorted(names, key=lambda item: item[1]))


def update_administration(administration: Administration, *, actor, name_en: str | None,
                          name_ru: str | None, note: str, is_active: bool) -> None:
    """Correct an administration's names or retire it; audited. Flushes."""
    before = (administration.name_en, administration.name_ru, administration.is_active)
    administration.name_en = name_en or None
    administration.name_ru = name_ru or None
    administration.note = note
    administration.is_active = is_active
    record_event(
        "administration.updated", actor=actor, obj=administration,
        before=list(before), after=[administration.name_en, administration.name_ru, is_active],
    )
    db.session.flush()


class AdministrationExists(ValueError):
    pass


def territories_to_add(locale: Locale | str) -> list[tuple[str, str]]:
    """The countries (ISO 3166-1 alpha-2 codes CLDR names) with no administration in the list
    yet, as (code, name in the locale), sorted by name."""
    present = set(db.session.scalars(sa.select(Administration.code)))
    names = Locale.parse(locale).territories
    return sorted(((code, name) for code, name in names.items()
                   if len(code) == 2 and code.isalpha() and code not in present
                   and code not in _NOT_COUNTRIES), key=lambda item: item[1])


# Two-letter codes CLDR names that are no country's: the European Union, the Eurozone, the
# United Nations, pseudo-locales and "unknown region".
_NOT_COUNTRIES = {"EU", "EZ", "UN", "XA", "XB", "ZZ", "QO"}


def add_administration(*, code: str, actor, name_en: str | None = None,
                       name_ru: str | None = None, note: str = "") -> Administration:
    """A new member administration (shown); its names are CLDR's unless given. Raises
    UnknownTerritory or AdministrationExists. Audited. Flushes."""
    code = code.strip().upper()
    if code not in dict(territories_to_add("en")):
        if db.session.get(Administration, code) is not None:
            raise AdministrationExists(code)
        raise UnknownTerritory(code)
    administration = Administration(code=code, name_en=name_en or None, name_ru=name_ru or None,
                                    note=note, is_active=True)
    db.session.add(administration)
    db.session.flush()
    record_event("administration.added", actor=actor, obj=administration,
                 after=[administration.name_en, administration.name_ru])
    return administration


# --- Focal points (nominating officials) -----------------------------------------------------

class FocalPointError(Exception):
    """A focal point cannot be added; `message` (lazy, localized) says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def focal_points_of(code: str) -> list[FocalPoint]:
    """An administration's focal points with their accounts, by name."""
    from portal.accounts.models import User

    return list(db.session.scalars(
        sa.select(FocalPoint).join(FocalPoint.user)
        .where(FocalPoint.administration_code == code).order_by(User.full_name, FocalPoint.id)
    ).unique())


def administrations_focal_point_of(user) -> set[str]:
    """The codes of the administrations the user is a focal point of (none for a visitor)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return set()
    return set(db.session.scalars(sa.select(FocalPoint.administration_code)
                                  .where(FocalPoint.user_id == user.id)))


def administrations_without_focal_point() -> list[str]:
    """The codes of the active administrations with no focal point, in code order."""
    return list(db.session.scalars(
        sa.select(Administration.code)
        .where(Administration.is_active,
               ~sa.exists().where(FocalPoint.administration_code == Administration.code))
        .order_by(Administration.code)))


def focal_point_counts() -> dict[str, int]:
    """Per administration code, how many focal points it has (absent: none)."""
    return dict(db.session.execute(
        sa.select(FocalPoint.administration_code, sa.func.count())
        .group_by(FocalPoint.administration_code)).all())


def add_focal_point(administration: Administration, *, full_name: str, title: str, email: str,
                    language: str, actor, now: datetime) -> FocalPoint:
    """Make the person a focal point of the administration: their account (invited if new,
    in `language`; an existing one keeps its own name and language) gets the nominator role.
    Raises FocalPointError if they are one already. Audited. Flushes."""
    from portal.accounts.invitations import invite_user
    from portal.accounts.models import Role
    from portal.accounts.services import find_user_by_email

    existing = find_user_by_email(email)
    if existing is not None and administration.code in administrations_focal_point_of(existing):
        raise FocalPointError(_l("%(email)s is already a focal point of this administration.",
                                 email=existing.email))
    user = invite_user(email=email, full_name=full_name, language=language,
                       roles={Role.nominator}, actor=actor, now=now,
                       administration_code=administration.code,
                       time_zone=administration_time_zone(administration.code),
                       administration=administration)
    focal_point = FocalPoint(administration_code=administration.code, user_id=user.id,
                             title=title.strip(), created_at=now,
                             created_by_id=getattr(actor, "id", None))
    db.session.add(focal_point)
    db.session.flush()
    record_event("focal_point.added", actor=actor, obj=administration, user=user.id,
                 job_title=focal_point.title)
    return focal_point


def remove_focal_point(focal_point: FocalPoint, *, actor) -> None:
    """The person stops being a focal point of this administration; their account loses the
    nominator role once they are a focal point of no administration. Audited. Flushes."""
    from portal.accounts.models import Role
    from portal.accounts.services import set_roles

    user, administration = focal_point.user, focal_point.administration
    db.session.delete(focal_point)
    db.session.flush()
    if not administrations_focal_point_of(user) and Role.nominator in user.roles:
        set_roles(user, user.roles - {Role.nominator}, actor=actor)
    record_event("focal_point.removed", actor=actor, obj=administration, user=user.id)
    db.session.flush()


def resend_focal_point_invitation(focal_point: FocalPoint, *, actor, now: datetime) -> None:
    """A new set-password link for a focal point who has not set a password. Raises
    accounts.invitations.InvitationUsed otherwise."""
    from portal.accounts.invitations import resend_invitation

    resend_invitation(focal_point.user, actor=actor, now=now,
                      administration=focal_point.administration)
