"""Reviewing through the test client."""

import re
from collections import deque
from urllib.parse import urlsplit

import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import ApplicationState
from portal.database import utcnow
from portal.reviews import services
from portal.reviews.models import Assignment, AssignmentState


def _score_field(assignment):
    return f"score_{assignment.application.call.criteria[0].id}"


def test_reviewer_dashboard_lists_assignments_with_deadline_in_their_zone(
        client, login_as, assigned, create_reviewer):
    reviewer = create_reviewer(time_zone="Europe/Warsaw")
    assignment = assigned(reviewer=reviewer)
    login_as(reviewer)
    html = client.get("/reviews/").get_data(as_text=True)
    assert assignment.application.reference in html
    assert "Warsaw, UTC+0" in html
    assert "Not started" in html


def test_reviewer_dashboard_pages_fifty_assignments_at_a_time_and_counts_them_all(
        client, db, login_as, create_reviewer, create_application, create_call):
    from portal.reviews.models import Review

    reviewer = create_reviewer()
    call = create_call()
    applications = [create_application(call=call) for _ in range(53)]
    for n, application in enumerate(applications):
        application.reference = f"FEL-2027-{n + 1:04d}"
        db.session.add(Assignment(application=application, reviewer=reviewer, state=AssignmentState.active,
                                  review=Review(scores={}, submitted_at=utcnow()) if n < 3 else None))
    db.session.commit()
    login_as(reviewer)
    first = client.get("/reviews/").get_data(as_text=True)
    second = client.get("/reviews/?page=2").get_data(as_text=True)
    assert "Applications assigned to you: 53. Reviews submitted: 3." in first
    shown_first = set(re.findall(r"FEL-2027-\d{4}", first))
    shown_second = set(re.findall(r"FEL-2027-\d{4}", second))
    assert (len(shown_first), len(shown_second)) == (50, 3)
    assert shown_first.isdisjoint(shown_second)
    assert 'href="/reviews/?page=2"' in first
    assert client.get("/reviews/?page=99").status_code == 200  # past the end: an empty page, not an error


def test_reviewer_saves_draft_then_submits(client, forms, login_as, assigned):
    assignment = assigned()
    login_as(assignment.reviewer)
    url = f"/reviews/{assignment.id}"
    field = _score_field(assignment)
    response = forms.post(url, {"version": "0", field: "4", "comments": "Solid", "save": "1"})
    assert response.status_code == 302
    assert assignment.review.scores == {field.split("_")[1]: 4}
    assert not assignment.review.is_submitted
    response = forms.post(url, {"version": "1", field: "5", "comments": "Very solid",
                                "recommendation": "support", "confidence": "4", "submit": "1"})
    assert response.status_code == 302
    assert assignment.review.is_submitted


def test_score_outside_scale_through_the_page_is_refused_and_kept(client, forms, login_as,
                                                                  assigned):
    assignment = assigned()
    login_as(assignment.reviewer)
    html = forms.post(f"/reviews/{assignment.id}",
                      {"version": "0", _score_field(assignment): "9", "comments": "Keep me",
                       "save": "1"}).get_data(as_text=True)
    assert "the score must be from 1 to 5" in html
    assert "Keep me" in html
    assert assignment.review is None


def test_declaring_conflict_takes_it_off_the_list(client, forms, login_as, assigned):
    assignment = assigned()
    login_as(assignment.reviewer)
    response = forms.post(f"/reviews/{assignment.id}/conflict", {"reason": "I know them"})
    assert response.headers["Location"] == "/reviews/"
    assert assignment.state == AssignmentState.conflict
    assert client.get(f"/reviews/{assignment.id}").status_code == 404


def test_other_reviewers_assignment_is_404_and_unchanged(client, forms, login_as, assigned,
                                                         create_reviewer):
    assignment = assigned()
    login_as(create_reviewer())
    base = f"/reviews/{assignment.id}"
    document = assignment.application.documents[0]
    for url in (base, f"{base}/conflict", f"{base}/documents/{document.id}"):
        assert client.get(url).status_code == 404, url
    token = forms.token("/reviews/")
    for url in (base, f"{base}/conflict"):
        response = client.post(url, data={"csrf_token": token, "version": "0",
                                          "comments": "x", "submit": "1"})
        assert response.status_code == 404
    assert assignment.review is None and assignment.state == AssignmentState.active


