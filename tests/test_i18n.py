from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, ngettext

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
