"""The retention rule of a call: set on the call's form, applied by `flask privacy purge`."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.applications.models import Application, ApplicationState
from portal.audit.models import AuditEvent
from portal.calls import services as call_services
from portal.calls.models import CallState
from portal.database import utcnow
from portal.endorsements.models import Endorsement, EndorsementState
from portal.privacy.retention import add_months, due_calls
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection.models import Decision, Offer, OfferState, Outcome
from portal.storage import storage
from tests.calls.factories import make_call
from tests.calls.test_views import CALL_FORM, _main, _summary
from tests.conftest import PDF_BYTES
from tests.reports.call_questions import FULL, add_questions, answer


@pytest.fixture
def coordinator(create_user, login_as):
    return login_as(create_user(roles=("coordinator",)))


# --- The rule on the call's form ----------------------------------------------------------------

def test_call_form_saves_and_shows_the_retention_rule(client, forms, coordinator, db):
    call = make_call()
    response = forms.post(f"/manage/calls/{call.id}/edit",
                          dict(CALL_FORM, retention_months="18", version=str(call.version)))
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.retention_months == 18
    page = _main(client.get(f"/manage/calls/{call.id}/edit"))
    assert re.search(r'id="retention_months"[^>]*value="18"', page)
    assert "offer accepted or still awaiting an answer" in page


def test_call_form_left_empty_keeps_no_rule(client, forms, coordinator, db):
    call = make_call(retention_months=12)
    forms.post(f"/manage/calls/{call.id}/edit",
               dict(CALL_FORM, retention_months="", version=str(call.version)))
    db.session.refresh(call)
    assert call.retention_months is None


def test_call_form_refuses_a_retention_out_of_range(client, forms, coordinator, db):
    call = make_call()
    page = _main(forms.post(f"/manage/calls/{call.id}/edit",
                            dict(CALL_FORM, retention_months="0", version=str(call.version))))
    assert _summary(page) == ["#retention_months Remove the personal data of the applications "
                              "not selected, months after publication (optional): Enter a "
                              "number of months from 1 to 120."]
    db.session.refresh(call)
    assert call.retention_months is None


def test_copy_of_a_call_keeps_its_retention_rule(app, db):
    call = make_call(retention_months=24)
    copy = call_services.copy_call(call, actor=None)
    assert copy.retention_months == 24


# --- The purge ----------------------------------------------------------------------------------

def _months_ago(months: int):
    return add_months(utcnow(), -months)


@pytest.fixture
def published_call(db, create_call, create_application, create_user):
    """A call published seven months ago with a rule of six: one application in every state,
    each submitted one with its documents, a review, an answer to each question, a decision."""
    call = create_call(retention_months=6)
    questions = add_questions(call)
    reviewer = create_user(roles=("reviewer",), administration="PL", full_name="Ann Reviewer")
    made = {}
    for state, outcome in STATES.items():
        applicant = create_user(full_name=f"Applicant {state}")
        application = create_application(call=call, applicant=applicant, complete=True,
                                         submit=state != ApplicationState.draft)
        answer(application, questions, dict(FULL))
        if state != ApplicationState.draft:
            application.state = state
            db.session.add(Assignment(
                application=application, reviewer=reviewer, state=AssignmentState.active,
                review=Review(scores={str(call.criteria[0].id): 4}, submitted_at=utcnow(),
                              recommendation="support", confidence=3, comments="Strong on risk")))
        if outcome is not None:
            db.session.add(Decision(application_id=application.id, call_id=call.id,
                                    outcome=outcome, note="Met her in Baku"))
        if state in (ApplicationState.accepted, ApplicationState.declined):
            db.session.add(Offer(application_id=application.id, call_id=call.id,
                                 respond_by=utcnow(),
                                 state=OfferState.pending if state == ApplicationState.accepted
                                 else OfferState.declined))
        made[state] = application
    call.state, call.published_at = CallState.published, _months_ago(7)
    db.session.commit()
    return call, made


STATES = {ApplicationState.accepted: Outcome.accepted,
          ApplicationState.declined: Outcome.accepted,
          ApplicationState.waitlisted: Outcome.waitlisted,
          ApplicationState.not_selected: Outcome.not_selected,
          ApplicationState.screened_out: None,
          ApplicationState.withdrawn: None,
          ApplicationState.draft: None}


def _endorse_with_letter(db, application) -> str:
    stored = storage().save(io.BytesIO(PDF_BYTES), max_size=10_000_000)
    db.session.add(Endorsement(
        application_id=application.id, call_id=application.call_id, administration_code="AZ",
        state=EndorsementState.endorsed, statement="A fine officer", priority=1,
        letter_key=stored.key, letter_name="letter.pdf", letter_size=stored.size,
        letter_sha256=stored.sha256))
    db.session.commit()
    return stored.key


def _files(application) -> list[str]:
    return [document.storage_key for document in application.documents]


def _purge(app, *args):
    result = app.test_cli_runner().invoke(args=["privacy", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_purge_removes_the_data_and_documents_of_the_applications_not_selected(
        app, db, published_call):
    call, made = published_call
    not_selected = made[ApplicationState.not_selected]
    letter = _endorse_with_letter(db, not_selected)
    files = {state: _files(application) for state, application in made.items()}
    assert all(storage().exists(key) for keys in files.values() for key in keys)

    output = _purge(app)

    db.session.expire_all()
    purged = [state for state, application in made.items() if application.purged_at]
    assert purged == [s for s in STATES if s != ApplicationState.accepted]
    assert [storage().exists(key) for key in files[ApplicationState.not_selected]] == [False, False]
    assert storage().exists(letter) is False
    assert (not_selected.applicant_name, not_selected.documents) == ("", [])
    # Only the answers to the choice and yes/no questions stay: the statistics count them.
    assert {s.key: s.answers for s in not_selected.sections if s.answers} == {
        "motivation": {"q1": "ecom"}, "professional": {"q3": False},
        "extra-1": {"q7": ["risk", "ecom"]}}
    endorsement = db.session.scalar(sa.select(Endorsement))
    assert (endorsement.statement, endorsement.letter_key, endorsement.state,
            endorsement.priority) == ("", None, EndorsementState.endorsed, 1)
    assert not_selected.decision.note == ""
    review = db.session.scalar(sa.select(Review).join(Assignment).where(
        Assignment.application_id == not_selected.id))
    assert (review.comments, review.scores) == ("", {str(call.criteria[0].id): 4})
    # The selected fellow holding the place keeps everything.
    fellow = made[ApplicationState.accepted]
    assert (fellow.purged_at, fellow.applicant_name, fellow.decision.note) == (
        None, "Ivan Petrov", "Met her in Baku")
    assert all(storage().exists(key) for key in files[ApplicationState.accepted])
    assert output.splitlines()[-1] == "privacy: removed the personal data of 6 application(s)"


def test_coordinators_page_of_a_purged_application_says_its_data_was_removed(
        app, db, client, login_as, create_user, published_call):
    call, made = published_call
    purged, kept = made[ApplicationState.not_selected], made[ApplicationState.accepted]
    login_as(create_user(roles=("coordinator",)))
    assert 'id="purged"' not in client.get(f"/manage/applications/{purged.id}").get_data(as_text=True)
    _purge(app)
    page = client.get(f"/manage/applications/{purged.id}").get_data(as_text=True)
    assert "by the call's retention rule or at the applicant's request" in page
    assert 'id="purged"' not in client.get(f"/manage/applications/{kept.id}").get_data(as_text=True)


def test_purge_keeps_the_statistics_figures(app, db, client, login_as, create_user,
                                            published_call):
    call, _made = published_call
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/statistics"
    client.get("/")  # the welcome after signing in
    before = _main(client.get(url))
    _purge(app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.purged_at.is_not(None))) == 6
    assert _main(client.get(url)) == before


def test_dry_run_lists_what_it_would_remove_and_changes_nothing(app, db, published_call):
    call, made = published_call
    files = [key for application in made.values() for key in _files(application)]
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    output = _purge(app, "--dry-run")

    db.session.expire_all()
    assert [a.purged_at for a in made.values()] == [None] * 7
    assert made[ApplicationState.not_selected].applicant_name == "Ivan Petrov"
    assert all(storage().exists(key) for key in files)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events
    lines = output.splitlines()
    assert lines[0].startswith(f"call {call.id} {call.slug} (due ")
    assert lines[0].endswith("would remove the personal data of 6 application(s)")
    draft = made[ApplicationState.draft]
    assert lines[1:-1] == [
        f"  {made[s].reference} {s.value}: 2 document(s)" for s in STATES
        if s not in (ApplicationState.accepted, ApplicationState.draft)
    ] + [f"  application {draft.id} draft: 2 document(s)"]


def test_purge_is_audited_and_runs_once(app, db, published_call):
    call, made = published_call
    _purge(app)
    second = _purge(app)
    assert second == "privacy: removed the personal data of 0 application(s)\n"
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_id,
                                          AuditEvent.details)
                                .where(AuditEvent.action.in_(
                                    ["call.retention_applied",
                                     "application.personal_data_removed"]))
                                .order_by(AuditEvent.id)).all()
    removed = [made[s] for s in STATES if s != ApplicationState.accepted]
    assert [tuple(e) for e in events] == [
        *[("application.personal_data_removed", str(a.id),
           {"documents": 2, **({"reference": a.reference} if a.reference else {})})
          for a in sorted(removed, key=lambda a: a.id)],
        ("call.retention_applied", str(call.id), {"applications": 6, "retention_months": 6})]


def test_purge_waits_for_the_months_to_pass_and_skips_calls_without_a_rule(
        app, db, create_call, create_application):
    recent, no_rule = create_call(retention_months=6), create_call()
    applications = [create_application(call=call, submit=True) for call in (recent, no_rule)]
    for application in applications:
        application.state = ApplicationState.not_selected
    recent.state, recent.published_at = CallState.published, _months_ago(6) + timedelta(minutes=5)
    no_rule.state, no_rule.published_at = CallState.published, _months_ago(60)
    db.session.commit()
    assert _purge(app) == "privacy: removed the personal data of 0 application(s)\n"
    db.session.expire_all()
    assert [a.purged_at for a in applications] == [None, None]
    assert [call for call, _due in due_calls(utcnow() + timedelta(minutes=5))] == [recent]


@pytest.mark.parametrize("moment,months,expected", [
    (datetime(2027, 1, 31, 12, 0, tzinfo=UTC), 1, datetime(2027, 2, 28, 12, 0, tzinfo=UTC)),
    (datetime(2027, 11, 15, tzinfo=UTC), 3, datetime(2028, 2, 15, tzinfo=UTC)),
    (datetime(2028, 3, 31, tzinfo=UTC), -1, datetime(2028, 2, 29, tzinfo=UTC)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(moment, months, expected):
    assert add_months(moment, months) == expected


@pytest.mark.parametrize("months,expected", [
    (18, "removed 18 months after the publication of the results"),
    (1, "removed 1 month after the publication of the results"),
    (None, "kept: no retention rule"),
])
def test_call_overview_states_the_retention_rule(client, coordinator, app, months, expected):
    call = make_call(retention_months=months)
    page = client.get(f"/manage/calls/{call.id}").get_data(as_text=True)
    assert re.search(r'id="retention-rule">(.*?)</dd>', page).group(1) == expected


def test_purge_removes_the_calls_exports(app, db, published_call):
    from portal.jobs.models import Job
    from portal.jobs.services import start_job

    call, _made = published_call
    start_job("export-documents-zip", call=call, params={"locale": "en"})
    db.session.commit()
    job = db.session.scalar(sa.select(Job))
    key = job.result["key"]
    assert storage().exists(key)

    _purge(app)

    db.session.expire_all()
    job = db.session.scalar(sa.select(Job))
    assert (job.result["key"], job.result["gone"], storage().exists(key)) == (
        None, "removed", False)
