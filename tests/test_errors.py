"""Error pages, incident ids, logs and ids out of range."""

import logging
import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.logs import UTCFormatter

# The tests add a failing route, which Flask allows only on an app that has served nothing.
pytestmark = pytest.mark.own_app


@pytest.fixture
def boom(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def boom_view():
        raise RuntimeError("secret internals")


def test_unexpected_error_page_shows_the_incident_id_that_the_log_has(boom, client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom-for-test")
    html = response.get_data(as_text=True)
    shown = re.search(r"Incident reference: ([0-9A-F]{10})\.", html)
    assert response.status_code == 500
    assert shown is not None
    logged = [record for record in caplog.records if "unhandled error" in record.getMessage()]
    assert len(logged) == 1
    assert f"incident={shown.group(1)}" in logged[0].getMessage()
    assert logged[0].exc_info[1].args == ("secret internals",)
    assert "secret internals" not in html


def test_incident_id_in_json_errors(boom, client):
    response = client.get("/boom-for-test", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert re.fullmatch(r"[0-9A-F]{10}", response.get_json()["incident"])


def test_log_times_are_utc_and_say_so():
    record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "x", None, None)
    record.created = 0.0
    assert UTCFormatter().format(record) == "1970-01-01T00:00:00Z ERROR portal: x"


def test_sql_parameters_stay_out_of_errors(app):
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError) as failure:
            db.session.execute(sa.text("SELECT * FROM no_such_table WHERE name = :name"),
                               {"name": "Aigul Osmonova"})
        db.session.rollback()
    assert "Aigul Osmonova" not in str(failure.value)


@pytest.mark.parametrize("path", [
    "/applications/99999999999999999999999",
    "/applications/2147483648",
    "/manage/calls/99999999999999999999999",
])
def test_ids_past_what_a_database_holds_are_not_found(client, login_as, create_user, path):
    from portal.accounts.models import Role

    login_as(create_user(roles=(Role.applicant, Role.coordinator)))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(("query", "status"), [
    ("page=99999999999999999999999", 404),
    ("page=1000001", 404),
    ("page=-5", 200),
    ("page=abc", 200),
])
def test_page_numbers_past_any_list_are_not_found(client, login_as, create_user, query, status):
    from portal.accounts.models import Role

    login_as(create_user(roles=(Role.admin, Role.coordinator)))
    assert client.get(f"/admin/users?{query}").status_code == status
    assert client.get(f"/manage/audit?{query}").status_code == status
