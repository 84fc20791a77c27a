"""Loading and editing the list of member administrations."""

import csv
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from babel import Locale

from portal.administrations.models import Administration, administration_name
from portal.audit.services import record_event
from portal.extensions import db


class UnknownTerritory(ValueError):
    pass


def read_administrations_csv(path: str | Path) -> list[tuple[str, str]]:
    """(ISO code, note) rows of the reference file; codes CLDR does not know are refused."""
    territories = Locale.parse("en").territories
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["iso_code"].strip().upper()
            if code not in territories:
                raise UnknownTerritory(code)
            rows.append((code, (row.get("note") or "").strip()))
    return rows


def load_administrations(path: str | Path) -> tuple[int, int]:
    """Add the administrations of the file that are missing; keep admins' corrections.

    Returns (added, already present). Flushes; the caller commits.
    """
    existing = set(db.session.scalars(sa.select(Administration.code)))
    added = 0
    for code, note in read_administrations_csv(path):
        if code in existing:
            continue
        db.session.add(Administration(code=code, note=note))
        added += 1
    db.session.flush()
    return added, len(existing)


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
