"""Call pages through the test client: the coordinator's pages and the public one."""

import html
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from portal.calls import services
from portal.calls.models import Call, CallState, Criterion
from portal.calls.views import time_left
from portal.database import utcnow

CALL_FORM = {
    "title_en": "Fellowship 2027", "title_ru": "Стажировка 2027",
    "summary_en": "Six months in Baku.", "summary_ru": "Шесть месяцев в Баку.",
    "description_en": "About", "description_ru": "О программе",
    "eligibility_en": "Officers", "eligibility_ru": "Сотрудники",
    "time_zone": "Asia/Baku", "opens_at": "2027-01-10T09:00", "closes_at": "2027-03-15T18:00",
    "review_deadline": "2027-04-15T18:00", "places": "3", "reviewers_per_application": "2",
    "cap_per_administration": "", "programme_year": "2027",
}
CRITERION_FORM = {"name_en": "Motivation", "name_ru": "Мотивация", "guidance_en": "Aims",
                  "guidance_ru": "Цели", "weight": "1.5", "scale_min": "1", "scale_max": "5"}


def _main(response) -> str:
    """The page's own content, without the navigation, footer and scripts around it."""
    return response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]


def _summary(page: str) -> list[str]:
    """The error summary's links, as "#field-id Label: message"."""
    box = re.search(r"data-error-summary>(.*?)</div>", page, re.S).group(1)
    return [f"{href} {html.unescape(text)}" for href, text in
            re.findall(r'<a [^>]*href="(#[^"]+)"[^>]*>(.*?)</a>', box, re.S)]


def _only_call(db) -> Call:
    return db.session.scalars(sa.select(Call)).one()


def _follow(client, response):
    assert response.status_code == 302
    return client.get(response.headers["Location"])


# --- List, create, edit ----------------------------------------------------------------------

def test_list_calls_shows_state_dates_with_zone_and_criteria_count(client, coordinator, make_call):
    make_call(CallState.open, criteria=3, closes_at=datetime(2027, 3, 15, 14, 0, tzinfo=UTC),
              review_deadline=datetime(2027, 4, 15, 14, 0, tzinfo=UTC))
    page = _main(client.get("/manage/calls"))
    row = re.search(r"<tbody>(.*)</tbody>", page, re.S).group(1)
    assert "Fellowship Programme 2027" in row
    assert ">Open</span>" in row
    assert "March 15, 2027, 6:00\u202fPM (Baku, UTC+04:00)" in row
    assert '<td class="text-end">3</td>' in row
    assert 'href="/manage/calls/new"' in page


def test_list_calls_newest_first_by_opening_with_undated_calls_on_top(client, coordinator,
                                                                       make_call):
    now = utcnow()
    make_call(CallState.open, title_en="Programme 2027", opens_at=now - timedelta(days=7),
              closes_at=now + timedelta(days=60))
    make_call(title_en="Programme 2028", opens_at=None, closes_at=None)
    make_call(CallState.closed, title_en="Programme 2026", opens_at=now - timedelta(days=300),
              closes_at=now - timedelta(days=240))
    page = _main(client.get("/manage/calls"))
    assert re.findall(r'href="/manage/calls/\d+">([^<]+)</a>', page) == [
        "Programme 2028", "Programme 2027", "Programme 2026"]
    assert "Newest first, by the day applications open" in page


def test_new_call_form_has_blind_review_ticked(client, coordinator):
    page = _main(client.get("/manage/calls/new"))
    box = re.search(r'<input[^>]*id="blind_review"[^>]*>', page).group(0)
    assert "checked" in box


def test_create_call_stores_local_times_of_the_calls_zone_in_utc(client, forms, coordinator, db):
    response = forms.post("/manage/calls/new", dict(
        CALL_FORM, time_zone="Europe/Berlin", opens_at="2027-01-10T09:00",
        closes_at="2027-07-01T18:00", review_deadline="2027-08-01T18:00", blind_review="y",
        show_other_reviews="y", cap_per_administration="1"))
    call = _only_call(db)
    assert response.headers["Location"] == f"/manage/calls/{call.id}"
    assert (call.opens_at, call.closes_at) == (datetime(2027, 1, 10, 8, 0, tzinfo=UTC),
                                              datetime(2027, 7, 1, 16, 0, tzinfo=UTC))
    assert (call.state, call.time_zone, call.blind_review, call.show_other_reviews,
            call.cap_per_administration) == (CallState.draft, "Europe/Berlin", True, True, 1)


