"""Invitations: an account made by the office, whose owner sets the password from a link."""

import pytest
import sqlalchemy as sa

from portal.accounts import invitations
from portal.accounts.models import Role, User
from portal.accounts.services import authenticate
from portal.audit.models import AuditEvent
from portal.database import utcnow
from tests.conftest import PASSWORD, link_in

NEW_PASSWORD = "a brand new passphrase"


def _invite(actor, **kw):
    values = dict(email="Focal.Point@Customs.example", full_name="Asel Bekova", language="ru",
                  roles={Role.nominator}, actor=actor, now=utcnow(), administration_code="KG")
    values.update(kw)
    return invitations.invite_user(**values)


def _actions(db, user):
    return db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_id == str(user.id)).order_by(AuditEvent.id)).all()


def test_invite_creates_an_account_no_password_opens(db, create_user, outbox):
    admin = create_user(roles=("admin",), full_name="Office Admin")
    user = _invite(admin)
    db.session.commit()
    assert (user.email, user.full_name, user.preferred_language, user.administration_code,
            user.roles, user.email_verified, invitations.has_usable_password(user)) == (
        "focal.point@customs.example", "Asel Bekova", "ru", "KG", {Role.nominator}, False,
        False)
    [message] = outbox()
    assert (message.kind, message.recipient, message.language, message.subject) == (
        "account_invitation", "focal.point@customs.example", "ru",
        "Приглашение на портал стажировок ROCB Europe")
    assert "Здравствуйте, Asel Bekova!" in message.body_text
    assert "Office Admin" in message.body_text
    assert link_in(message.body_text).startswith("/invitation/")
    assert _actions(db, user) == ["account.invited"]
    assert authenticate(user.email, "!") is None


def test_invite_an_existing_account_adds_the_roles_and_links_to_sign_in(db, create_user,
                                                                          outbox):
    admin = create_user(roles=("admin",))
    officer = create_user(email="officer@example.org", language="en", full_name="Kept Name")
    user = _invite(admin, email="OFFICER@example.org", full_name="Other Name")
    db.session.commit()
    assert (user.id, user.full_name, user.roles) == (
        officer.id, "Kept Name", {Role.applicant, Role.nominator})
    [message] = outbox()
    assert (message.language, link_in(message.body_text)) == ("en", "/login")
    assert "Your roles: Applicant, Nominating official" in message.body_text
    assert _actions(db, user) == ["account.roles_changed", "account.invited"]


def test_set_password_from_the_link_then_sign_in(client, forms, db, create_user, outbox):
    admin = create_user(roles=("admin",))
    user = _invite(admin, language="en")
    db.session.commit()
    path = link_in(outbox()[0].body_text)
    page = client.get(path)
    assert page.status_code == 200
    assert "focal.point@customs.example" in page.get_data(as_text=True)
    response = forms.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    db.session.refresh(user)
    assert (user.email_verified, invitations.has_usable_password(user)) == (True, True)
    response = forms.post("/login", {"email": user.email, "password": NEW_PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "password.set_from_invitation" in _actions(db, user)


def test_used_link_says_so_and_points_to_sign_in(client, forms, db, create_user, outbox):
    _invite(create_user(roles=("admin",)))
    db.session.commit()
    path = link_in(outbox()[0].body_text)
    forms.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    forms.post("/language", {"lang": "ru", "next": "/"})
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Пароль этой учётной записи уже задан" in page
    assert 'href="/login"' in page
    with pytest.raises(invitations.InvitationUsed):
        invitations.accept_invitation(path.rsplit("/", 1)[1], "yet another passphrase")


def test_expired_link_is_refused_with_a_way_forward(app, client, db, create_user, outbox):
    user = _invite(create_user(roles=("admin",)), language="en")
    db.session.commit()
    path = link_in(outbox()[0].body_text)
    app.config["INVITATION_DAYS"] = -1
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The invitation link has expired." in page
    assert 'href="/password/forgot"' in page
    with pytest.raises(invitations.TokenExpired):
        invitations.accept_invitation(path.rsplit("/", 1)[1], NEW_PASSWORD)
    assert invitations.has_usable_password(user) is False


def test_resend_spends_the_older_link(db, create_user, outbox):
    admin = create_user(roles=("admin",))
    user = _invite(admin)
    db.session.commit()
    old_token = link_in(outbox()[0].body_text).rsplit("/", 1)[1]
    invitations.resend_invitation(user, actor=admin, now=utcnow())
    db.session.commit()
    new_token = link_in(outbox()[1].body_text).rsplit("/", 1)[1]
    with pytest.raises(invitations.TokenInvalid):
        invitations.user_for_invitation(old_token)
    assert invitations.accept_invitation(new_token, NEW_PASSWORD) == user
    assert _actions(db, user)[-2:] == ["account.invitation_resent",
                                       "password.set_from_invitation"]
    with pytest.raises(invitations.InvitationUsed):
        invitations.resend_invitation(user, actor=admin, now=utcnow())


def test_invite_an_account_still_invited_sends_a_new_link(db, create_user, outbox):
    admin = create_user(roles=("admin",))
    user = _invite(admin)
    again = _invite(admin, roles={Role.reviewer})
    db.session.commit()
    assert (again.id, again.roles) == (user.id, {Role.nominator, Role.reviewer})
    assert [link_in(m.body_text).startswith("/invitation/") for m in outbox()] == [True, True]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
    assert PASSWORD  # the admin's own password is untouched
