"""Sign-in sessions: ended by signing out, by a new password, by idleness and by age; the cookie
in production; the global CSRF check; only the newest reset link (issue 12, items 1-4)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from portal import create_app
from portal.accounts import services
from portal.accounts.models import SignInSession
from portal.database import utcnow
from tests.conftest import PASSWORD, csrf_token_from, link_in

COOKIE = "portal_session"


def _copy_of_cookie(app, client):
    """A second browser holding a copy of the first one's cookie (as an attacker would)."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def _only_session(db) -> SignInSession:
    db.session.expire_all()
    return db.session.scalars(sa.select(SignInSession)).one()


def _age(db, *, created=timedelta(0), idle=timedelta(0)) -> None:
    """Move the only sign-in session back in time: started `created` ago, last used `idle` ago."""
    now = utcnow()
    db.session.execute(sa.update(SignInSession).values(created_at=now - created,
                                                       last_seen_at=now - idle))
    db.session.commit()


# Item 1: signing out ends the session for every copy of its cookie.

def test_logout_makes_every_copy_of_the_cookie_useless(app, client, forms, login_as,
                                                        create_user):
    login_as(create_user())
    copy = _copy_of_cookie(app, client)
    assert copy.get("/applications/").status_code == 200
    forms.post("/logout", {}, page="/")
    response = copy.get("/applications/")
    assert (response.status_code, response.headers["Location"]) == (
        302, "/login?next=%2Fapplications%2F")


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(db, create_user):
    user = create_user()
    this, other = (services.start_session(user, now=utcnow()) for _ in range(2))
    services.change_password(user, current_password=PASSWORD, new_password="a new passphrase",
                             current_session=this)
    db.session.commit()
    assert (this.ended_at is None, other.ended_at is not None) == (True, True)
    assert services.load_user(this.id) == user
    assert services.load_user(other.id) is None


def test_suspending_an_account_ends_its_sessions(db, create_user):
    admin, user = create_user(roles=("admin",)), create_user()
    sign_in = services.start_session(user, now=utcnow())
    services.set_active(user, False, actor=admin)
    db.session.commit()
    assert services.load_user(sign_in.id) is None


def test_loading_the_user_is_one_query(app, db, create_user):
    user = create_user(roles=("applicant", "coordinator"))
    user_id, sign_in_id = user.id, services.start_session(user, now=utcnow()).id
    db.session.commit()
    db.session.expunge_all()
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):  # SQLite's own transaction start
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        loaded = services.load_user(sign_in_id)
        roles = loaded.roles
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert (loaded.id, roles, len(statements)) == (user_id, {"applicant", "coordinator"}, 1)


def test_last_seen_is_written_at_most_once_a_minute(client, login_as, create_user, db):
    login_as(create_user())
    _age(db, idle=timedelta(seconds=30))
    before = _only_session(db).last_seen_at
    client.get("/applications/")
    assert _only_session(db).last_seen_at == before
    _age(db, idle=timedelta(minutes=5))
    client.get("/applications/")
    assert utcnow() - _only_session(db).last_seen_at < timedelta(seconds=30)


# Item 2: idle and absolute timeouts, said on the sign-in page; the production cookie.

@pytest.mark.parametrize("roles,idle,signed_in", [
    (("coordinator",), timedelta(minutes=29), True),
    (("coordinator",), timedelta(minutes=31), False),
    (("reviewer",), timedelta(minutes=31), False),
    (("applicant",), timedelta(minutes=31), True),
    (("applicant",), timedelta(hours=2, minutes=1), False),
])
def test_an_idle_session_ends_sooner_for_staff(client, login_as, create_user, db, roles, idle,
                                               signed_in):
    login_as(create_user(roles=roles))
    _age(db, idle=idle)
    assert (client.get("/account").status_code == 200) == signed_in


def test_an_idle_session_sends_to_the_sign_in_page_which_says_why(client, login_as,
                                                                   create_user, db):
    login_as(create_user(roles=("coordinator",)))
    _age(db, idle=timedelta(minutes=31))
    response = client.get("/account")
    assert (response.status_code, response.headers["Location"]) == (302, "/login?next=%2Faccount")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because the portal was not used for a while." in html
    assert "Please sign in to see this page." not in html
    # Said once.
    assert "You were signed out" not in client.get("/login").get_data(as_text=True)


def test_a_session_ends_after_its_lifetime_however_busy(client, login_as, create_user, db):
    login_as(create_user())
    _age(db, created=timedelta(hours=8, minutes=1), idle=timedelta(seconds=5))
    response = client.get("/applications/")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had been signed in for a long time." in html