@pytest.mark.parametrize("local,message", [
    ("2027-03-28T02:30", "#closes_at Deadline for applications: This time does not exist in "
                         "the call's time zone: the clocks move forward then. Choose another time."),
    ("2027-10-31T02:30", "#closes_at Deadline for applications: This time occurs twice in the "
                         "call's time zone: the clocks move back then. Choose another time."),
])
def test_create_call_with_a_local_time_the_clocks_skip_or_repeat_is_refused(
        client, forms, coordinator, db, local, message):
    response = forms.post("/manage/calls/new", dict(
        CALL_FORM, time_zone="Europe/Berlin", closes_at=local, review_deadline=""))
    page = _main(response)
    assert response.status_code == 200
    assert _summary(page) == [message]
    assert f'value="{local}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_create_call_without_a_title_shows_the_linked_error_summary(client, forms, coordinator,
                                                                     db):
    response = forms.post("/manage/calls/new", dict(CALL_FORM, title_en="", title_ru="",
                                                    places="0"))
    page = _main(response)
    assert _summary(page) == [
        "#title_en Title (English): Give the call a title in at least one language.",
        "#places Fellowship places: Enter a number from 1 to 1000.",
    ]
    assert 'value="Six months in Baku."' not in page  # a textarea keeps it as its content
    assert "Six months in Baku." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_create_call_with_deadlines_out_of_order_is_refused(client, forms, coordinator, db):
    page = _main(forms.post("/manage/calls/new", dict(
        CALL_FORM, closes_at="2027-01-01T18:00", review_deadline="2026-12-01T18:00")))
    assert "The deadline must come after the call opens." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_edit_call_saves_the_programme_year_and_the_eligibility_rules(client, forms, coordinator,
                                                                      db, make_call):
    call = make_call(programme_year=None)
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert re.search(r'id="programme_year"[^>]*value=""', page)
    response = forms.post(f"/manage/calls/{call.id}/edit", dict(
        CALL_FORM, programme_year="2028", min_years_in_service="3", former_fellows_excluded="y",
        version=str(call.version)))
    assert response.status_code == 302
    db.session.refresh(call)
    assert (call.programme_year, call.min_years_in_service, call.former_fellows_excluded) == (
        2028, 3, True)
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert re.search(r'id="programme_year"[^>]*value="2028"', page)
    assert re.search(r'id="min_years_in_service"[^>]*value="3"', page)


@pytest.mark.parametrize("entries,message", [
    ({"programme_year": "1999"}, "#programme_year Programme year: Enter a year from 2000 to 2100."),
    ({"min_years_in_service": "61"}, "#min_years_in_service Minimum years in customs service "
                                     "(optional): Enter a whole number of years from 0 to 60."),
])
def test_create_call_with_an_impossible_year_is_refused(client, forms, coordinator, db, entries,
                                                        message):
    page = _main(forms.post("/manage/calls/new", dict(CALL_FORM, **entries)))
    assert _summary(page) == [message]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_edit_open_call_cannot_empty_the_programme_year(client, forms, coordinator, db,
                                                        make_call):
    call = make_call(CallState.open)
    page = _main(forms.post(f"/manage/calls/{call.id}/edit",
                            dict(CALL_FORM, programme_year="", version=str(call.version))))
    assert _summary(page) == ["#programme_year Programme year: The call is no longer a draft: "
                              "this cannot be left empty."]
    db.session.refresh(call)
    assert call.programme_year == 2027


def test_call_form_labels_each_input_with_its_language(client, coordinator):
    page = _main(client.get("/manage/calls/new"))
    for name, label in [("title", "Title"), ("summary", "Summary"),
                        ("description", "Description"), ("eligibility", "Eligibility")]:
        assert f'<label class="form-label" for="{name}_en">{label} (English)</label>' in page
        assert f'<label class="form-label" for="{name}_ru">{label} (Russian)</label>' in page
        assert re.search(rf'<(input|textarea)[^>]*id="{name}_en"[^>]*lang="en"', page)
        assert re.search(rf'<(input|textarea)[^>]*id="{name}_ru"[^>]*lang="ru"', page)
    assert 'type="datetime-local"' in page
    assert '<option selected value="Asia/Baku">' in page
    assert 'id="description_en-hint"' in page and "Markdown" in page


