"""Every list page issues as many queries at 1,000 rows as at 10: no per-row queries.

The rows come from the benchmark seeder (bench/seed.py, bulk inserts): first a call of 10
applications and 5 reviewers, measured; then, in the same database, a call of 1,000 applications
and 50 reviewers (and 100 more calls), measured again.
"""

import re

import pytest
import sqlalchemy as sa

from bench.seed import BENCH_PASSWORD, seed_scale
from portal.extensions import db

PAGES = ("coordinator's application list", "coordinator's drafts, searched",
         "reviewer's dashboard", "applicant's dashboard",
         "manage assignments (progress)", "one application's assignments", "reviewers",
         "call list", "public call page", "ranking")


def _client(app, email):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email,
                                           "password": BENCH_PASSWORD})
    assert response.status_code == 302
    return client


def _queries(app, client, path) -> int:
    client.get(path)  # warm: the first request of a process loads catalogs and the like
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, (path, response.status_code)
    return count[0]


def _extra_calls(count: int, tag: str) -> None:
    from portal.calls.models import Call, CallState

    db.session.execute(sa.insert(Call), [
        {"slug": f"extra-{tag}-{i}", "state": CallState.draft, "title_en": f"Call {i}",
         "title_ru": f"Конкурс {i}", "version": 1} for i in range(count)])
    db.session.commit()


def _measure(app, tag: str, seeded) -> dict:
    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.reviews.models import Assignment

    closed, opened = seeded.closed_call_id, seeded.open_call_id
    reviewer = db.session.scalar(
        sa.select(User.email).join(Assignment, Assignment.reviewer_id == User.id)
        .where(User.email.like(f"bench-{tag}-%")).group_by(User.id, User.email)
        .order_by(sa.func.count().desc()).limit(1))
    application = db.session.scalar(sa.select(Application.id).where(Application.call_id == closed)
                                    .order_by(Application.id).limit(1))
    slug = db.session.get(Call, opened).slug
    coordinator = _client(app, seeded.coordinator_email)
    paths = {
        "coordinator's application list": (coordinator, f"/manage/calls/{closed}/applications"),
        "coordinator's drafts, searched": (
            coordinator, f"/manage/calls/{opened}/applications?state=draft&q=a&administration=AZ"),
        "reviewer's dashboard": (_client(app, reviewer), "/reviews/"),
        "applicant's dashboard": (_client(app, seeded.applicant_emails[0]), "/applications/"),
        "manage assignments (progress)": (coordinator, f"/manage/calls/{closed}/assignments"),
        "one application's assignments": (coordinator,
                                          f"/manage/applications/{application}/assignments"),
        "reviewers": (coordinator, "/manage/reviewers"),
        "call list": (coordinator, "/manage/calls"),
        "public call page": (coordinator, f"/calls/{slug}"),
    }
    if "selection.ranking" in app.view_functions:
        paths["ranking"] = (coordinator, f"/manage/calls/{closed}/ranking")
    return {name: _queries(app, client, path) for name, (client, path) in paths.items()}


@pytest.fixture
def measured(app, administrations):
    small = seed_scale(applications=10, reviewers=5, tag="s", rush_users=0, drafts=10, places=2,
                       waitlist=3)
    at_10 = _measure(app, "s", small)
    large = seed_scale(applications=1000, reviewers=50, tag="l", rush_users=0, drafts=1000,
                       places=20, waitlist=30)
    _extra_calls(100, "l")
    at_1000 = _measure(app, "l", large)
    return at_10, at_1000


def test_list_pages_issue_as_many_queries_at_1000_rows_as_at_10(measured):
    at_10, at_1000 = measured
    assert at_1000 == at_10
    assert set(at_10) >= set(PAGES) - {"ranking"}


# The pages of one application, measured on a call without questions of its own and on a call
# of 30 (every kind, in built-in sections and sections of its own): the same number of queries.
def _signed_in(app, user):
    from tests.conftest import PASSWORD

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": PASSWORD})
    assert response.status_code == 302
    return client


