"""The admin's user pages through the client, and the person's own change of address."""

import sqlalchemy as sa

from portal.accounts.models import Role, User
from tests.conftest import link_in


def _user(db, email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_admin_invites_a_new_user_from_the_form(forms, login_as, create_user, db, outbox):
    login_as(create_user(roles=("admin",)))
    response = forms.post("/admin/users/new", {
        "email": "asel@example.org", "full_name": "Asel Bekova", "native_name": "Асель Бекова",
        "administration_code": "KG", "preferred_language": "ru", "roles": ["reviewer"]})
    user = _user(db, "asel@example.org")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.native_name, user.roles, user.preferred_language) == (
        "Асель Бекова", {Role.reviewer}, "ru")
    assert [(m.kind, m.recipient, m.language) for m in outbox()] == [
        ("account_invitation", "asel@example.org", "ru")]


def test_admin_new_user_form_refuses_an_existing_address(forms, login_as, create_user, db):
    login_as(create_user(roles=("admin",)))
    create_user(email="taken@example.org")
    response = forms.post("/admin/users/new", {
        "email": "taken@example.org", "full_name": "Someone", "preferred_language": "en",
        "roles": ["reviewer"]})
    assert response.status_code == 200
    assert "An account with this e-mail address exists already." in response.get_data(
        as_text=True)


def test_admin_changes_an_address_which_waits_for_confirmation(
        client, forms, login_as, create_user, db, outbox):
    login_as(create_user(roles=("admin",)))
    user = create_user(email="old@example.org")
    response = forms.post(f"/admin/users/{user.id}", {
        "email": "new@example.org", "full_name": user.full_name, "administration_code": "AZ",
        "preferred_language": "en", "roles": ["applicant"]})
    assert response.status_code == 302
    user = _user(db, "old@example.org")
    assert user.pending_email == "new@example.org"
    assert "new@example.org" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert [(m.kind, m.recipient) for m in outbox()] == [("confirm_new_email", "new@example.org")]


def test_admin_deactivates_and_the_users_session_ends_at_once(
        app, forms, login_as, create_user, db):
    other = app.test_client()
    from tests.conftest import FormClient

    user = create_user()
    FormClient(other).post("/login", {"email": user.email, "password":
                                      "correct horse battery staple"})
    assert other.get("/account").status_code == 200
    login_as(create_user(roles=("admin",)))
    assert forms.post(f"/admin/users/{user.id}/deactivate", {},
                      page=f"/admin/users/{user.id}").status_code == 302
    assert other.get("/account").status_code == 302  # signed out
    assert _user(db, user.email).is_active_account is False
    forms.post(f"/admin/users/{user.id}/reactivate", {}, page=f"/admin/users/{user.id}")
    assert _user(db, user.email).is_active_account is True


def test_admin_sends_a_password_reset_and_resends_an_invitation(
        forms, login_as, create_user, db, outbox):
    from portal.accounts.invitations import unusable_password_hash

    login_as(create_user(roles=("admin",)))
    user = create_user()
    invited = create_user()
    invited.password_hash = unusable_password_hash()
    db.session.commit()
    forms.post(f"/admin/users/{user.id}/password-reset", {}, page=f"/admin/users/{user.id}")
    forms.post(f"/admin/users/{invited.id}/resend-confirmation", {},
               page=f"/admin/users/{invited.id}")
    assert [(m.kind, m.recipient) for m in outbox()] == [
        ("reset_password", user.email), ("account_invitation", invited.email)]


def test_user_list_filters_through_the_query_string(client, login_as, create_user):
    login_as(create_user(roles=("admin",), full_name="Zara Admin"))
    create_user(full_name="Georgian Officer", administration="GE")
    create_user(full_name="Azeri Officer", administration="AZ")
    html = client.get("/admin/users?administration=GE&role=applicant").get_data(as_text=True)
    assert "Georgian Officer" in html and "Azeri Officer" not in html


def test_person_changes_their_own_address_from_the_profile(
        client, forms, login_as, create_user, db, outbox):
    user = login_as(create_user(email="mine@example.org"))
    assert "/account/email" in client.get("/account").get_data(as_text=True)
    assert forms.post("/account/email", {"email": "next@example.org"}).status_code == 302
    assert _user(db, "mine@example.org").pending_email == "next@example.org"
    [message] = outbox()
    assert message.recipient == "next@example.org"
    assert client.get(link_in(message.body_text)).status_code == 302
    assert _user(db, "next@example.org").id == user.id


def test_profile_keeps_a_hidden_administration_that_registration_no_longer_offers(
        client, forms, login_as, create_user, db):
    from portal.administrations.models import Administration

    db.session.get(Administration, "GE").is_active = False
    db.session.commit()
    assert 'value="GE"' not in client.get("/register").get_data(as_text=True)
    login_as(create_user(administration="GE"))
    assert 'value="GE"' in client.get("/account").get_data(as_text=True)
    response = forms.post("/account", {
        "full_name": "Still Georgian", "administration_code": "GE", "position": "Inspector",
        "preferred_language": "en", "time_zone": "Asia/Tbilisi"})
    assert response.status_code == 302


def test_admin_saving_other_details_keeps_a_pending_address(forms, login_as, create_user, db):
    login_as(create_user(roles=("admin",)))
    user = create_user(email="old@example.org")
    user.pending_email = "new@example.org"
    db.session.commit()
    forms.post(f"/admin/users/{user.id}", {
        "email": "old@example.org", "full_name": "Renamed", "administration_code": "AZ",
        "preferred_language": "en", "roles": ["applicant"]})
    user = _user(db, "old@example.org")
    assert (user.full_name, user.pending_email) == ("Renamed", "new@example.org")