def test_edit_call_shows_moments_as_local_times_of_the_calls_zone(client, coordinator, make_call):
    call = make_call(closes_at=datetime(2027, 3, 15, 14, 0, tzinfo=UTC))
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert re.search(r'id="closes_at"[^>]*value="2027-03-15T18:00"', page)
    assert f'id="version" name="version" type="hidden" value="{call.version}"' in page


def test_edit_call_saves_and_returns_to_the_overview(client, forms, coordinator, db, make_call):
    call = make_call()
    response = forms.post(f"/manage/calls/{call.id}/edit",
                          dict(CALL_FORM, title_en="Renamed", version=str(call.version)))
    assert response.headers["Location"] == f"/manage/calls/{call.id}"
    db.session.refresh(call)
    assert (call.title_en, call.closes_at) == ("Renamed", datetime(2027, 3, 15, 14, 0, tzinfo=UTC))


def test_edit_call_saved_meanwhile_keeps_the_entries_and_overwrites_nothing(
        client, forms, coordinator, db, make_call):
    call = make_call()
    loaded_version = call.version
    services.update_call(call, actor=None, data={"title_en": "Saved by someone else"},
                         expected_version=loaded_version)
    db.session.commit()

    response = forms.post(f"/manage/calls/{call.id}/edit",
                          dict(CALL_FORM, title_en="My title", version=str(loaded_version)))
    page = _main(response)
    assert response.status_code == 200
    assert "Your changes have not been saved" in page
    assert 'value="My title"' in page
    assert "<li>Title (English)</li>" in page
    db.session.refresh(call)
    assert call.title_en == "Saved by someone else"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="version" type="hidden" value="{call.version}"' in page
    response = forms.post(f"/manage/calls/{call.id}/edit",
                          dict(CALL_FORM, title_en="My title", version=str(call.version)))
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.title_en == "My title"


def test_edit_open_call_cannot_empty_a_text(client, forms, coordinator, db, make_call):
    call = make_call(CallState.open)
    page = _main(forms.post(f"/manage/calls/{call.id}/edit",
                            dict(CALL_FORM, summary_ru="", version=str(call.version))))
    assert _summary(page) == [
        "#summary_ru Summary (Russian): The call is no longer a draft: this cannot be left empty."]
    db.session.refresh(call)
    assert call.summary_ru != ""


# --- Criteria --------------------------------------------------------------------------------

def test_add_criterion_saves_it_and_accepts_a_decimal_comma(client, forms, coordinator, db,
                                                             make_call):
    call = make_call(criteria=0)
    response = forms.post(f"/manage/calls/{call.id}/criteria/new",
                          dict(CRITERION_FORM, weight="1,5"))
    assert response.headers["Location"] == f"/manage/calls/{call.id}"
    criterion = db.session.scalars(sa.select(Criterion)).one()
    assert (criterion.call_id, criterion.name_ru, criterion.weight) == (
        call.id, "Мотивация", Decimal("1.50"))


WEIGHT_ERROR = ("#weight Weight: Enter a number greater than 0 and at most 1000, with at most "
                "two decimals (for example 1.5).")
SCALE_ERROR = "#scale_max Highest score: The highest score must be above the lowest."


@pytest.mark.parametrize("changes,error", [
    ({"scale_min": "5", "scale_max": "5"}, SCALE_ERROR),
    ({"scale_min": "7", "scale_max": "3"}, SCALE_ERROR),
    ({"weight": "0"}, WEIGHT_ERROR),
    ({"weight": "1.555"}, WEIGHT_ERROR),
    ({"weight": "-2"}, WEIGHT_ERROR),
    ({"weight": "NaN"}, WEIGHT_ERROR),
    ({"name_en": "", "name_ru": ""},
     "#name_en Name (English): Give the criterion a name in at least one language."),
])
def test_add_criterion_with_a_bad_entry_is_refused(client, forms, coordinator, db, make_call,
                                                   changes, error):
    call = make_call(criteria=0)
    page = _main(forms.post(f"/manage/calls/{call.id}/criteria/new",
                            dict(CRITERION_FORM, **changes)))
    assert _summary(page) == [error]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 0


