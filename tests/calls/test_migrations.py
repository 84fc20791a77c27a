"""The data the migrations write for calls that existed before a column did."""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest

MIGRATION = (Path(__file__).parents[2] / "migrations" / "versions"
             / "20261201_546132d8becb_call_programme_year_and_eligibility.py")


def _migration():
    spec = importlib.util.spec_from_file_location("programme_year_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEADLINE_2026 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("title_en,title_ru,slug,closes_at,opens_at,year", [
    # A 2027 programme whose call closed in 2026: the title's year, not the deadline's.
    ("ROCB Europe Fellowship Programme 2027", "Программа стажировок 2027",
     "rocb-europe-fellowship-programme-2027", DEADLINE_2026, None, 2027),
    ("", "Программа стажировок 2028", "call", DEADLINE_2026, None, 2028),
    ("Fellowship", "", "fellowship-2029", DEADLINE_2026, None, 2029),
    # Several years named, or none: the deadline's year.
    ("Fellowship 2026-2027", "", "fellowship-2026-2027", DEADLINE_2026, None, 2026),
    ("Fellowship call 1", "Конкурс 1", "call-1", DEADLINE_2026, None, 2026),
    ("Fellowship call 12027", "", "call", None, datetime(2025, 1, 1, tzinfo=UTC), 2025),
    ("Fellowship", "", "fellowship", None, None, None),
])
def test_programme_year_of_an_existing_call(title_en, title_ru, slug, closes_at, opens_at, year):
    assert _migration().programme_year(title_en, title_ru, slug, closes_at, opens_at) == year
