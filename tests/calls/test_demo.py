"""The demo calls: made once, complete where they should be, shown on the public pages."""

from datetime import time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.calls import services
from portal.calls.demo import seed_demo_calls
from portal.calls.models import Call, CallState
from portal.database import utcnow

SLUGS = ["rocb-europe-fellowship-programme-2027", "rocb-europe-fellowship-programme-2028",
         "rocb-europe-fellowship-programme-2026"]


def test_seed_demo_calls_makes_an_open_a_draft_and_a_closed_call_once(db):
    assert seed_demo_calls() == [(SLUGS[0], "open"), (SLUGS[1], "draft"), (SLUGS[2], "closed")]
    db.session.commit()
    assert seed_demo_calls() == [(SLUGS[0], "open"), (SLUGS[1], "draft"), (SLUGS[2], "closed")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 3


def test_seed_demo_calls_open_call_is_complete_and_closes_at_six_in_baku(db):
    seed_demo_calls()
    call = db.session.scalar(sa.select(Call).where(Call.slug == SLUGS[0]))
    now = utcnow()
    assert services.missing_for_opening(call, now) == []
    assert [c.name_en for c in call.criteria] == [
        "Professional experience", "Motivation", "Relevance of the proposed project",
        "Language skills"]
    assert call.closes_at.astimezone(ZoneInfo("Asia/Baku")).time() == time(18, 0)
    assert 58 <= (call.closes_at - now).days <= 60
    assert call.is_open_at(now)


def test_seed_demo_calls_each_have_the_year_of_their_programme(db):
    seed_demo_calls()
    years = dict(db.session.execute(sa.select(Call.slug, Call.programme_year)).all())
    assert years == {SLUGS[0]: 2027, SLUGS[1]: 2028, SLUGS[2]: 2026}


def test_seed_demo_calls_draft_shows_what_is_missing(db):
    seed_demo_calls()
    draft = db.session.scalar(sa.select(Call).where(Call.slug == SLUGS[1]))
    assert draft.state == CallState.draft
    assert "Title is missing in Russian." in [str(p) for p in
                                              services.missing_for_opening(draft, utcnow())]


def test_seed_demo_calls_open_call_is_on_the_home_page_in_both_languages(client, db):
    seed_demo_calls()
    db.session.commit()
    english = client.get("/").get_data(as_text=True)
    russian = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "ROCB Europe Fellowship Programme 2027" in english
    assert "Программа стажировок ROCB Europe 2027" in russian
    page = client.get(f"/calls/{SLUGS[0]}").get_data(as_text=True)
    assert "<strong>customs officer</strong>" in page