def test_edit_criterion_saves_the_changes(client, forms, coordinator, db, make_call):
    call = make_call()
    criterion = call.criteria[0]
    url = f"/manage/calls/{call.id}/criteria/{criterion.id}/edit"
    assert 'value="Motivation"' in _main(client.get(url))
    response = forms.post(url, dict(CRITERION_FORM, guidance_ru="Новые указания", scale_max="10"))
    assert response.status_code == 302
    db.session.refresh(criterion)
    assert (criterion.guidance_ru, criterion.scale_max) == ("Новые указания", 10)


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_criterion_of_another_call_is_not_found(client, forms, coordinator, db, make_call,
                                                action):
    call, other = make_call(), make_call()
    url = f"/manage/calls/{call.id}/criteria/{other.criteria[0].id}/{action}"
    assert client.get(url).status_code == 404
    token = forms.token(f"/manage/calls/{call.id}/criteria/new")
    assert client.post(url, data=dict(CRITERION_FORM, csrf_token=token)).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 2


def test_delete_criterion_asks_first_then_deletes(client, forms, coordinator, db, make_call):
    call = make_call(criteria=2)
    url = f"/manage/calls/{call.id}/criteria/{call.criteria[0].id}/delete"
    page = _main(client.get(url))
    assert "Delete the criterion?" in page and 'value="Delete the criterion"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 2
    response = forms.post(url, {})
    assert response.headers["Location"] == f"/manage/calls/{call.id}"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 1


def test_delete_criterion_of_an_open_call_is_refused(client, forms, coordinator, db, make_call):
    call = make_call(CallState.open)
    url = f"/manage/calls/{call.id}/criteria/{call.criteria[0].id}/delete"
    assert "value=\"Delete the criterion\"" not in _main(client.get(url))
    page = _main(_follow(client, forms.post(url, {}, page=f"/manage/calls/{call.id}")))
    assert "Criteria can only be removed while the call is a draft." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 1


# --- Overview, opening, closing --------------------------------------------------------------

def test_manage_call_of_a_draft_lists_what_is_missing(client, coordinator, make_call):
    call = make_call(criteria=0, eligibility_ru="")
    page = _main(client.get(f"/manage/calls/{call.id}"))
    missing = re.search(r'<ul id="missing-for-opening">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", missing) == [
        "Eligibility is missing in Russian.", "The call has no scoring criteria."]
    assert f'action="/manage/calls/{call.id}/open"' in page
    assert "Preview in Russian" in page


def test_open_call_incomplete_tells_exactly_what_is_missing(client, forms, coordinator, db,
                                                           make_call):
    call = make_call(criteria=0, title_ru="", summary_en="")
    response = forms.post(f"/manage/calls/{call.id}/open", {}, page=f"/manage/calls/{call.id}")
    assert response.headers["Location"] == f"/manage/calls/{call.id}"
    page = _main(client.get(response.headers["Location"]))
    alerts = re.findall(r'<div class="alert alert-danger" role="status">(.*?)</div>', page)
    assert alerts == ["The call has not been opened.", "Title is missing in Russian.",
                      "Summary is missing in English.", "The call has no scoring criteria."]
    db.session.refresh(call)
    assert call.state == CallState.draft


def test_open_call_complete_opens_it(client, forms, coordinator, db, make_call):
    call = make_call()
    page = _main(_follow(client, forms.post(f"/manage/calls/{call.id}/open", {},
                                            page=f"/manage/calls/{call.id}")))
    assert "The call is open." in page
    db.session.refresh(call)
    assert call.state == CallState.open


def test_close_call_without_the_confirmation_changes_nothing(client, forms, coordinator, db,
                                                             make_call):
    call = make_call(CallState.open)
    page = _main(_follow(client, forms.post(f"/manage/calls/{call.id}/close", {},
                                            page=f"/manage/calls/{call.id}")))
    assert "Tick the box to confirm." in page
    db.session.refresh(call)
    assert call.state == CallState.open


def test_close_call_confirmed_closes_it(client, forms, coordinator, db, make_call):
    call = make_call(CallState.open)
    forms.post(f"/manage/calls/{call.id}/close", {"confirm": "y"}, page=f"/manage/calls/{call.id}")
    db.session.refresh(call)
    assert call.state == CallState.closed
    assert call.closes_at <= utcnow()


