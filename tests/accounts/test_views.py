"""Account pages through the test client, with real CSRF tokens."""

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token_from, link_in

REGISTRATION = {
    "email": "officer@customs.example",
    "password": "twelve chars or more",
    "confirm": "twelve chars or more",
    "full_name": "Aliyev Rashad",
    "native_name": "Rəşad Əliyev",
    "administration_code": "AZ",
    "position": "Senior inspector",
    "preferred_language": "en",
    "time_zone": "Asia/Baku",
}


def _user_count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_register_then_verify_then_sign_in(client, forms, db, administrations, outbox):
    response = forms.post("/register", REGISTRATION)
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-your-email"
    page = client.get("/register/check-your-email").get_data(as_text=True)
    assert "officer@customs.example" in page

    verify_path = link_in(outbox()[0].body_text)
    response = client.get(verify_path)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    user = db.session.scalar(sa.select(User))
    assert user.email_verified

    response = forms.post("/login", {"email": "OFFICER@customs.example",
                                     "password": "twelve chars or more"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Aliyev Rashad" in client.get("/").get_data(as_text=True)


def test_register_errors_rerender_with_entries_and_linked_summary(forms, db, administrations):
    data = dict(REGISTRATION, password="too short", confirm="too short")
    response = forms.post("/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-error-summary' in html
    assert 'href="#password">' in html
    assert 'value="Aliyev Rashad"' in html
    assert 'value="officer@customs.example"' in html
    assert 'aria-invalid="true"' in html
    assert _user_count(db) == 0


def test_register_error_summary_lists_the_errors_in_the_order_of_the_page(forms, db,
                                                                         administrations):
    data = dict(REGISTRATION, email="not an address", password="short", confirm="other",
                full_name="", position="")
    html = forms.post("/register", data).get_data(as_text=True)
    summary = re.search(r"data-error-summary>(.*?)</div>", html, re.S).group(1)
    linked = re.findall(r'href="#([a-z_]+)"', summary)
    form = html.split("data-error-summary", 1)[1]
    on_the_page = sorted(linked, key=lambda name: form.index(f'id="{name}"'))
    assert linked == on_the_page == ["email", "password", "confirm", "full_name", "position"]


def test_register_in_russian_shows_russian_errors(client, forms, db, administrations):
    client.get("/", headers={"Accept-Language": "ru"})
    data = dict(REGISTRATION, confirm="something else entirely")
    html = forms.post("/register", data, headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Пароли не совпадают." in html
    assert "Обнаружены ошибки" in html


def test_register_known_email_answers_exactly_as_for_a_new_one(client, forms, db, create_user,
                                                              outbox):
    create_user(email="officer@customs.example")
    response = forms.post("/register", dict(REGISTRATION, email="Officer@Customs.example"))
    assert (response.status_code, response.headers["Location"]) == (
        302, "/register/check-your-email")
    assert _user_count(db) == 1
    assert [m.kind for m in outbox()] == ["already_registered"]


@pytest.mark.parametrize("token", [None, "stale-or-forged-token"])
def test_register_without_valid_csrf_token_keeps_entries_and_stores_nothing(
        client, db, administrations, token):
    data = dict(REGISTRATION)
    if token:
        data["csrf_token"] = token
    response = client.post("/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form had expired" in html
    assert 'value="Aliyev Rashad"' in html
    assert _user_count(db) == 0


@pytest.mark.parametrize("field,value", [
    ("full_name", "Aliyev\x00Rashad"),
    ("position", "Inspector\x07"),
    ("full_name", "A" * 201),
    ("email", "x" * 250 + "@example.org"),
])
def test_register_refuses_control_characters_and_overlong_fields(forms, db, administrations,
                                                                  field, value):
    response = forms.post("/register", dict(REGISTRATION, **{field: value}))
    assert response.status_code == 200
    assert f'href="#{field}">' in response.get_data(as_text=True)
    assert _user_count(db) == 0


def test_register_refuses_unknown_administration_and_timezone(forms, db, administrations):
    response = forms.post("/register", dict(REGISTRATION, administration_code="US",
                                            time_zone="Mars/Olympus"))
    html = response.get_data(as_text=True)
    assert 'href="#administration_code">' in html
    assert 'href="#time_zone">' in html
    assert _user_count(db) == 0


def test_register_refuses_cyrillic_in_latin_name(forms, db, administrations):
    response = forms.post("/register", dict(REGISTRATION, full_name="Иван Петров"))
    assert "Write your name in Latin letters" in response.get_data(as_text=True)
    assert _user_count(db) == 0


def test_login_wrong_password_says_so_without_naming_which(forms, create_user):
    user = create_user()
    html = forms.post("/login", {"email": user.email, "password": "not the password"}
                      ).get_data(as_text=True)
    assert "The e-mail address or the password is not right." in html
    assert f'value="{user.email}"' in html


def test_login_rotates_the_session(client, forms, create_user):
    user = create_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    forms.post("/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize("next_url,expected", [
    ("/account", "/account"),
    ("//evil.example", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_next_stays_on_this_site(forms, create_user, next_url, expected):
    user = create_user()
    response = forms.post("/login?next=" + next_url, {"email": user.email, "password": PASSWORD},
                          page="/login")
    assert response.headers["Location"] == expected


def test_login_is_rate_limited_with_a_localized_page(client, forms, create_user):
    user = create_user()
    statuses = [forms.post("/login", {"email": user.email, "password": "wrong guess number"}
                           ).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    response = client.post("/login", data={"email": user.email, "password": "x"},
                           headers={"Accept-Language": "ru"})
    assert response.status_code == 429
    assert '<html lang="ru">' in response.get_data(as_text=True)


def test_logout_needs_post_with_csrf(client, forms, login_as, create_user):
    login_as(create_user())
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={})
    assert client.get("/account").status_code == 200  # still signed in
    forms.post("/logout", {}, page="/")
    assert client.get("/account").status_code == 302


def test_password_reset_through_the_pages(client, forms, create_user, outbox, db):
    user = create_user()
    response = forms.post("/password/forgot", {"email": user.email})
    assert f"If {user.email} belongs to an account" in response.get_data(as_text=True)
    path = link_in(outbox()[0].body_text)
    response = forms.post(path, {"password": "a new long passphrase",
                                 "confirm": "a new long passphrase"})
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    again = client.get(path)
    assert again.status_code == 400
    assert "used already" in again.get_data(as_text=True)
    assert forms.post("/login", {"email": user.email, "password": "a new long passphrase"}
                      ).status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses(forms, administrations, outbox):
    html = forms.post("/password/forgot", {"email": "nobody@example.org"}).get_data(as_text=True)
    assert "If nobody@example.org belongs to an account" in html
    assert outbox() == []


def test_expired_verification_link_explains_itself(app, client, create_user):
    from portal.accounts.tokens import make_token

    user = create_user(verified=False)
    token = make_token("verify-email", {"uid": user.id, "email": user.email})
    app.config["EMAIL_TOKEN_MAX_AGE"] = -1
    response = client.get(f"/verify-email/{token}")
    assert response.status_code == 400
    assert "The link has expired." in response.get_data(as_text=True)


def test_change_password_signs_out_other_sessions(app, client, forms, login_as, create_user):
    user = create_user()
    login_as(user)
    other = app.test_client()
    token = csrf_token_from(other.get("/login").get_data(as_text=True))
    other.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert other.get("/account").status_code == 200

    response = forms.post("/account/password", {"current_password": PASSWORD,
                                                "password": "another long passphrase",
                                                "confirm": "another long passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_change_password_wrong_current_password(forms, login_as, create_user, db):
    login_as(create_user())
    html = forms.post("/account/password", {"current_password": "not it at all",
                                            "password": "another long passphrase",
                                            "confirm": "another long passphrase"}
                      ).get_data(as_text=True)
    assert "This is not your current password." in html
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "password.change_failed" in actions


def test_profile_edit_saves_and_switches_language(client, forms, login_as, create_user, db):
    user = login_as(create_user())
    data = dict(full_name="New Name", native_name="", administration_code="GE",
                position="Head of unit", preferred_language="ru", time_zone="Asia/Tbilisi")
    assert forms.post("/account", data).status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.administration_code, user.preferred_language, user.time_zone) == (
        "New Name", "GE", "ru", "Asia/Tbilisi")
    assert '<html lang="ru">' in client.get("/account").get_data(as_text=True)


def test_admin_changes_roles_and_it_is_audited(forms, login_as, create_user, db):
    admin = login_as(create_user(roles=("admin",)))
    user = create_user()
    response = forms.post(f"/admin/users/{user.id}", {
        "roles": ["reviewer", "applicant"], "email": user.email, "full_name": user.full_name,
        "administration_code": "AZ", "preferred_language": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert {r.value for r in user.roles} == {"reviewer", "applicant"}
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "account.roles_changed"))
    assert event.actor_id == admin.id


def test_admin_user_list_searches_and_paginates(client, login_as, create_user):
    login_as(create_user(roles=("admin",), full_name="Zara Admin"))
    for n in range(55):
        create_user(full_name=f"Officer {n:02d}")
    page1 = client.get("/admin/users").get_data(as_text=True)
    assert "56 users" in page1
    assert len(re.findall(r'href="/admin/users/\d+"', page1)) == 50
    found = client.get("/admin/users?q=officer 07").get_data(as_text=True)
    assert "Officer 07" in found and "Officer 08" not in found


def _listed_users(client, query: str) -> list[str]:
    page = client.get("/admin/users", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', page)


def test_admin_user_search_finds_native_names_in_any_case(client, login_as, create_user, db):
    login_as(create_user(roles=("admin",), full_name="Zara Admin"))
    aibek = create_user(full_name="Aibek Toktogulov")
    aibek.native_name = "Айбек Токтогулов"
    create_user(full_name="Nurlan Abenov").native_name = "Нурлан Абенов"
    db.session.commit()
    assert _listed_users(client, "Айбек") == ["Aibek Toktogulov"]
    assert _listed_users(client, "токтогулов") == ["Aibek Toktogulov"]
    assert _listed_users(client, "НУРЛАН") == ["Nurlan Abenov"]


def test_admin_user_search_takes_wildcards_literally(client, login_as, create_user):
    login_as(create_user(roles=("admin",), full_name="Zara Admin", email="zara@example.org"))
    create_user(full_name="Ivan Petrov", email="i_petrov@example.org")
    create_user(full_name="Elena Popescu", email="ixpetrov@example.org")
    assert _listed_users(client, "%") == []
    assert _listed_users(client, "_") == ["Ivan Petrov"]
    assert _listed_users(client, "i_petrov") == ["Ivan Petrov"]


def test_links_in_emails_ignore_the_requests_host_header(client, create_user, outbox):
    user = create_user()
    evil = {"Host": "evil.example"}
    token = csrf_token_from(client.get("/password/forgot", headers=evil).get_data(as_text=True))
    client.post("/password/forgot", data={"email": user.email, "csrf_token": token},
                headers=evil)
    body = outbox()[0].body_text
    assert "http://portal.test/password/reset/" in body
    assert "evil.example" not in body


def test_welcome_after_sign_in_is_in_the_language_of_the_next_page(client, forms, create_user):
    """The browser asks for English, the account is Russian: the welcome and the page agree."""
    user = create_user(language="ru", full_name="Olga Petrova")
    response = forms.post("/login", {"email": user.email, "password": PASSWORD},
                          headers={"Accept-Language": "en"})
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}
                      ).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert re.findall(r'role="status">([^<]*)</div>', html) == ["Добро пожаловать, Olga Petrova!"]


def test_sign_in_keeps_the_language_chosen_with_the_switcher(client, forms, create_user):
    user = create_user(language="ru", full_name="Olga Petrova")
    forms.post("/language", {"lang": "en", "next": "/"})
    response = forms.post("/login", {"email": user.email, "password": PASSWORD})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert re.findall(r'role="status">([^<]*)</div>', html) == ["Welcome, Olga Petrova."]


def test_profile_flash_is_in_the_language_of_the_next_page(client, forms, login_as, create_user):
    login_as(create_user(language="en"))
    data = dict(full_name="New Name", native_name="", administration_code="GE",
                position="Head of unit", preferred_language="ru", time_zone="Asia/Tbilisi")
    response = forms.post("/account", data)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert re.findall(r'role="status">([^<]*)</div>', html) == ["Ваши данные сохранены."]


def test_profile_says_the_accounts_language_is_that_of_the_emails(client, login_as, create_user):
    login_as(create_user(language="en"))
    html = client.get("/account").get_data(as_text=True)
    assert '<label class="form-label" for="preferred_language">Language of e-mails</label>' in html


def _selected(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option selected value="([^"]*)">([^<]*)</option>', select)


def test_registration_offers_the_administrations_time_zone(client, forms, db, administrations):
    html = client.get("/register", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert _selected(html, "time_zone") == [("", "Часовой пояс моей администрации")]
    assert '<option value="Asia/Bishkek">(UTC+06:00) Бишкек</option>' in html
    forms.post("/register", dict(REGISTRATION, administration_code="KG", time_zone=""))
    assert db.session.scalar(sa.select(User.time_zone)) == "Asia/Bishkek"


def test_registration_refuses_a_time_zone_that_is_not_in_the_list(forms, db, administrations):
    html = forms.post("/register", dict(REGISTRATION, time_zone="Etc/GMT+3")).get_data(as_text=True)
    assert re.findall(r'<div id="time_zone-error" class="invalid-feedback">([^<]*)</div>', html) == [
        "Choose a time zone from the list."]
    assert _user_count(db) == 0


def test_profile_keeps_a_saved_zone_the_list_lacks(client, forms, login_as, create_user, db):
    user = login_as(create_user(time_zone="Europe/Kiev"))
    html = client.get("/account").get_data(as_text=True)
    assert [(key, re.sub(r"\+0[23]:", "+0X:", label)) for key, label in _selected(html, "time_zone")
            ] == [("Europe/Kiev", "(UTC+0X:00) Kyiv")]  # summer or winter
    data = dict(full_name=user.full_name, native_name="", administration_code="UA",
                position="Inspector", preferred_language="en", time_zone="Europe/Kiev")
    assert forms.post("/account", data).status_code == 302


LONG_ZONE = "Europe/" + "x" * 300


def test_registration_refuses_an_overlong_time_zone_without_an_error_page(forms, db,
                                                                            administrations):
    response = forms.post("/register", dict(REGISTRATION, time_zone=LONG_ZONE))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'<div id="time_zone-error" class="invalid-feedback">([^<]*)</div>', html) == [
        "Choose a time zone from the list."]
    assert _user_count(db) == 0


def test_profile_refuses_an_overlong_time_zone_without_an_error_page(client, forms, login_as,
                                                                       create_user, db):
    user = login_as(create_user(time_zone="Asia/Baku"))
    data = dict(full_name=user.full_name, native_name="", administration_code="AZ",
                position="Inspector", preferred_language="en", time_zone=LONG_ZONE)
    response = forms.post("/account", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'<div id="time_zone-error" class="invalid-feedback">([^<]*)</div>', html) == [
        "Choose a time zone from the list."]
    db.session.expire_all()
    assert db.session.get(User, user.id).time_zone == "Asia/Baku"


def _without_tokens(html):
    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_reset_requests_for_one_address_from_many_clients_send_one_email_and_look_the_same(
        forms, create_user, outbox):
    """Eight requests in a minute, each from another address (under the per-client limit), sent
    eight e-mails; now one, and every answer is the one an unknown address gets."""
    user = create_user(email="officer@customs.example")
    pages = []
    for n in range(8):
        response = forms.post("/password/forgot", {"email": user.email},
                              environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
        pages.append((response.status_code, _without_tokens(response.get_data(as_text=True))))
    unknown = forms.post("/password/forgot", {"email": "nobody@customs.example"})
    expected = (200, _without_tokens(unknown.get_data(as_text=True))
                .replace("nobody@customs.example", user.email))
    assert pages == [expected] * 8
    assert [m.kind for m in outbox()] == ["reset_password"]


def test_registrations_with_a_known_address_send_one_email(forms, db, create_user, outbox):
    create_user(email="officer@customs.example")
    responses = [forms.post("/register", REGISTRATION) for _ in range(6)]
    assert [(r.status_code, r.headers["Location"]) for r in responses] == [
        (302, "/register/check-your-email")] * 6
    assert _user_count(db) == 1
    assert [m.kind for m in outbox()] == ["already_registered"]


def test_registering_a_known_address_takes_as_long_as_a_new_one(app, forms, create_user):
    """With the production's Argon2 cost, a known address answered in a quarter of the time of a
    new one. Loose on purpose (the hashing is asserted in tests/accounts/test_services.py)."""
    import time

    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=19 * 1024)
    create_user(email="officer@customs.example")

    def timed(email):
        token = forms.token("/register")
        started = time.perf_counter()
        response = forms.post("/register", dict(REGISTRATION, email=email, csrf_token=token))
        assert response.status_code == 302
        return time.perf_counter() - started

    pairs = [(timed("officer@customs.example"), timed(f"new{n}@customs.example"))
             for n in range(5)]  # interleaved, so that a busy moment slows both alike
    known, new = (sorted(times)[2] for times in zip(*pairs, strict=True))
    assert 0.6 < known / new < 1.6