def _application_pages(app, create_application, create_call, create_user, *, questions: int):
    import io

    from portal.applications import services
    from portal.applications.models import DocumentKind
    from portal.database import utcnow
    from portal.questions.models import QuestionKind
    from portal.reviews.services import assign_reviewer
    from tests.applications.questions import answer_for, many_questions
    from tests.conftest import PDF_BYTES

    call = create_call(blind_review=True)
    asked = many_questions(call, questions) if questions else []
    applications = []
    for submit in (False, True):
        application = create_application(call=call, complete=True)
        for question in asked:
            if question.kind == QuestionKind.file:
                services.add_document(application, kind=DocumentKind.answer, question=question,
                                      stream=io.BytesIO(PDF_BYTES), filename="answer.pdf",
                                      actor=application.applicant, now=utcnow())
        by_section = {}
        for question in asked:
            if question.kind != QuestionKind.file:
                by_section.setdefault(question.section_key, {})[question.answer_key] = \
                    answer_for(question)
        for key, answers in by_section.items():
            stored = application.section(key)
            services.save_section(application, key, answers=answers,
                                  expected_version=stored.version if stored else 0, now=utcnow())
        if submit:
            services.submit_application(application, actor=application.applicant, now=utcnow())
        applications.append(application)
    draft, submitted = applications
    reviewer = create_user(roles=("reviewer",), administration="PL")
    assignment = assign_reviewer(submitted, reviewer, actor=None, now=utcnow())
    db.session.commit()
    applicant = _signed_in(app, draft.applicant)
    coordinator = _signed_in(app, create_user(roles=("coordinator",)))
    paths = {
        "section page (built-in, with questions)": (
            applicant, f"/applications/{draft.id}/sections/motivation"),
        "section page (the call's own)": (
            applicant, f"/applications/{draft.id}/sections/extra-1" if questions
            else f"/applications/{draft.id}/sections/nomination"),
        "overview": (applicant, f"/applications/{draft.id}"),
        "documents": (applicant, f"/applications/{draft.id}/documents"),
        "check": (applicant, f"/applications/{draft.id}/check"),
        "coordinator's application page": (coordinator, f"/manage/applications/{submitted.id}"),
        "reviewer's page": (_signed_in(app, reviewer), f"/reviews/{assignment.id}"),
    }
    counts = {name: _queries(app, client, path) for name, (client, path) in paths.items()}
    check = applicant.get(f"/applications/{draft.id}/check").get_data(as_text=True)
    assert [f"Question {n}" in check for n in range(questions)] == [True] * questions
    return counts


def test_application_pages_issue_as_many_queries_with_30_questions_as_with_none(
        app, db, create_application, create_call, create_user):
    without = _application_pages(app, create_application, create_call, create_user,
                                 questions=0)
    with_30 = _application_pages(app, create_application, create_call, create_user,
                                 questions=30)
    assert with_30 == without


