"""Deleting one's own account: drafts go, submitted applications stay anonymised."""

import sqlalchemy as sa

from portal.accounts.models import SignInSession, User
from portal.applications.models import Application, Document
from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.database import utcnow
from portal.extensions import db
from portal.privacy import deletion
from portal.storage import storage
from tests.conftest import PASSWORD


def _keys(application):
    return [d.storage_key for d in application.documents]


def test_delete_account_removes_drafts_and_their_files(create_user, create_application):
    applicant = create_user()
    draft = create_application(applicant=applicant, complete=True)
    keys, draft_id = _keys(draft), draft.id
    deletion.delete_account(applicant, now=utcnow())
    db.session.commit()
    assert db.session.get(Application, draft_id) is None
    assert [storage().exists(key) for key in keys] == [False, False]
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_delete_account_anonymises_a_submitted_application(create_user, create_application,
                                                           create_call):
    applicant = create_user(full_name="Ivan Petrov")
    application = create_application(applicant=applicant, submit=True,
                                     call=create_call(state=CallState.open))
    keys = _keys(application)
    deletion.delete_account(applicant, now=utcnow())
    db.session.commit()
    db.session.refresh(application)
    assert (application.applicant_name, application.state.value) == ("", "submitted")
    assert application.purged_at is not None
    assert application.answers("personal") == {}
    assert application.answers("nomination") == {}
    assert application.answers("professional") == {"years_in_service": 12,
                                                   "expertise": "Risk analysis, post-clearance audit"}
    assert application.answers("motivation")["project_title"] == "Risk profiles"
    assert application.documents == []
    assert [storage().exists(key) for key in keys] == [False, False]


def test_delete_account_anonymises_the_account_and_ends_its_sessions(create_user):
    user = create_user(full_name="Ivan Petrov")
    db.session.add(SignInSession(user_id=user.id))
    db.session.commit()
    deletion.delete_account(user, now=utcnow())
    db.session.commit()
    db.session.refresh(user)
    assert user.email.endswith("@deleted.invalid")
    assert (user.full_name, user.native_name, user.is_active_account) == ("", None, False)
    assert user.roles == set()
    assert user.deleted_at is not None
    assert not deletion.password_matches(user, PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count(SignInSession.id))
                             .where(SignInSession.ended_at.is_(None))) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.deleted"))
    assert (event.object_id, event.details) == (
        str(user.id), {"drafts_removed": 0, "applications_anonymised": 0})


def test_staff_cannot_delete_their_own_account(create_user):
    assert deletion.refusal(create_user(roles=("coordinator",))) is not None
    assert deletion.refusal(create_user()) is None


def test_page_says_what_stays_and_why(client, login_as, create_user, create_application):
    applicant = login_as(create_user())
    application = create_application(applicant=applicant, submit=True)
    create_application(applicant=applicant)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "stays until the selection is over" in page
    assert application.reference in page
    assert "not yet submitted" in page


def test_delete_through_the_page_needs_the_password(client, forms, login_as, create_user):
    user = login_as(create_user())
    response = forms.post("/account/delete", {"password": "wrong password!", "confirm": "y"})
    assert response.status_code == 200
    assert "The password is not right." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.deleted_at is None


def test_delete_through_the_page_signs_out(client, forms, login_as, create_user):
    user = login_as(create_user())
    response = forms.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert (response.status_code, response.location) == (302, "/")
    assert client.get("/account").status_code == 302
    db.session.refresh(user)
    assert user.deleted_at is not None
    assert db.session.scalar(sa.select(User).where(User.email == "user1@example.org")) is None


def test_an_application_of_a_published_call_is_purged_as_the_retention_rule_does(
        create_user, create_application):
    applicant = create_user()
    application = create_application(applicant=applicant, submit=True)
    application.call.state = CallState.published
    db.session.commit()
    assert [a.id for a in deletion.plan(applicant).kept_for_statistics] == [application.id]
    deletion.delete_account(applicant, now=utcnow())
    db.session.commit()
    db.session.refresh(application)
    assert application.purged_at is not None
    assert [application.answers(key) for key in ("personal", "professional", "motivation")] \
        == [{}, {}, {}]
    events = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "application", AuditEvent.object_id == str(application.id),
        AuditEvent.action == "application.personal_data_removed")).all()
    assert events == ["application.personal_data_removed"]


def test_staff_are_refused_through_the_page(client, forms, login_as, create_user):
    coordinator = login_as(create_user(roles=("coordinator",)))
    page = client.get("/account/delete").get_data(as_text=True)
    assert "closed by an administrator" in page
    response = forms.post("/account/delete", {"password": PASSWORD, "confirm": "y"},
                          page="/account/delete")
    assert (response.status_code, response.location) == (302, "/account/delete")
    db.session.refresh(coordinator)
    assert coordinator.deleted_at is None
