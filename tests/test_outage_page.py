"""The answer to a database that cannot be used: 503 with the user's text (tests/test_outage.py stops
a real PostgreSQL; here SQLite is locked for too long, and the pieces are checked one by one)."""

import re
import sqlite3

import pytest
import sqlalchemy as sa

from portal.accounts.forms import LoginForm
from portal.errors import is_database_outage, typed_entries

MOTIVATION = "Я хочу изучить управление рисками.\nAnd bring it home."


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SQLITE_BUSY_TIMEOUT": 0.2}


def _entries(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<label class="form-label" for="entry-\d+">(.*?)</label>\s*'
                      r'<textarea[^>]*readonly>(.*?)</textarea>', html, re.S)


def test_database_locked_too_long_answers_503_with_the_text(app, db, client, forms, login_as,
                                                             create_application):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; tests/test_outage.py stops a real PostgreSQL")
    application = create_application()
    login_as(application.applicant)
    url = f"/applications/{application.id}/sections/motivation"
    token = forms.token(url)
    db.session.close()
    other = db.engine.raw_connection()  # another writer holds the lock past the busy timeout
    try:
        other.cursor().execute("BEGIN IMMEDIATE")
        response = client.post(url, data={"version": "0", "motivation": MOTIVATION,
                                          "project_title": "", "csrf_token": token})
    finally:
        other.cursor().execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    # The lock was met at the request's first query (its user's), before the view built its form:
    # the fields are named by their names.
    assert _entries(response.get_data(as_text=True)) == [("version", "0"), ("motivation", MOTIVATION)]
    assert client.post(url, data={"version": "0", "motivation": MOTIVATION,
                                  "csrf_token": token}).status_code == 302


def test_typed_entries_leave_out_passwords_tokens_and_hidden_fields(app):
    data = {"email": "ivan@example.org", "password": "secret words", "csrf_token": "abc",
            "remember": "y", "next": "/applications/", "reset_token": "xyz", "note": "  "}
    with app.test_request_context("/login", method="POST", data=data):
        form = LoginForm()
        assert typed_entries([form]) == [("E-mail address", "ivan@example.org")]
        # Without the form, fields are named by their names, and secrets are still left out.
        assert typed_entries() == [("email", "ivan@example.org"), ("remember", "y"),
                                   ("next", "/applications/")]


def _sqlite_error(statement: str, connection=None) -> sa.exc.OperationalError:
    connection = connection or sqlite3.connect(":memory:")
    try:
        connection.execute(statement)
    except sqlite3.OperationalError as error:
        return sa.exc.OperationalError(statement, {}, error)
    raise AssertionError("no error")


def test_only_an_unreachable_database_is_an_outage(tmp_path):
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    assert is_database_outage(_sqlite_error("BEGIN IMMEDIATE", waiter)) is True
    assert is_database_outage(_sqlite_error("SELEKT 1")) is False  # a bug: 500 with an incident id
    assert is_database_outage(_sqlite_error("SELECT * FROM missing")) is False
    holder.close()
    waiter.close()
