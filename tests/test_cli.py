"""Operator commands, run as an operator would (through the Flask CLI)."""

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.accounts.services import authenticate


def test_users_create_with_roles_and_no_prompt(app, db, administrations):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Coord@Example.org", "--name",
                                 "Leyla Mammadova", "--roles", "coordinator,reviewer",
                                 "--administration", "az", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.roles, user.administration_code, user.email_verified) == (
        "coord@example.org", {Role.coordinator, Role.reviewer}, "AZ", True)
    assert authenticate("coord@example.org", "a long enough password") == user


def test_users_create_refuses_short_password_and_unknown_role(app, db):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                                "--password", "short"])
    unknown = runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                                  "--password", "a long enough password", "--roles", "king"])
    assert (short.exit_code, unknown.exit_code) == (2, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_create_refuses_taken_email(app, create_user):
    create_user(email="taken@example.org")
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "TAKEN@example.org", "--name", "B",
        "--password", "a long enough password"])
    assert result.exit_code == 1
    assert "already registered" in result.output


def test_administrations_load_and_demo_seed_are_repeatable(app, db):
    runner = app.test_cli_runner()
    assert "52 added" in runner.invoke(args=["administrations", "load"]).output
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert "demo password" in first.output
    from portal.applications.models import Application, ApplicationState
    from portal.calls.models import Call, CallState
    from portal.reviews.models import Assignment

    # DEMO_USERS (eight, three focal points and the two accounts of one officer), applicant1@
    # to applicant10@
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 23
    states = db.session.execute(sa.select(Call.state, sa.func.count()).group_by(Call.state))
    assert dict(states.all()) == {CallState.open: 1, CallState.draft: 1, CallState.closed: 1}
    in_review = db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.state == ApplicationState.under_review))
    assert in_review == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) > 0
    # Two of the three demo reviewers have scored, so the ranking has scores and missing reviews.
    from portal.reviews.models import Review

    submitted = db.session.scalar(sa.select(sa.func.count()).select_from(Review)
                                  .where(Review.submitted_at.is_not(None)))
    assert 0 < submitted < db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))


def test_translations_are_complete(app):
    result = app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def test_every_demo_account_signs_in_through_the_form(app, client, forms):
    from portal.demo import DEMO_PASSWORD, DEMO_USERS
    from portal.extensions import limiter

    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    for email, *_ in DEMO_USERS:
        limiter.reset()  # more accounts than sign-ins a minute from one address
        response = forms.post("/login", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        forms.post("/logout", {}, page="/")


def test_the_jobs_commands_are_there(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "--help"])
    assert result.exit_code == 0
    assert {"worker", "sweep", "status"} <= set(result.output.split())
