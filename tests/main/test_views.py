"""Home, language choice, health check, error pages and the headers every page carries."""

import re

import pytest
import sqlalchemy as sa


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_home_page_renders_in_english_by_default(client):
    response = client.get("/")
    assert (response.status_code, _lang(response)) == (200, "en")


@pytest.mark.parametrize("header,expected", [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
    ("de-DE,de;q=0.9", "en"),
    ("en-GB,en;q=0.9,ru;q=0.5", "en"),
    ("ru;q=garbage, ;;;,,\x7f", "en"),
    ("*", "en"),
    ("x" * 5000, "en"),
])
def test_accept_language_chooses_the_language_and_garbage_never_errors(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert (response.status_code, _lang(response)) == (200, expected)


def test_switcher_choice_beats_accept_language_for_visitors(client, forms):
    response = forms.post("/language", {"lang": "ru", "next": "/login"})
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "ru"


@pytest.mark.parametrize("junk", ["xx", "", "ru\x00", "../../etc/passwd", "EN" * 100])
def test_switcher_ignores_junk_languages(client, forms, junk):
    response = forms.post("/language", {"lang": junk, "next": "/"})
    assert response.status_code == 302
    assert _lang(client.get("/")) == "en"


def test_junk_language_in_session_never_errors(client):
    with client.session_transaction() as session:
        session["lang"] = {"not": "a string"}
    assert _lang(client.get("/")) == "en"


def test_switcher_next_cannot_leave_the_site(forms):
    response = forms.post("/language", {"lang": "ru", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_switcher_changes_the_pages_not_the_accounts_language(client, forms, login_as,
                                                               create_user, db):
    """The account's language (that of its e-mails) is changed in the profile, never here."""
    user = login_as(create_user(language="en"))
    response = forms.post("/language", {"lang": "ru", "next": "/"})
    db.session.refresh(user)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (user.preferred_language, _lang(client.get("/"))) == ("en", "ru")
    # ... and the switcher says so, in the language just chosen.
    assert _flashes(html) == [
        "Письма вам по-прежнему приходят на английском языке; язык писем можно изменить "
        "в профиле."]


def test_switching_to_the_accounts_own_language_says_nothing(client, forms, login_as,
                                                             create_user):
    login_as(create_user(language="ru"))
    response = forms.post("/language", {"lang": "ru", "next": "/"})
    assert _flashes(client.get(response.headers["Location"]).get_data(as_text=True)) == []


def test_switcher_choice_beats_the_accounts_language(client, forms, login_as, create_user):
    login_as(create_user(language="ru"))
    forms.post("/language", {"lang": "en", "next": "/"})
    assert _lang(client.get("/", headers={"Accept-Language": "ru"})) == "en"


def _flashes(html: str) -> list[str]:
    return re.findall(r'<div class="alert alert-\w+" role="status">([^<]*)</div>', html)


def test_user_preference_beats_accept_language(client, login_as, create_user):
    login_as(create_user(language="ru"))
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "ru"


def test_switcher_without_csrf_token_changes_nothing(client):
    response = client.post("/language", data={"lang": "ru", "next": "/"})
    assert response.status_code == 302
    assert _lang(client.get("/")) == "en"


def test_healthz_answers_when_database_is_reachable(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok", "database": "ok"})


def test_healthz_reports_unreachable_database(app, client, monkeypatch):
    from portal.extensions import db

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert (response.status_code, response.json["status"]) == (503, "error")


def test_every_page_carries_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, forms):
    forms.post("/language", {"lang": "ru", "next": "/"})
    cookie = client.get_cookie("portal_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/register").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_missing_page_is_localized(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ru"})
    assert (response.status_code, _lang(response)) == (404, "ru")


def test_body_over_the_size_limit_gets_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a@example.org", "password": "p" * 5000})
    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)


@pytest.mark.own_app
def test_unexpected_error_shows_a_page_without_a_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom-for-test")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html