def test_reviewer_downloads_documents_under_neutral_names(client, login_as, assigned,
                                                          create_call):
    assignment = assigned(call=create_call(blind_review=False))  # a blind call hides the CV
    login_as(assignment.reviewer)
    document = assignment.application.documents[0]
    response = client.get(f"/reviews/{assignment.id}/documents/{document.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert assignment.application.reference in disposition
    assert document.original_name not in disposition


def test_coordinator_assigns_by_hand_and_conflicted_reviewers_are_not_offered(
        client, forms, login_as, create_user, create_application, create_reviewer):
    application = create_application(submit=True)  # answers say RU
    same = create_reviewer(administration="RU", full_name="Same Administration")
    other = create_reviewer(administration="PL", full_name="Other Administration")
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/applications/{application.id}/assignments"
    html = client.get(url).get_data(as_text=True)
    assert "Other Administration" in html and "Same Administration" not in html
    refused = forms.post(url, {"reviewer_id": str(same.id)})
    assert refused.status_code == 200  # not a choice: refused, nothing assigned
    assert forms.post(url, {"reviewer_id": str(other.id)}).status_code == 302
    assert [a.reviewer_id for a in _assignments(application)] == [other.id]


def test_bulk_assignment_refuses_conflicts_and_assigns_the_rest(
        client, forms, login_as, create_user, create_application, create_call,
        create_reviewer):
    call = create_call()
    russian = create_application(call=call, submit=True)
    georgian = create_application(call=call, submit=True,
                                  applicant=create_user(administration="GE"))
    georgian.administration_code = "GE"
    reviewer = create_reviewer(administration="RU")
    login_as(create_user(roles=("coordinator",)))
    forms.post(f"/manage/calls/{call.id}/assignments/bulk",
               {"reviewer_id": str(reviewer.id),
                "application_ids": [str(russian.id), str(georgian.id)]},
               page=f"/manage/calls/{call.id}/assignments")
    assert _assignments(russian) == []
    assert [a.reviewer_id for a in _assignments(georgian)] == [reviewer.id]


def _assignments(application):
    from portal.extensions import db

    return db.session.scalars(sa.select(Assignment).where(
        Assignment.application_id == application.id,
        Assignment.state == AssignmentState.active)).all()


def test_coordinator_sees_progress_and_sends_reminders(client, forms, login_as, create_user,
                                                       assigned, outbox):
    assignment = assigned()
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{assignment.application.call_id}/assignments"
    html = client.get(url).get_data(as_text=True)
    assert assignment.reviewer.full_name in html
    assert assignment.application.reference in html
    forms.post(f"/manage/calls/{assignment.application.call_id}/reminders", {}, page=url)
    assert [m.recipient for m in outbox() if m.kind == "review_reminder"] == [
        assignment.reviewer.email]


def test_invitation_link_sets_password_once(client, forms, login_as, create_user, outbox, db):
    login_as(create_user(roles=("coordinator",)))
    forms.post("/manage/reviewers", {"email": "fresh@example.org", "full_name": "Fresh Face",
                                     "administration_code": "LT", "language": "en"})
    link = re.search(r"http://portal.test(/invitation/\S+)",
                     outbox()[0].body_text).group(1)
    client.get("/")  # sign out
    forms.post("/logout", {}, page="/")
    response = forms.post(link, {"password": "reviewer passphrase", "confirm":
                                 "reviewer passphrase"})
    assert response.headers["Location"] == "/login"
    assert client.get(link).status_code == 400
    assert forms.post("/login", {"email": "fresh@example.org",
                                 "password": "reviewer passphrase"}).status_code == 302
    assert client.get("/reviews/").status_code == 200
    assert db.session.scalar(sa.select(User.administration_code).where(
        User.email == "fresh@example.org")) == "LT"


IDENTIFYING = ("Ivan Petrov", "Иван Петров", "+7 495 000 00 00", "Olga Smirnova",
               "o.smirnova@customs.example", "Russia", "Россия", "cv.pdf",
               "nomination_letter.pdf")


def test_blind_reviewer_never_sees_who_the_applicant_is(
        app, client, forms, login_as, create_call, create_application, create_reviewer,
        create_user, outbox, db):
    call = create_call(blind_review=True, show_other_reviews=True)
    applicant = create_user(email="ivan.petrov@customs.example", full_name="Ivan Petrov",
                            administration="RU")
    application = create_application(call=call, applicant=applicant, submit=True)
    reviewer = create_reviewer(language="ru")
    second = create_reviewer()
    first = services.assign_reviewer(application, reviewer, actor=None, now=utcnow())
    other = services.assign_reviewer(application, second, actor=None, now=utcnow())
    key = str(call.criteria[0].id)
    services.send_reminders(call, actor=None)  # while reviews are due: e-mails to both
    for assignment in (other, first):
        services.save_review(assignment, scores={key: 4}, comments="fine",
                             recommendation="support", confidence=3, expected_version=0,
                             submit=True, now=utcnow())
    db.session.commit()
    secrets = IDENTIFYING + (applicant.email,)

    login_as(reviewer)
    pages = {}
    for language in ("en", "ru"):
        forms.post("/language", {"lang": language, "next": "/"})
        crawled = _crawl(client, start="/reviews/", prefix="/reviews/")
        assert f"/reviews/{first.id}" in crawled and "/reviews/profile" in crawled
        pages.update({f"{language} {url}": response for url, response in crawled.items()})
    pages["saving a draft"] = forms.post(
        f"/reviews/{first.id}", {"version": "1", f"score_{key}": "3", "comments": "x",
                                 "save": "1"}, follow_redirects=True)
    found = re.compile("|".join(rf"\b{re.escape(s)}\b" for s in secrets))
    for where, response in pages.items():
        text = response.get_data(as_text=True) + str(response.headers)
        assert not found.search(text), f"{found.search(text).group(0)!r} shown on {where}"
    mails = [m for m in outbox() if m.recipient == reviewer.email]
    assert mails
    for message in mails:
        assert not found.search(message.body_text + message.body_html + message.subject)


def _crawl(client, *, start, prefix):
    """Every page (and download) reachable by GET from start that stays under prefix."""
    seen, queue = {}, deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
            continue
        if not response.content_type.startswith("text/html"):
            continue
        for link in re.findall(r'href="([^"#]+)', response.get_data(as_text=True)):
            path = urlsplit(link).path
            if path.startswith(prefix) and path not in seen:
                queue.append(path)
    return seen


def test_application_state_stays_hidden_from_applicant_during_review(
        client, login_as, assigned):
    assignment = assigned()
    assert assignment.application.state == ApplicationState.under_review
    login_as(assignment.application.applicant)
    html = client.get(f"/applications/{assignment.application.id}").get_data(as_text=True)
    assert "Under review" not in html and "Submitted" in html


def test_progress_by_application_is_paginated_and_filters_those_needing_reviewers(
        client, login_as, create_user, create_call, create_application, assigned, db, monkeypatch):
    from portal.reviews import manage_views

    monkeypatch.setattr(manage_views, "PER_PAGE", 2)
    call = create_call(reviewers_per_application=1)
    covered = assigned(call=call)
    others = [create_application(call=call, submit=True) for _ in range(2)]
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/assignments"
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "?page=2").get_data(as_text=True)
    shown = re.findall(r'name="application_ids" value="(\d+)"', first + second)
    assert sorted(map(int, shown)) == sorted([covered.application_id] + [a.id for a in others])
    assert "3 applications" in first and 'aria-label="Pages"' in first
    needing = client.get(url + "?needs_more=1").get_data(as_text=True)
    assert sorted(map(int, re.findall(r'name="application_ids" value="(\d+)"', needing))) == sorted(
        a.id for a in others)


def test_reviewer_downloads_a_document_with_its_verified_extension_in_a_sandbox(
        client, db, login_as, assigned, create_call):
    assignment = assigned(call=create_call(blind_review=False))
    document = assignment.application.documents[0]
    document.original_name = "cv.html"  # as stored before names took the verified extension
    db.session.commit()
    login_as(assignment.reviewer)
    response = client.get(f"/reviews/{assignment.id}/documents/{document.id}")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={assignment.application.reference}-cv-1.pdf")
    assert response.headers["Content-Security-Policy"] == "sandbox"
