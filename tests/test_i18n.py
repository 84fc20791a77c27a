import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale, ngettext

from portal.database import utcnow
from portal.i18n import format_moment

MOMENT = datetime(2027, 3, 15, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("locale,zone,expected", [
    ("en", "Asia/Baku", "March 15, 2027, 6:00\u202fPM (Baku, UTC+04:00)"),
    ("ru", "Asia/Baku", "15 марта 2027\u202fг., 18:00 (Баку, UTC+04:00)"),
    ("ru", "Europe/Brussels", "15 марта 2027\u202fг., 15:00 (Брюссель, UTC+01:00)"),
    ("en", "UTC", "March 15, 2027, 2:00\u202fPM (UTC)"),
])
def test_moments_are_shown_with_their_zone(app, locale, zone, expected):
    with app.test_request_context(), force_locale(locale):
        assert format_moment(MOMENT, zone) == expected


def test_moments_use_the_signed_in_users_zone(app, client, login_as, create_user):
    login_as(create_user(time_zone="Asia/Almaty"))
    html = client.get("/account").get_data(as_text=True)
    assert "(Almaty, UTC+05:00)" in html


@pytest.mark.parametrize("count,expected", [
    (1, "1 пользователь"), (2, "2 пользователя"), (5, "5 пользователей"), (11, "11 пользователей"),
    (21, "21 пользователь"), (22, "22 пользователя"), (25, "25 пользователей"),
])
def test_russian_plurals_have_three_forms(app, count, expected):
    with app.test_request_context(), force_locale("ru"):
        assert ngettext("%(num)d user", "%(num)d users", count) == expected


def test_templates_follow_a_locale_forced_inside_a_request(app):
    """Templates' translations are kept for the request, but an e-mail rendered in another
    language in the middle of it (force_locale) is in that language, and the page after it is not."""
    from flask import render_template_string

    template = "{{ _('Sign in') }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(template) == "Sign in"
        with force_locale("ru"):
            assert render_template_string(template) == "Войти"
        assert render_template_string(template) == "Sign in"


def test_wtforms_own_messages_are_in_the_viewers_language(app, client):
    """WTForms' built-in messages come from its catalog, read once per process and language."""
    from wtforms import IntegerField

    from portal.forms import PortalForm

    class Form(PortalForm):
        number = IntegerField()

    for language, expected in (("en", "Not a valid integer value."), ("ru", "Неверное целое число.")):
        # (an application context of its own, as each real request has: the locale is kept in g)
        with app.app_context(), app.test_request_context(method="POST", data={"number": "x"},
                                                         headers={"Accept-Language": language}):
            form = Form(meta={"csrf": False})
            form.validate()
            assert form.number.errors == [expected]


def test_a_url_pattern_gives_the_url_of_each_row(app):
    from flask import url_for

    from portal.jinja import url_pattern

    with app.test_request_context():
        pattern = url_pattern("applications.manage_application", "application_id")
        assert [pattern.format(n) for n in (7, 12345)] == [
            url_for("applications.manage_application", application_id=n) for n in (7, 12345)]


@pytest.mark.parametrize("locale,value,expected", [
    ("en", Decimal("1.50"), "1.5"), ("ru", Decimal("1.50"), "1,5"), ("ru", Decimal("1.00"), "1"),
    ("ru", 1234.5, "1\xa0234,5"), ("en", 72.456, "72.46"), ("ru", None, "—"),
])
def test_numbers_are_written_as_the_language_writes_them(app, locale, value, expected):
    from portal.i18n import format_number

    with app.test_request_context(), force_locale(locale):
        assert format_number(value) == expected


@pytest.mark.parametrize("locale,size,expected", [
    ("en", 18 * 1024, "18 kB"), ("ru", 18 * 1024, "18 кБ"), ("ru", 100, "1 кБ"),
    ("ru", 2_621_440, "2,5 МБ"), ("en", 3 * 1024 * 1024, "3 MB"),
])
def test_file_sizes_are_written_as_the_language_writes_them(app, locale, size, expected):
    from portal.i18n import format_file_size

    with app.test_request_context(), force_locale(locale):
        assert format_file_size(size) == expected


def test_pages_listing_documents_show_their_size_in_the_viewers_language(
        client, login_as, create_user, create_application):
    application = create_application(applicant=create_user(language="ru"), complete=True)
    login_as(application.applicant)
    base = f"/applications/{application.id}"
    documents = client.get(f"{base}/documents").get_data(as_text=True)
    check = client.get(f"{base}/check").get_data(as_text=True)
    assert re.findall(r'\.pdf</a>\s*<span class="text-muted small">([^<]*)</span>', documents) == [
        "1 кБ", "1 кБ"]
    assert re.findall(r"cv\.pdf</a> \(([^)]*)\)", check) == ["1 кБ"]


def test_review_form_writes_weights_as_the_language_does(client, login_as, create_user,
                                                         create_application, db):
    from portal.reviews.services import assign_reviewer, update_reviewer_profile

    application = create_application(submit=True)
    application.call.criteria[0].weight = Decimal("1.50")
    reviewer = create_user(roles=("reviewer",), administration="PL", language="ru")
    update_reviewer_profile(reviewer, reads_en=True, reads_ru=True, expertise="",
                            max_reviews_per_call=5)
    assignment = assign_reviewer(application, reviewer, actor=reviewer, now=utcnow())
    db.session.commit()
    login_as(reviewer)
    html = client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assert re.findall(r'<span class="fw-normal text-muted">\(([^)]*)\)</span>', html) == ["вес 1,5"]


def test_time_zones_are_cities_with_their_offset_in_order_of_offset(app):
    from portal.i18n import timezone_choices, timezone_keys

    winter = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale("ru"):
        choices = timezone_choices(now=winter)
    labels = dict(choices)
    assert (labels["Asia/Baku"], labels["Asia/Bishkek"], labels["Europe/Kyiv"], labels["UTC"]) == (
        "(UTC+04:00) Баку", "(UTC+06:00) Бишкек", "(UTC+02:00) Киев", "(UTC+00:00) UTC")
    minutes = [_minutes(label) for _key, label in choices]
    assert (minutes == sorted(minutes), minutes[0], minutes[-1]) == (True, -11 * 60, 14 * 60)
    assert [key for key, _label in choices if key in ("Europe/Moscow", "Europe/Istanbul",
                                                      "Europe/Minsk")] == [
        "Europe/Minsk", "Europe/Moscow", "Europe/Istanbul"]  # Минск, Москва, Стамбул
    assert (len(choices), set(labels)) == (len(timezone_keys()), timezone_keys())
    assert "Europe/Kiev" not in labels and "Etc/GMT+3" not in labels  # aliases are left out


def _minutes(label: str) -> int:
    """'(UTC-03:30) …' → -210."""
    sign, hours, minutes = label[4], int(label[5:7]), int(label[8:10])
    return (hours * 60 + minutes) * (-1 if sign == "-" else 1)


@pytest.mark.parametrize("context,msgid,expected", [
    ("review", "Submitted", "Отправлена"),
    (None, "Submitted", "Подана"),  # an application
    (None, "Place declined", "Отказ от места"),
    (None, "The closing moment is in the past.", "Срок подачи заявок уже истёк."),
    (None, "At a glance", "Сводка"),
    (None, "I have checked the counts and the messages; publish the results and send the e-mails",
     "Цифры и тексты писем проверены — опубликовать результаты и разослать письма"),
    (None, "Declaration", "Подтверждение"),
    ("language level", "Russian", "Уровень владения русским языком"),
    (None, "Russian", "Русский"),  # the language itself
])
def test_russian_wording_an_officer_reads_without_stumbling(app, context, msgid, expected):
    from flask_babel import gettext, pgettext

    with app.test_request_context(), force_locale("ru"):
        assert (pgettext(context, msgid) if context else gettext(msgid)) == expected


def test_reviewer_dashboard_says_a_review_was_sent(client, login_as, create_user,
                                                  create_application, db):
    from portal.reviews.services import assign_reviewer, save_review, update_reviewer_profile

    application = create_application(submit=True)
    reviewer = create_user(roles=("reviewer",), administration="PL", language="ru")
    update_reviewer_profile(reviewer, reads_en=True, reads_ru=True, expertise="",
                            max_reviews_per_call=5)
    assignment = assign_reviewer(application, reviewer, actor=reviewer, now=utcnow())
    save_review(assignment, scores={str(application.call.criteria[0].id): 4}, comments="Хорошо",
                recommendation="support", confidence=4, expected_version=0, submit=True,
                now=utcnow())
    db.session.commit()
    login_as(reviewer)
    html = client.get("/reviews/").get_data(as_text=True)
    row = re.search(rf"<tr>\s*<td><a[^>]*>{application.reference}</a>.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<span class="badge[^"]*">([^<]*)</span>', row) == ["Отправлена"]


def test_a_draft_names_the_missing_language_level_in_full(client, forms, login_as, create_user,
                                                          create_application):
    application = create_application(applicant=create_user(language="ru"))
    login_as(application.applicant)
    url = f"/applications/{application.id}/sections/languages"
    response = forms.post(url, {"english_level": "B2", "russian_level": "", "other_languages": ""})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "заполните также: Уровень владения русским языком." in html


def test_a_calls_page_names_its_time_zone_by_city_and_offset(client, login_as, create_user,
                                                              create_call):
    call = create_call(time_zone="Asia/Baku")
    login_as(create_user(roles=("coordinator",), language="ru"))
    html = client.get(f"/manage/calls/{call.id}").get_data(as_text=True)
    assert re.findall(r"<dt[^>]*>Часовой пояс конкурса</dt>\s*<dd[^>]*>([^<]*)</dd>", html) == [
        "(UTC+04:00) Баку"]
