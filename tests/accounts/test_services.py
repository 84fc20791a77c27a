"""The account rules, called directly."""

import time

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from portal.accounts import services
from portal.accounts.models import Role, User
from portal.accounts.tokens import make_token
from portal.audit.models import AuditEvent
from portal.database import utcnow
from tests.conftest import PASSWORD, link_in


def _profile(**overrides):
    values = dict(full_name="Ivan Petrov", native_name="Иван Петров", administration_code="RU",
                  position="Inspector", preferred_language="ru", time_zone="Europe/Moscow")
    values.update(overrides)
    return services.Profile(**values)


def _actions(db):
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_register_creates_unverified_applicant_and_queues_verification_in_their_language(
        db, administrations, outbox):
    user = services.register(email="  Ivan.Petrov@Customs.RU ", password=PASSWORD,
                             profile=_profile())
    db.session.commit()
    assert user.email == "ivan.petrov@customs.ru"
    assert user.roles == {Role.applicant}
    assert user.email_verified is False
    assert user.password_hash.startswith("$argon2id$")
    [message] = outbox()
    assert (message.kind, message.recipient, message.language) == (
        "verify_email", "ivan.petrov@customs.ru", "ru")
    assert "/verify-email/" in message.body_text


def test_register_with_known_email_creates_nothing_and_tells_the_owner(db, create_user, outbox):
    owner = create_user(email="owner@example.org", language="en")
    result = services.register(email="OWNER@example.org", password="another password here",
                               profile=_profile())
    db.session.commit()
    assert result is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    [message] = outbox()
    assert (message.kind, message.recipient) == ("already_registered", owner.email)


def test_verify_email_marks_address_verified(db, administrations, outbox):
    user = services.register(email="a@example.org", password=PASSWORD, profile=_profile())
    db.session.commit()
    path = link_in(outbox()[0].body_text)
    token = path.rsplit("/", 1)[1]
    assert services.verify_email(token) == user
    assert user.email_verified


def test_verify_email_expired_token_is_refused(app, db, create_user):
    user = create_user(verified=False)
    token = make_token("verify-email", {"uid": user.id, "email": user.email})
    app.config["EMAIL_TOKEN_MAX_AGE"] = -1
    with pytest.raises(services.TokenExpired):
        services.verify_email(token)
    assert not user.email_verified


def test_verify_email_token_for_other_purpose_is_refused(db, create_user):
    user = create_user(verified=False)
    token = make_token("reset-password", {"uid": user.id, "email": user.email})
    with pytest.raises(services.TokenInvalid):
        services.verify_email(token)


def test_verify_email_token_signed_with_another_key_is_refused(db, create_user):
    user = create_user(verified=False)
    forged = URLSafeTimedSerializer("someone else's key", salt="portal.verify-email").dumps(
        {"uid": user.id, "email": user.email})
    with pytest.raises(services.TokenInvalid):
        services.verify_email(forged)


def test_authenticate_right_password_succeeds_case_insensitively(db, create_user):
    user = create_user(email="mixed@example.org")
    assert services.authenticate("MIXED@Example.org", PASSWORD) == user
    assert user.last_login_at is not None
    assert _actions(db)[-1] == "login.succeeded"


@pytest.mark.parametrize("email,password", [
    ("known@example.org", "wrong password entirely"),
    ("unknown@example.org", PASSWORD),
])
def test_authenticate_failure_returns_none_and_is_audited(db, create_user, email, password):
    create_user(email="known@example.org")
    assert services.authenticate(email, password) is None
    assert _actions(db)[-1] == "login.failed"


def test_a_hash_made_with_other_costs_is_replaced_at_sign_in(app, db, create_user):
    """Hashes made before a change of the Argon2 setting (once 64 MiB, 3 passes, 4 lanes) move
    to the current one the next time their owner signs in."""
    from argon2 import PasswordHasher

    user = create_user()
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=2).hash(PASSWORD)
    db.session.commit()
    assert services.authenticate(user.email, PASSWORD) == user
    config = app.config
    assert user.password_hash.startswith(
        f"$argon2id$v=19$m={config['ARGON2_MEMORY_COST']},t={config['ARGON2_TIME_COST']},"
        f"p={config['ARGON2_PARALLELISM']}$")
    assert services.authenticate(user.email, PASSWORD) == user


def test_authenticate_suspended_account_is_refused(db, create_user):
    admin = create_user(roles=("admin",))
    user = create_user()
    services.set_active(user, False, actor=admin)
    assert services.authenticate(user.email, PASSWORD) is None


