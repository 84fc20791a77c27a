"""Copying a call: a new draft with the texts, settings and criteria, dates left empty."""

import pytest
import sqlalchemy as sa

from portal.calls import services
from portal.calls.models import Call, CallState
from tests.calls.factories import COMPLETE_TEXTS, make_call


def test_copy_call_is_a_draft_with_texts_settings_and_criteria_but_no_dates(db):
    source = make_call(CallState.closed, criteria=2, blind_review=True, places=5,
                       cap_per_administration=2, min_years_in_service=3,
                       former_fellows_excluded=True, show_other_reviews=True)
    source.form_settings = {"phone": "optional", "certificate": "hidden"}
    copy = services.copy_call(source, actor=None)
    assert copy.id != source.id
    assert copy.state == CallState.draft
    assert (copy.opens_at, copy.closes_at, copy.review_deadline, copy.published_at) == \
        (None, None, None, None)
    assert {name: getattr(copy, name) for name in COMPLETE_TEXTS} == {
        **COMPLETE_TEXTS, "title_en": "Fellowship Programme 2028",
        "title_ru": "Программа стажировок 2028"}
    assert [getattr(copy, name) for name in services.COPIED_SETTINGS] == \
        [getattr(source, name) for name in services.COPIED_SETTINGS]
    assert copy.form_settings == {"phone": "optional", "certificate": "hidden"}
    described = [(c.position, c.name_en, c.name_ru, c.guidance_en, c.guidance_ru, c.weight,
                  c.scale_min, c.scale_max) for c in source.criteria]
    assert [(c.position, c.name_en, c.name_ru, c.guidance_en, c.guidance_ru, c.weight,
             c.scale_min, c.scale_max) for c in copy.criteria] == described
    assert {c.id for c in copy.criteria}.isdisjoint({c.id for c in source.criteria})


def test_copy_call_takes_the_year_given_and_a_new_unique_slug(db):
    source = make_call()
    assert source.slug == "fellowship-programme-2027"
    first = services.copy_call(source, actor=None, programme_year=2030)
    second = services.copy_call(source, actor=None, programme_year=2030)
    assert (first.programme_year, first.slug, first.title_en) == (
        2030, "fellowship-programme-2030", "Fellowship Programme 2030")
    assert second.slug == "fellowship-programme-2030-2"


def test_copy_call_without_the_year_in_its_texts_keeps_them(db):
    source = make_call(title_en="Fellowship in Baku", title_ru="Стажировка в Баку",
                       programme_year=2027)
    copy = services.copy_call(source, actor=None)
    assert (copy.programme_year, copy.title_en, copy.title_ru, copy.slug) == (
        2028, "Fellowship in Baku", "Стажировка в Баку", "fellowship-in-baku-2")


def test_copy_call_replaces_only_the_year_as_a_whole_number(db):
    assert services.replace_year("Call 2027 (ref 120271, 2027-28)", 2027, 2028) == \
        "Call 2028 (ref 120271, 2028-28)"


def test_copy_call_refuses_a_year_out_of_range(db):
    source = make_call()
    with pytest.raises(services.CallError):
        services.copy_call(source, actor=None, programme_year=1900)


# --- The page ----------------------------------------------------------------------------------

def test_copy_page_offers_next_year_and_makes_the_copy(coordinator, forms, db):
    source = make_call(CallState.open)
    page = forms.client.get(f"/manage/calls/{source.id}").get_data(as_text=True)
    assert f'href="/manage/calls/{source.id}/copy"' in page
    form_page = forms.client.get(f"/manage/calls/{source.id}/copy").get_data(as_text=True)
    assert 'value="2028"' in form_page
    response = forms.post(f"/manage/calls/{source.id}/copy", {"programme_year": "2029"},
                          page=f"/manage/calls/{source.id}/copy")
    copy = db.session.scalar(sa.select(Call).where(Call.id != source.id))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/calls/{copy.id}/edit"
    assert (copy.state, copy.programme_year, copy.title_en) == (
        CallState.draft, 2029, "Fellowship Programme 2029")
    edit = forms.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This draft is a copy of Fellowship Programme 2027" in edit


def test_copy_page_refuses_a_year_out_of_range_and_copies_nothing(coordinator, forms, db):
    source = make_call()
    response = forms.post(f"/manage/calls/{source.id}/copy", {"programme_year": "1800"},
                          page=f"/manage/calls/{source.id}/copy")
    assert response.status_code == 200
    assert "Enter a year from 2000 to 2100." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 1
