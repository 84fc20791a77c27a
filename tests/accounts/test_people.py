"""The admin's work on accounts (accounts/people.py) and the list's filters (queries.py)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts import people, queries
from portal.accounts.invitations import has_usable_password, unusable_password_hash
from portal.accounts.models import Role, SignInSession, User
from portal.accounts.services import authenticate, start_session
from portal.audit.models import AuditEvent
from portal.database import utcnow
from tests.conftest import PASSWORD, link_in


def _details(**changes):
    values = dict(full_name="Asel Bekova", native_name="Асель Бекова", administration_code="KG",
                  preferred_language="ru", roles={Role.coordinator})
    return people.AccountDetails(**{**values, **changes})


def _actions(db):
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_create_by_invitation_sends_a_set_password_link_in_the_chosen_language(
        db, create_user, outbox):
    admin = create_user(roles=("admin",))
    user = people.create_by_invitation(email="Asel@Example.org", details=_details(),
                                       actor=admin, now=utcnow())
    db.session.commit()
    assert (user.email, user.full_name, user.native_name, user.administration_code,
            user.preferred_language, user.roles) == (
        "asel@example.org", "Asel Bekova", "Асель Бекова", "KG", "ru", {Role.coordinator})
    assert has_usable_password(user) is False
    [message] = outbox()
    assert (message.kind, message.recipient, message.language) == (
        "account_invitation", "asel@example.org", "ru")
    assert "/invitation/" in link_in(message.body_text)


def test_create_by_invitation_refuses_an_address_with_an_account(db, create_user):
    admin = create_user(roles=("admin",))
    create_user(email="taken@example.org")
    with pytest.raises(people.EmailTaken):
        people.create_by_invitation(email="TAKEN@example.org", details=_details(), actor=admin,
                                    now=utcnow())


def test_update_account_changes_names_language_roles_and_administration(db, create_user):
    admin = create_user(roles=("admin",))
    user = create_user(administration="AZ")
    people.update_account(user, _details(), actor=admin)
    db.session.commit()
    assert (user.full_name, user.native_name, user.preferred_language, user.roles,
            user.administration_code) == ("Asel Bekova", "Асель Бекова", "ru",
                                          {Role.coordinator}, "KG")
    assert _actions(db)[-3:] == ["account.updated_by_admin", "account.roles_changed",
                                 "account.administration_changed"]


def test_email_change_takes_effect_only_from_the_link_at_the_new_address(
        db, client, create_user, outbox):
    user = create_user(email="old@example.org")
    assert people.request_email_change(user, " New@Example.org ", actor=user) is True
    db.session.commit()
    assert (user.email, user.pending_email) == ("old@example.org", "new@example.org")
    [message] = outbox()
    assert (message.kind, message.recipient) == ("confirm_new_email", "new@example.org")
    assert authenticate("old@example.org", PASSWORD) == user  # still signs in with the old one
    response = client.get(link_in(message.body_text))
    assert response.status_code == 302
    db.session.expire_all()
    assert (user.email, user.pending_email) == ("new@example.org", None)
    assert user.email_verified is True
    assert client.get(link_in(message.body_text)).status_code == 400  # spent


def test_email_change_link_of_an_older_request_no_longer_works(db, create_user, outbox):
    user = create_user()
    people.request_email_change(user, "first@example.org", actor=user)
    people.request_email_change(user, "second@example.org", actor=user)
    db.session.commit()
    first, second = (link_in(m.body_text).rsplit("/", 1)[1] for m in outbox())
    with pytest.raises(people.TokenInvalid):
        people.confirm_email_change(first, now=utcnow())
    assert people.confirm_email_change(second, now=utcnow()).email == "second@example.org"


def test_email_change_refused_when_the_address_is_taken(db, create_user, outbox):
    user = create_user()
    create_user(email="taken@example.org")
    with pytest.raises(people.EmailTaken):
        people.request_email_change(user, "taken@example.org", actor=user)
    people.request_email_change(user, "free@example.org", actor=user)
    create_user(email="free@example.org")  # someone took it before the link was followed
    token = link_in(outbox()[-1].body_text).rsplit("/", 1)[1]
    with pytest.raises(people.EmailTaken):
        people.confirm_email_change(token, now=utcnow())


def test_resend_confirmation_sends_what_the_account_waits_for(db, create_user, outbox):
    admin = create_user(roles=("admin",))
    invited = create_user()
    invited.password_hash = unusable_password_hash()
    unverified = create_user(verified=False)
    moving = create_user()
    moving.pending_email = "moving@example.org"
    done = create_user()
    assert [people.resend_confirmation(u, actor=admin, now=utcnow())
            for u in (invited, unverified, moving, done)] == [
        "invitation", "verification", "email_change", ""]
    assert [(m.kind, m.recipient) for m in outbox()] == [
        ("account_invitation", invited.email), ("verify_email", unverified.email),
        ("confirm_new_email", "moving@example.org")]


def test_send_password_reset_mails_a_working_link(db, client, create_user, outbox):
    admin = create_user(roles=("admin",))
    user = create_user(language="ru")
    people.send_password_reset(user, actor=admin)
    db.session.commit()
    [message] = outbox()
    assert (message.kind, message.recipient, message.language) == (
        "reset_password", user.email, "ru")
    assert client.get(link_in(message.body_text)).status_code == 200
    assert _actions(db)[-1] == "password.reset_sent_by_admin"


def _listed(filters, now=None):
    from portal.extensions import db

    query = queries.users_query(filters, now=now or utcnow())
    return [u.full_name for u in db.session.scalars(query)]


def test_users_list_filters_by_role_administration_state_and_last_sign_in(db, create_user):
    now = utcnow()
    coordinator = create_user(full_name="A Coordinator", roles=("coordinator",),
                              administration="GE")
    coordinator.last_login_at = now - timedelta(days=3)
    old = create_user(full_name="B Old", administration="GE")
    old.last_login_at = now - timedelta(days=31)
    invited = create_user(full_name="C Invited")
    invited.password_hash = unusable_password_hash()
    create_user(full_name="D Unconfirmed", verified=False)
    gone = create_user(full_name="E Gone")
    gone.is_active_account = False
    db.session.commit()
    filters = queries.UserFilters
    assert _listed(filters(role="coordinator")) == ["A Coordinator"]
    assert _listed(filters(administration="GE")) == ["A Coordinator", "B Old"]
    assert _listed(filters(state="invited")) == ["C Invited"]
    assert _listed(filters(state="unconfirmed")) == ["D Unconfirmed"]
    assert _listed(filters(state="deactivated")) == ["E Gone"]
    assert _listed(filters(last_sign_in="recent"), now) == ["A Coordinator"]
    assert _listed(filters(last_sign_in="older"), now) == ["B Old"]
    assert _listed(filters(last_sign_in="never", state="active")) == [
        "C Invited", "D Unconfirmed"]


def test_users_list_search_finds_a_cyrillic_name_in_any_case(db, create_user):
    user = create_user(full_name="Aibek Toktogulov")
    user.native_name = "Айбек Токтогулов"
    create_user(full_name="Someone Else")
    db.session.commit()
    assert _listed(queries.UserFilters(search="АЙБЕК")) == ["Aibek Toktogulov"]


def test_deactivating_ends_every_session_at_once(db, create_user):
    from portal.accounts.services import set_active

    admin = create_user(roles=("admin",))
    user = create_user()
    start_session(user, now=utcnow())
    start_session(user, now=utcnow())
    set_active(user, False, actor=admin)
    db.session.commit()
    live = db.session.scalar(sa.select(sa.func.count()).select_from(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.ended_at.is_(None)))
    assert live == 0
    assert db.session.get(User, user.id).is_active_account is False