# --- Preview ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,title,month", [
    ("en", "Fellowship Programme 2027", "March 15, 2027"),
    ("ru", "Программа стажировок 2027", "15 марта 2027"),
])
def test_preview_shows_the_call_in_that_language_within_the_coordinators_page(
        client, coordinator, make_call, lang, title, month):
    call = make_call(closes_at=datetime(2027, 3, 15, 14, 0, tzinfo=UTC))
    response = client.get(f"/manage/calls/{call.id}/preview/{lang}")
    html = response.get_data(as_text=True)
    # The coordinator (English) keeps an English page: navigation and the preview's banner.
    assert '<html lang="en">' in html
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/manage/calls">Calls</a>' in header
    page = _main(response)
    banner = page.split('class="alert alert-info preview-banner"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="/manage/calls/{call.id}">Back to the call</a>' in banner
    # Only the previewed call is in the previewed language, marked as such.
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert article.startswith(f' lang="{lang}">')
    assert f'<h1 lang="{lang}">{title}</h1>' in article
    assert month in article
    with force_locale(lang):
        heading = gettext("Deadline for applications")
    assert f'<h2 class="h5" id="deadline-heading">{heading}</h2>' in article


def test_preview_in_a_language_with_a_missing_text_names_it(client, coordinator, make_call):
    call = make_call(summary_ru="")
    page = _main(client.get(f"/manage/calls/{call.id}/preview/ru"))
    assert '<p class="lead" lang="en">Six months at the regional office in Baku.</p>' in page
    # The banner speaks to the coordinator, in the coordinator's language.
    assert "<li>Summary</li>" in page


def test_preview_in_another_language_is_not_found(client, coordinator, make_call):
    assert client.get(f"/manage/calls/{make_call().id}/preview/de").status_code == 404


# --- The public page -------------------------------------------------------------------------

def test_view_call_shows_the_deadline_in_both_zones_and_the_time_left(
        client, login_as, create_user, make_call):
    login_as(create_user(time_zone="Europe/Warsaw"))
    call = make_call(CallState.open, closes_at=utcnow() + timedelta(days=3, hours=4, minutes=30))
    page = _main(client.get(f"/calls/{call.slug}"))
    deadline = re.search(r'id="deadline">(.*?)</p>', page).group(1)
    yours = re.search(r'id="deadline-your-zone">(.*?)</p>', page).group(1)
    assert deadline.endswith("(Baku, UTC+04:00)")
    assert yours.startswith("In your time zone: ") and "(Warsaw, UTC+0" in yours
    assert re.search(r'id="time-left">(.*?)</p>', page).group(1) == "3 days and 4 hours left."


def test_view_call_in_the_calls_own_zone_shows_the_deadline_once(client, make_call):
    call = make_call(CallState.open)
    page = _main(client.get(f"/calls/{call.slug}"))  # visitors see the office's zone
    assert "(Baku, UTC+04:00)" in page
    assert 'id="deadline-your-zone"' not in page


@pytest.mark.parametrize("remaining,expected", [
    (timedelta(minutes=59), "Closes in less than an hour."),
    (timedelta(hours=1, minutes=5), "1 hour left."),
    (timedelta(hours=23, minutes=59), "23 hours left."),
    (timedelta(days=1), "1 day left."),
    (timedelta(days=5, minutes=30), "5 days left."),
    (timedelta(days=1, hours=1), "1 day and 1 hour left."),
    (timedelta(days=3, hours=4, minutes=59), "3 days and 4 hours left."),
])
def test_time_left_counts_days_and_hours(app, remaining, expected):
    with app.test_request_context():
        assert time_left(remaining) == expected


def test_view_call_after_the_deadline_says_closed_and_offers_no_apply(client, make_call):
    call = make_call(CallState.closed)
    page = _main(client.get(f"/calls/{call.slug}"))
    assert re.search(r'id="time-left">(.*?)</p>', page).group(1) == "Applications are closed."
    assert ">Apply<" not in page


def test_view_call_links_to_the_application_form(app, client, make_call):
    call = make_call(CallState.open)
    page = _main(client.get(f"/calls/{call.slug}"))
    if "applications.start_application" in app.view_functions:
        assert f'<a class="btn btn-primary btn-lg" href="/applications/new/{call.id}">Apply</a>' \
               in page
    else:
        assert ">Apply<" not in page


def _apply_box(page: str) -> str:
    """The text of the deadline card's end: the Apply button or what stands in its place."""
    card = re.search(r'id="deadline-heading">.*?</section>', page, re.S).group(0)
    after_places = card.split("fellowship places.</p>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", after_places)).strip()


def test_view_call_tells_who_has_submitted_their_reference_instead_of_apply(
        client, login_as, create_application, db):
    application = create_application(submit=True)
    login_as(application.applicant)
    page = _main(client.get(f"/calls/{application.call.slug}"))
    assert ">Apply<" not in page
    assert re.fullmatch(r"You submitted your application on .+\. Its reference number is "
                        r"FEL-2027-0001\. See your application", _apply_box(page))
    assert f'<a href="/applications/{application.id}">See your application</a>' in page