# The coordinators' pages of endorsement (issue 14), on a call needing it with 3 candidates and
# with 12, of three administrations (one without a focal point), in every state: as many queries.
def _endorsement_pages(app, create_application, create_call, create_user, *, candidates: int):
    from datetime import timedelta

    from portal.administrations.models import FocalPoint
    from portal.calls.models import CallState
    from portal.database import utcnow
    from tests.endorsements.office_factories import set_endorsement

    call = create_call(endorsement_required=True, endorsement_quota=5)
    for code in ("KG", "KZ"):
        focal = create_user(roles=("nominator",), administration=code)
        db.session.add(FocalPoint(administration_code=code, user_id=focal.id, title="Head"))
    states = [("endorsed", 1), ("declined", None), ("requested", None)]
    for n in range(candidates):
        code = ("KG", "KZ", "GE")[n % 3]
        application = create_application(call=call, applicant=create_user(administration=code),
                                         submit=True)
        application.administration_code = code
        state, priority = states[(n + n // 3) % 3]  # every state in every administration
        set_endorsement(application, state, priority=priority and n + 1)
    call.closes_at = utcnow() - timedelta(hours=2)
    call.endorsement_deadline = utcnow() - timedelta(hours=1)
    call.state = CallState.closed
    db.session.commit()
    coordinator = _signed_in(app, create_user(roles=("coordinator",)))
    paths = {
        "endorsements of the call": f"/manage/calls/{call.id}/endorsements",
        "screening out the candidates not endorsed": (
            f"/manage/calls/{call.id}/endorsements/screen-out"),
        "applications with the endorsement's columns": f"/manage/calls/{call.id}/applications",
        "applications filtered by endorsement": (
            f"/manage/calls/{call.id}/applications?endorsement=endorsed"),
        "ranking with the endorsement's columns": f"/manage/calls/{call.id}/ranking",
    }
    return {name: _queries(app, coordinator, path) for name, path in paths.items()}


def test_endorsement_pages_issue_as_many_queries_for_12_candidates_as_for_3(
        app, db, create_application, create_call, create_user):
    few = _endorsement_pages(app, create_application, create_call, create_user, candidates=3)
    many = _endorsement_pages(app, create_application, create_call, create_user, candidates=12)
    assert many == few


# The focal point's pages (issue 14), on an open call needing endorsement with 3 candidates of
# their administration and with 12, in every state (the endorsed ranked, with up/down buttons),
# beside another administration's: as many queries.
def _focal_point_pages(app, create_application, create_call, create_user, *, candidates: int):
    from portal.administrations.models import FocalPoint
    from tests.endorsements.office_factories import set_endorsement

    call = create_call(endorsement_required=True, endorsement_quota=20)
    focal = create_user(roles=("nominator",), administration="KG")
    db.session.add(FocalPoint(administration_code="KG", user_id=focal.id, title="Head"))
    states = ["endorsed", "declined", "requested"]
    for n in range(candidates):
        for code in ("KG", "KZ"):
            application = create_application(call=call, applicant=create_user(administration=code),
                                             submit=True)
            application.administration_code = code
            state = states[n % 3]
            set_endorsement(application, state, priority=n // 3 + 1 if state == "endorsed" else None,
                            statement="Strong" if state == "endorsed" else "")
    db.session.commit()
    client = _signed_in(app, focal)
    paths = {"the focal point's calls": "/endorsements/",
             "the focal point's candidates": f"/endorsements/calls/{call.id}"}
    counts = {name: _queries(app, client, path) for name, path in paths.items()}
    page = client.get(paths["the focal point's candidates"]).get_data(as_text=True)
    endorsed = candidates // 3  # up below the first, down above the last
    assert page.count('name="direction"') == 2 * endorsed - 2
    return counts


def test_focal_point_pages_issue_as_many_queries_for_12_candidates_as_for_3(
        app, db, create_application, create_call, create_user):
    few = _focal_point_pages(app, create_application, create_call, create_user, candidates=3)
    many = _focal_point_pages(app, create_application, create_call, create_user, candidates=12)
    assert many == few


# The admin's list of users (issue 15): as many queries for 30 users as for 3, every filter on.
def _user_list_queries(app, create_user, *, users: int, admin) -> dict[str, int]:
    from portal.accounts.invitations import unusable_password_hash

    for n in range(users):
        user = create_user(roles=("applicant", "reviewer"), administration=("GE", "AZ")[n % 2],
                           verified=n % 3 != 0)
        if n % 4 == 0:
            user.password_hash = unusable_password_hash()
    db.session.commit()
    client = _signed_in(app, admin)
    paths = {"users": "/admin/users",
             "users, filtered": "/admin/users?q=test&role=reviewer&administration=GE"
                                "&state=active&last_sign_in=never"}
    return {name: _queries(app, client, path) for name, path in paths.items()}


def test_user_list_issues_as_many_queries_for_30_users_as_for_3(app, db, create_user):
    admin = create_user(roles=("admin",))
    few = _user_list_queries(app, create_user, users=3, admin=admin)
    many = _user_list_queries(app, create_user, users=27, admin=admin)
    assert many == few


# The messages' lists (issue 15): the coordinator's sent messages, one message's recipients and
# a person's inbox, with 3 messages to 3 people and with 12 to 12: as many queries.
def _message_pages(app, create_user, *, messages: int, coordinator, person) -> dict:
    from portal.database import utcnow
    from portal.messages.models import Message, MessageRecipient
    from portal.messages.services import Draft, send_message

    people = [create_user(language=("en", "ru")[n % 2]) for n in range(messages - 1)] + [person]
    for n in range(messages):
        for someone in people:
            send_message(Draft(audience="person", call_id=None, person_id=someone.id,
                                      subject_en=f"News {n}", subject_ru=f"Новости {n}",
                                      body_en="Text", body_ru="Текст"),
                                actor=coordinator, now=utcnow())
    group = Message(audience="drafts", subject_en="All", subject_ru="Всем", sender_id=coordinator.id,
                    sent_at=utcnow(), recipient_count=len(people))
    db.session.add(group)
    db.session.flush()
    db.session.add_all(MessageRecipient(message_id=group.id, user_id=someone.id,
                                        language=someone.preferred_language,
                                        read_at=utcnow() if n % 2 else None)
                       for n, someone in enumerate(people))
    db.session.commit()
    paths = {"messages sent": (coordinator, "/manage/messages"),
             "a message's recipients": (coordinator, f"/manage/messages/{group.id}"),
             "a person's inbox": (person, "/messages")}
    return {name: _queries(app, _signed_in(app, who), path)
            for name, (who, path) in paths.items()}


def test_message_pages_issue_as_many_queries_for_12_messages_as_for_3(app, db, create_user):
    coordinator, person = create_user(roles=("coordinator",)), create_user()
    few = _message_pages(app, create_user, messages=3, coordinator=coordinator, person=person)
    many = _message_pages(app, create_user, messages=12, coordinator=coordinator, person=person)
    assert many == few