def test_a_form_sent_into_an_ended_session_is_shown_back_to_copy(client, login_as, create_user,
                                                                  db):
    user = create_user(roles=("coordinator",), full_name="Before")
    login_as(user)
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    _age(db, idle=timedelta(minutes=45))
    response = client.post("/account", data={
        "csrf_token": token, "full_name": "Typed while away", "position": "Long <answer>",
        "administration_code": "AZ", "preferred_language": "en", "time_zone": "Asia/Baku"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "You were signed out because the portal was not used for a while." in html
    assert ">Typed while away</textarea>" in html
    assert ">Long &lt;answer&gt;</textarea>" in html
    assert 'href="/login?next=%2Faccount"' in html
    db.session.refresh(user)
    assert user.full_name == "Before"


def test_timeouts_come_from_the_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("SESSION_IDLE_TIMEOUT_STAFF", "600")
    monkeypatch.setenv("SESSION_LIFETIME", "3600")
    try:
        reloaded = importlib.reload(config)
        assert (reloaded.Config.SESSION_IDLE_TIMEOUT_STAFF, reloaded.Config.SESSION_LIFETIME,
                reloaded.Config.SESSION_IDLE_TIMEOUT) == (600, 3600, 7200)
    finally:
        monkeypatch.undo()
        importlib.reload(config)


@pytest.fixture
def production_app(monkeypatch, database_url, _schema, tmp_path):
    class Production(ProductionConfig):
        SECRET_KEY = "x" * 64
        PUBLIC_BASE_URL = "https://fellowships.example.org"
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_STORAGE_URI = "memory://"
        STORAGE_PATH = str(tmp_path / "storage")
        MAIL_FILE_DIR = str(tmp_path / "mail")
        SESSION_COOKIE_SECURE = True
        SESSION_COOKIE_NAME = "__Host-portal_session"

    app = create_app(Production)
    with app.app_context():
        yield app


def test_production_cookie_is_a_host_cookie(production_app, create_user):
    assert (ProductionConfig.SESSION_COOKIE_NAME, ProductionConfig.SESSION_COOKIE_DOMAIN,
            ProductionConfig.SESSION_COOKIE_PATH) == ("__Host-portal_session", None, "/")
    user = create_user()
    client = production_app.test_client()
    page = client.get("/login", base_url="https://fellowships.example.org")
    response = client.post("/login", base_url="https://fellowships.example.org",
                           headers={"Referer": "https://fellowships.example.org/login"},
                           data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    cookie = [header for header in response.headers.getlist("Set-Cookie")
              if header.startswith("__Host-portal_session=")]
    attributes = {part.strip().split("=")[0].lower() for part in cookie[0].split(";")[1:]}
    assert "Path=/;" in cookie[0] + ";"
    assert attributes >= {"secure", "httponly", "path"}
    assert "domain" not in attributes


# Item 3: the global CSRF check is on, and a form view still shows its form again.

def test_the_global_csrf_check_exempts_no_view(app):
    assert app.extensions["csrf"]._exempt_views == set()


def test_a_form_view_refused_by_the_global_check_shows_the_form_and_changes_nothing(
        client, login_as, create_user, db):
    """Only the global check refuses a request over HTTPS from another site's page (its
    Referer); the form's own check did not, so exempt views accepted it."""
    user = create_user(full_name="Before")
    login_as(user)
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    response = client.post("/account", base_url="https://localhost",
                           headers={"Referer": "https://evil.example/account"},
                           data={"csrf_token": token, "full_name": "Changed by another site",
                                 "position": "X", "administration_code": "AZ",
                                 "preferred_language": "en", "time_zone": "Asia/Baku"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form had expired" in html
    assert 'value="Changed by another site"' in html
    db.session.refresh(user)
    assert user.full_name == "Before"


@pytest.mark.own_app
def test_a_plain_view_refused_by_the_global_check_changes_nothing(app):
    changed = []
    app.add_url_rule("/test-plain-post", "plain_post",
                     lambda: changed.append(1) or "changed", methods=["POST"])
    response = app.test_client().post("/test-plain-post", data={})
    assert (response.status_code, changed) == (400, [])
    assert "Form expired" in response.get_data(as_text=True)


def test_form_tokens_live_two_hours(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 2 * 3600


# Item 4: only the newest reset link works, and a reset ends every session.

def test_only_the_newest_reset_link_works(app, db, create_user, outbox):
    app.config["EMAILS_PER_ADDRESS_LIMIT"] = "100 per minute"
    user = create_user()
    for _ in range(2):
        services.request_password_reset(user.email)
        db.session.commit()
    older, newer = (link_in(message.body_text).rsplit("/", 1)[1] for message in outbox())
    with pytest.raises(services.TokenInvalid):
        services.user_for_reset_token(older)
    assert services.user_for_reset_token(newer) == user


def test_an_older_reset_link_is_refused_on_its_page(client, db, create_user):
    user = create_user()
    older = services.new_reset_token(user)
    services.new_reset_token(user)
    db.session.commit()
    response = client.get("/password/reset/" + older)
    assert response.status_code == 400
    assert "only the newest one works" in response.get_data(as_text=True)


def test_a_reset_ends_every_session(app, client, forms, login_as, create_user, db):
    user = create_user()
    login_as(user)
    token = services.new_reset_token(user)
    db.session.commit()
    stranger = app.test_client()
    page = stranger.get("/password/reset/" + token).get_data(as_text=True)
    response = stranger.post("/password/reset/" + token, data={
        "csrf_token": csrf_token_from(page), "password": "a new long passphrase",
        "confirm": "a new long passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    with pytest.raises(services.TokenInvalid):
        services.user_for_reset_token(token)


def test_a_new_sign_in_deletes_the_users_sessions_past_their_lifetime(db, create_user):
    user = create_user()
    old = services.start_session(user, now=utcnow() - timedelta(hours=9))
    recent = services.start_session(user, now=utcnow() - timedelta(hours=1))
    old_id, recent_id = old.id, recent.id
    services.start_session(user, now=utcnow())
    db.session.commit()
    ids = set(db.session.scalars(sa.select(SignInSession.id)))
    assert (old_id in ids, recent_id in ids, len(ids)) == (False, True, 2)
