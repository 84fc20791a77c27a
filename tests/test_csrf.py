"""Every state-changing route refuses a request without a valid CSRF token, changing nothing."""

import pytest
import sqlalchemy as sa

from portal.accounts.tokens import account_fingerprint, make_token
from tests.test_permissions import ROUTES

# Plausible form data per route, so that only the missing token can stop the change.
FORM_DATA = {
    "main.set_language_choice": {"lang": "ru", "next": "/"},
    "accounts.register": {"email": "new@example.org", "password": "long enough password",
                          "confirm": "long enough password", "full_name": "New Person",
                          "administration_code": "AZ", "position": "Inspector",
                          "preferred_language": "en", "time_zone": "Asia/Baku"},
    "accounts.login": {"email": "admin@example.org", "password": "correct horse battery staple"},
    "accounts.logout": {},
    "accounts.resend_verification": {},
    "accounts.request_password_reset": {"email": "admin@example.org"},
    "accounts.profile": {"full_name": "Changed", "administration_code": "GE", "position": "X",
                         "preferred_language": "ru", "time_zone": "UTC"},
    "accounts.change_password": {"current_password": "correct horse battery staple",
                                 "password": "another long password",
                                 "confirm": "another long password"},
    "accounts.reset_password": {"password": "another long password",
                                "confirm": "another long password"},
    "accounts.edit_user": {"roles": ["coordinator"], "is_active": "y"},
    "administrations.edit_administration": {"name_en": "Changed", "is_active": ""},
}


def _snapshot(db):
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        tables[table.name] = sorted(map(repr, rows))
    return tables


def _post_routes(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods})


def test_every_post_route_has_form_data(app):
    assert set(_post_routes(app)) == set(FORM_DATA)


@pytest.mark.parametrize("token", [None, "forged"])
@pytest.mark.parametrize("endpoint", sorted(FORM_DATA))
def test_post_without_valid_token_changes_nothing(app, client, login_as, create_user, db,
                                                  endpoint, token):
    admin = create_user(email="admin@example.org", roles=("admin",), verified=False)
    if endpoint not in ("accounts.login", "accounts.register", "accounts.request_password_reset",
                        "accounts.reset_password"):
        login_as(admin)
    url = ROUTES[endpoint][1].format(user_id=admin.id)
    if endpoint == "accounts.reset_password":
        url = "/password/reset/" + make_token("reset-password", {
            "uid": admin.id, "fp": account_fingerprint(admin)})
    data = dict(FORM_DATA[endpoint])
    if token:
        data["csrf_token"] = token
    before = _snapshot(db)
    response = client.post(url, data=data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:
        assert "This form had expired" in response.get_data(as_text=True)
    assert _snapshot(db) == before
