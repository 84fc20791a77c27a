"""Finding an application ineligible: the reason is asked for in English and in Russian."""

import re

import pytest

from portal.applications.models import Application


def test_screen_out_page_asks_for_the_reason_in_both_languages(client, login_as, create_user,
                                                               create_application):
    application = create_application(submit=True)
    login_as(create_user(roles=("coordinator",)))

    page = client.get(f"/manage/applications/{application.id}/screen-out").get_data(as_text=True)

    assert re.findall(r'<textarea[^>]*id="(reason_\w+)"[^>]*lang="(\w+)"', page) == [
        ("reason_en", "en"), ("reason_ru", "ru")]


def test_coordinator_sees_the_reason_in_both_languages(client, forms, login_as, create_user,
                                                       create_application):
    application = create_application(submit=True)
    login_as(create_user(roles=("coordinator",)))
    forms.post(f"/manage/applications/{application.id}/screen-out",
               {"reason_en": "Not a customs officer", "reason_ru": "Не сотрудник таможенной службы"})

    page = client.get(f"/manage/applications/{application.id}").get_data(as_text=True)

    assert re.findall(r'<p class="answer-text mb-\d" lang="(\w+)">([^<]*)</p>', page) == [
        ("en", "Not a customs officer"), ("ru", "Не сотрудник таможенной службы")]


@pytest.mark.parametrize(("english", "russian", "language", "expected"), [
    ("Not a customs officer", "Не сотрудник таможенной службы", "ru", "Не сотрудник таможенной службы"),
    ("Not a customs officer", "Не сотрудник таможенной службы", "en", "Not a customs officer"),
    ("Given before both were asked for", "", "ru", "Given before both were asked for"),
    ("", "", "ru", ""),
])
def test_screening_reason_in_a_language(english, russian, language, expected):
    application = Application(screening_reason=english, screening_reason_ru=russian)

    assert application.screening_reason_in(language) == expected
