"""Who may reach what: every route against every role, and every predicate.

A new route fails `test_every_route_has_an_entry` until it is added to ROUTES here.
"""

import pytest

from portal import permissions
from portal.accounts.models import Role

ROLES = ["anonymous", "applicant", "reviewer", "coordinator", "admin"]

PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}
ADMIN_ONLY = {"anonymous": 302, "applicant": 403, "reviewer": 403, "coordinator": 403,
              "admin": 200}
VISITORS_ONLY = {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}

# endpoint: (method, url, expected status per role)
ROUTES = {
    "main.index": ("GET", "/", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.set_language_choice": ("POST", "/language", dict.fromkeys(ROLES, 302)),
    "accounts.register": ("GET", "/register", VISITORS_ONLY),
    "accounts.registered": ("GET", "/register/check-your-email", dict.fromkeys(ROLES, 302)),
    "accounts.verify_email": ("GET", "/verify-email/not-a-token", dict.fromkeys(ROLES, 400)),
    "accounts.resend_verification": ("POST", "/account/resend-verification",
                                     dict.fromkeys(ROLES, 302)),
    "accounts.login": ("GET", "/login", VISITORS_ONLY),
    "accounts.logout": ("POST", "/logout", dict.fromkeys(ROLES, 302)),
    "accounts.request_password_reset": ("GET", "/password/forgot", PUBLIC),
    "accounts.reset_password": ("GET", "/password/reset/not-a-token", dict.fromkeys(ROLES, 400)),
    "accounts.profile": ("GET", "/account", SIGNED_IN),
    "accounts.change_password": ("GET", "/account/password", SIGNED_IN),
    "accounts.list_users": ("GET", "/admin/users", ADMIN_ONLY),
    "accounts.edit_user": ("GET", "/admin/users/{user_id}", ADMIN_ONLY),
    "administrations.list_administrations": ("GET", "/admin/administrations", ADMIN_ONLY),
    "administrations.edit_administration": ("GET", "/admin/administrations/AZ", ADMIN_ONLY),
}

# Served files, not pages: open to everyone by design.
UNGUARDED = {"static", "bootstrap.static"}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - UNGUARDED
    assert endpoints - set(ROUTES) == set(), "add the new routes to ROUTES"
    assert set(ROUTES) - endpoints == set(), "ROUTES names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access(client, forms, login_as, create_user, endpoint, role):
    method, url, expected = ROUTES[endpoint]
    some_user = create_user(email="someone@example.org")
    if role != "anonymous":
        login_as(create_user(roles=(role,)))
    url = url.format(user_id=some_user.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = forms.post(url, {}, page="/")
    assert response.status_code == expected[role]
    if response.status_code == 302 and role == "anonymous" and expected is not PUBLIC:
        assert response.headers["Location"].startswith(("/login", "/", "/register"))


class _Visitor:
    is_authenticated = False


class _User:
    is_authenticated = True

    def __init__(self, *roles):
        self.roles = {Role(r) for r in roles}

    def has_role(self, role):
        return role in self.roles


PREDICATES = {
    # predicate: roles for which it is true
    "can_manage_users": {"admin"},
    "can_manage_administrations": {"admin"},
    "can_view_audit_log": {"admin", "coordinator"},
    "can_manage_calls": {"coordinator"},
    "can_review": {"reviewer"},
    "is_signed_in": {"applicant", "reviewer", "coordinator", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_predicate_matrix(name, role):
    user = _Visitor() if role == "anonymous" else _User(role)
    assert getattr(permissions, name)(user) is (role in PREDICATES[name])


def test_every_predicate_is_in_the_matrix():
    names = {n for n in permissions.TEMPLATE_PREDICATES if n != "can_change_roles"}
    assert names == set(PREDICATES)