def test_view_call_offers_to_continue_a_draft_instead_of_apply(client, login_as,
                                                               create_application):
    application = create_application()
    login_as(application.applicant)
    page = _main(client.get(f"/calls/{application.call.slug}"))
    assert _apply_box(page) == "Continue your application"
    assert f'href="/applications/{application.id}">Continue your application</a>' in page


@pytest.mark.parametrize("lang,rules", [
    ("en", ["At least 3 years of service in customs.",
            "Officers already selected for a ROCB Europe fellowship cannot apply again"]),
    ("ru", ["Стаж работы в таможенной службе — не менее 3 лет.",
            "Сотрудники, уже отобранные для стажировки ROCB Europe, не могут подать заявку "
            "повторно"]),
])
def test_view_call_states_its_checked_eligibility_in_each_language(client, make_call, lang,
                                                                   rules):
    call = make_call(CallState.open, min_years_in_service=3, former_fellows_excluded=True)
    page = _main(client.get(f"/calls/{call.slug}", headers={"Accept-Language": lang}))
    listed = re.search(r'id="checked-eligibility">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", listed) == rules


def test_view_call_without_checked_eligibility_lists_none(client, make_call):
    page = _main(client.get(f"/calls/{make_call(CallState.open).slug}"))
    assert 'id="checked-eligibility"' not in page


@pytest.mark.parametrize("role,status", [
    (None, 404), ("applicant", 404), ("reviewer", 404), ("admin", 404), ("coordinator", 200)])
def test_view_call_of_a_draft_is_hidden_from_all_but_coordinators(client, login_as, create_user,
                                                                  make_call, role, status):
    if role:
        login_as(create_user(roles=(role,)))
    response = client.get(f"/calls/{make_call().slug}")
    assert response.status_code == status
    if status == 200:
        assert "This call is a draft" in _main(response)


def test_view_call_unknown_is_not_found(client):
    assert client.get("/calls/no-such-call").status_code == 404


def test_view_call_renders_markdown_and_never_lets_a_script_through(client, make_call):
    call = make_call(CallState.open, description_en=(
        "## Aims\n\nWe **train**.\n\n<script>alert('x')</script>\n\n"
        "<img src=x onerror=\"alert(2)\"> [click](javascript:alert(3))"),
        eligibility_en="<a href=\"#\" onclick=\"alert(4)\">officers</a> only")
    page = _main(client.get(f"/calls/{call.slug}"))
    assert "<h2>Aims</h2>" in page and "<strong>train</strong>" in page
    assert "<script" not in page
    assert "alert(" not in page
    assert "onerror" not in page and "onclick" not in page
    assert "javascript:" not in page


def test_home_page_lists_only_open_calls(client, make_call):
    open_call = make_call(CallState.open, title_en="Open call 2027")
    make_call(title_en="Draft call 2028")
    make_call(CallState.closed, title_en="Closed call 2026")
    page = _main(client.get("/"))
    assert f'<a href="/calls/{open_call.slug}">Open call 2027</a>' in page
    assert "Draft call 2028" not in page and "Closed call 2026" not in page
    assert "Deadline for applications: " in page and "(Baku, UTC+04:00)" in page


def test_home_page_without_open_calls_says_so(client):
    assert "There is no open call at the moment." in _main(client.get("/"))


def test_home_page_links_coordinators_to_the_calls(client, coordinator):
    assert 'href="/manage/calls"' in _main(client.get("/"))


def test_call_form_refuses_an_overlong_time_zone_without_an_error_page(client, forms,
                                                                        coordinator, db,
                                                                        make_call):
    long_zone = "Europe/" + "x" * 300
    response = forms.post("/manage/calls/new", dict(CALL_FORM, time_zone=long_zone))
    assert response.status_code == 200
    assert _summary(_main(response)) == [
        "#time_zone The call's time zone: Choose a time zone from the list."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0
    call = make_call(CallState.draft)
    response = forms.post(f"/manage/calls/{call.id}/edit", dict(CALL_FORM, time_zone=long_zone,
                                                               version=str(call.version)))
    assert response.status_code == 200
    assert _summary(_main(response)) == [
        "#time_zone The call's time zone: Choose a time zone from the list."]
