"""Automatic assignment as a job (portal/reviews/jobs.py): started from the call's assignments
page, run inline in the tests (at the commit that starts it), its result on the progress page.
A real worker killed mid-job: test_assignment_worker.py."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.jobs.models import Job, JobState
from portal.jobs.services import lock_key
from portal.reviews.jobs import result_messages
from portal.reviews.models import Assignment


@pytest.fixture
def small_call(create_call, create_application, create_user, create_reviewer):
    call = create_call(reviewers_per_application=2)
    for code, language in (("RU", "ru"), ("GE", "en"), ("TR", "en"), ("KZ", "ru"), ("PL", "en")):
        create_application(call=call, submit=True, language=language,
                           applicant=create_user(administration=code))
    create_reviewer(administration="PL", reads=("en",))
    return call


def _jobs(db):
    return db.session.scalars(sa.select(Job)).all()


def test_the_coordinator_starts_it_and_is_taken_to_its_progress(db, client, forms, login_as,
                                                                   create_user, small_call):
    coordinator = login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{small_call.id}/assignments"

    response = forms.post(f"{url}/automatic", {}, page=url)

    (job,) = _jobs(db)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert (job.kind, job.call_id, job.started_by_id, job.state, job.attempts) == (
        "assignment", small_call.id, coordinator.id, JobState.DONE, 1)
    # One reviewer, of Poland, reading English, two reviews each: the Polish applicant's and every
    # Russian one lack reviewers; the other two English ones get one of their two.
    assert job.result == {"assigned": 2, "missing": 8, "shortfalls": [
        {"language": "en", "cause": "no_eligible_reviewer", "applications": 3, "missing_reviews": 4},
        {"language": "ru", "cause": "no_eligible_reviewer", "applications": 2, "missing_reviews": 4},
    ]}
    assert (job.step, job.done, job.total) == ("saving", 2, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 2
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "assignment.created")).all()
    assert [(e.actor_id, e.details["automatic"]) for e in events] == [(coordinator.id, True)] * 2

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 assignments made." in page
    assert "Russian: 2 applications lack reviewers" in page
    assert f'href="{url}"' in page


def test_its_result_in_the_coordinator_s_words(app):
    result = {"assigned": 1, "missing": 4, "shortfalls": [
        {"language": "ru", "cause": "no_eligible_reviewer", "applications": 2, "missing_reviews": 4}]}
    with app.test_request_context(), force_locale("ru"):
        messages = result_messages(result)
    assert messages == [
        "Создано 1 назначение.",
        "Русский язык: для 2 заявок не хватает экспертов без конфликта интересов (недостаёт "
        "экспертиз: 4). Пригласите ещё экспертов, владеющих этим языком.",
    ]


def test_while_one_runs_for_the_call_another_is_not_started(db, client, forms, login_as,
                                                          create_user, small_call):
    login_as(create_user(roles=("coordinator",)))
    running = Job(kind="assignment", call_id=small_call.id, state=JobState.RUNNING, attempts=1,
                  lock_key=lock_key("assignment", small_call.id), heartbeat_at=utcnow(),
                  started_at=utcnow())
    db.session.add(running)
    db.session.commit()
    url = f"/manage/calls/{small_call.id}/assignments"

    page = client.get(url).get_data(as_text=True)
    assert "An automatic assignment of this call is under way." in page
    assert f'href="/jobs/{running.id}"' in page

    response = forms.post(f"{url}/automatic", {}, page=url, follow_redirects=True)
    assert response.request.path == f"/jobs/{running.id}"
    assert "The same work is already under way: here is its progress." in response.get_data(as_text=True)
    assert [j.id for j in _jobs(db)] == [running.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
