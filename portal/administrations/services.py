"""Loading and editing the list of member administrations."""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from babel import Locale
from flask import current_app

from portal.administrations.models import Administration, administration_name
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


def administration_choices(locale: Locale | str) -> list[tuple[str, str]]:
    """Active administrations as (code, name in the locale), sorted by that name.

    Read on every call (an admin may rename or retire one at any time), as plain rows; the
    names and their order are worked out once per language for the same rows.
    """
    rows = tuple(tuple(row) for row in db.session.execute(
        sa.select(Administration.code, Administration.name_en, Administration.name_ru)
        .where(Administration.is_active).order_by(Administration.code)))
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