def test_password_reset_link_works_once(db, create_user, outbox):
    user = create_user()
    services.request_password_reset(user.email.upper())
    db.session.commit()
    token = link_in(outbox()[0].body_text).rsplit("/", 1)[1]
    old_session = services.start_session(user, now=utcnow())
    services.reset_password(token, "a brand new passphrase")
    db.session.commit()
    assert services.authenticate(user.email, "a brand new passphrase") == user
    assert old_session.ended_at is not None
    with pytest.raises(services.TokenInvalid):
        services.reset_password(token, "yet another passphrase")


def test_password_reset_for_unknown_address_sends_nothing(db, administrations, outbox):
    services.request_password_reset("nobody@example.org")
    db.session.commit()
    assert outbox() == []


def test_password_reset_expired_link_is_refused(app, db, create_user, outbox):
    user = create_user()
    services.request_password_reset(user.email)
    db.session.commit()
    token = link_in(outbox()[0].body_text).rsplit("/", 1)[1]
    app.config["RESET_TOKEN_MAX_AGE"] = 0
    time.sleep(1.1)
    with pytest.raises(services.TokenExpired):
        services.reset_password(token, "a brand new passphrase")


def test_change_password_needs_current_password(db, create_user):
    user = create_user()
    with pytest.raises(services.WrongPassword):
        services.change_password(user, current_password="not my password",
                                 new_password="a brand new passphrase")
    services.change_password(user, current_password=PASSWORD,
                             new_password="a brand new passphrase")
    assert services.authenticate(user.email, "a brand new passphrase") == user
    assert services.authenticate(user.email, PASSWORD) is None


def test_set_roles_changes_roles_and_audits(db, create_user):
    admin = create_user(roles=("admin",))
    user = create_user()
    services.set_roles(user, {Role.reviewer, Role.coordinator}, actor=admin)
    db.session.commit()
    assert user.roles == {Role.reviewer, Role.coordinator}
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "account.roles_changed"))
    assert (event.actor_id, event.object_id) == (admin.id, str(user.id))
    assert event.details == {"before": ["applicant"], "after": ["coordinator", "reviewer"]}


def test_set_roles_refuses_to_remove_the_last_admin(db, create_user):
    admin = create_user(roles=("admin",))
    with pytest.raises(services.LastAdmin):
        services.set_roles(admin, {Role.applicant}, actor=admin)


def test_audit_events_cannot_be_changed(db, create_user):
    create_user()
    services.authenticate("nobody@example.org", "whatever password")
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent))
    event.action = "tampered"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()


def _kinds(outbox):
    return [message.kind for message in outbox()]


def _age_outbox(db, minutes):
    """Make every message queued so far `minutes` older."""
    from datetime import timedelta

    from portal.notifications.models import OutboxMessage

    for message in db.session.scalars(sa.select(OutboxMessage)):
        message.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_reset_emails_to_one_address_are_limited_however_often_it_is_asked(db, create_user,
                                                                           outbox):
    """At most one reset e-mail per address per 5 minutes, and 6 a day (EMAILS_PER_ADDRESS_LIMIT)."""
    user = create_user()
    for _ in range(8):
        services.request_password_reset(user.email)
        db.session.commit()
    assert _kinds(outbox) == ["reset_password"]
    assert _actions(db).count("password.reset_requested_too_often") == 7

    for _ in range(7):
        _age_outbox(db, 6)
        services.request_password_reset(user.email)
        db.session.commit()
    assert _kinds(outbox) == ["reset_password"] * 6  # the seventh of the day is not sent


def test_already_registered_emails_to_one_address_are_limited(db, create_user, outbox):
    owner = create_user(email="owner@example.org")
    for _ in range(6):
        assert services.register(email=owner.email, password="another password here",
                                 profile=_profile()) is None
        db.session.commit()
    assert _kinds(outbox) == ["already_registered"]
    _age_outbox(db, 6)
    services.register(email=owner.email, password="another password here", profile=_profile())
    db.session.commit()
    assert _kinds(outbox) == ["already_registered"] * 2


def test_each_kind_of_email_has_its_own_limit(db, create_user, outbox):
    owner = create_user(email="owner@example.org")
    services.register(email=owner.email, password="another password here", profile=_profile())
    services.request_password_reset(owner.email)
    db.session.commit()
    assert _kinds(outbox) == ["already_registered", "reset_password"]


@pytest.mark.parametrize("known", [False, True])
def test_register_hashes_the_password_once_whether_the_address_is_known_or_not(
        db, create_user, monkeypatch, known):
    """Only hashing took time (26 ms for a known address, 99 ms for a new one): both hash once."""
    create_user(email="owner@example.org")
    hashed = []
    real_hash = services.hash_password
    monkeypatch.setattr(services, "hash_password",
                        lambda password: hashed.append(password) or real_hash(password))
    email = "owner@example.org" if known else "newcomer@example.org"
    services.register(email=email, password="submitted password", profile=_profile())
    assert hashed == ["submitted password"]
