"""The coordinator ranks a reviewed call, fills its two places, previews the notifications and
publishes; the first applicant, in Russian, reads the result and accepts the place; the second
declines, and the next on the waiting list is offered the place by e-mail. axe-core checks every
page on the way."""

import re

import pytest
from playwright.sync_api import expect

from portal.applications.models import ApplicationState
from portal.calls.models import CallState
from portal.database import utcnow
from portal.reviews.models import Assignment, AssignmentState, Review
from portal.selection.models import Offer, OfferState
from tests.browser.axe import assert_accessible
from tests.browser.test_review_journey import heading, sign_in, status_message, switch_language
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

COORDINATOR = ("coordinator@rocb.example.org", "Farid Aliyev")
# Name, language, administration, the two reviewers' marks (1–5): best first.
APPLICANTS = [
    ("Aigerim Bekova", "ru", "KZ", (5, 5)),
    ("Nino Beridze", "en", "GE", (5, 4)),
    ("Ion Rusu", "en", "MD", (4, 3)),
    ("Ana Silva", "en", "PT", (2, 1)),
]


def set_up_reviewed_call(db, create_call, create_user, create_application):
    call = create_call(places=2, reviewers_per_application=2)
    call.title_en, call.title_ru = "Risk management fellowship 2026", "Стажировка по управлению рисками 2026"
    reviewers = [create_user(roles=("reviewer",), administration="PL") for _ in range(2)]
    applications = []
    for n, (name, language, administration, marks) in enumerate(APPLICANTS, start=1):
        applicant = create_user(email=f"applicant{n}@example.org", full_name=name, language=language,
                                administration=administration)
        application = create_application(call=call, applicant=applicant, complete=True, submit=True,
                                         language=language)
        application.administration_code = administration
        application.applicant_name = name
        application.state = ApplicationState.under_review
        for reviewer, mark in zip(reviewers, marks, strict=True):
            db.session.add(Assignment(application=application, reviewer=reviewer, state=AssignmentState.active,
                                      review=Review(scores={str(call.criteria[0].id): mark},
                                                    submitted_at=utcnow(), recommendation="support",
                                                    confidence=4, comments="Clear and well argued.")))
        applications.append(application)
    call.state = CallState.closed
    db.session.commit()
    return call, applications


def test_coordinator_ranks_fills_publishes_and_applicants_answer_their_offers(
        app, db, live_server, new_page, mailbox, create_user, create_call, create_application):
    call, (first, second, third, fourth) = set_up_reviewed_call(db, create_call, create_user,
                                                                create_application)
    references = [a.reference for a in (first, second, third, fourth)]
    emails = [a.applicant.email for a in (first, second, third, fourth)]
    call_id = call.id
    first_id, second_id, fourth_id = first.id, second.id, fourth.id
    create_user(email=COORDINATOR[0], full_name=COORDINATOR[1], roles=("coordinator",))
    db.session.commit()

    coordinator = new_page(locale="en-GB")
    sign_in(coordinator, app, "en", COORDINATOR[0], COORDINATOR[1], PASSWORD)
    coordinator.goto(f"/manage/calls/{call_id}")
    coordinator.get_by_role("link", name="Ranking and decisions").first.click()
    expect(heading(coordinator)).to_have_text("Ranking and decisions")
    rows = coordinator.locator("#ranking tbody tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).get_attribute("data-reference") for i in range(4)] == references
    expect(coordinator.locator("#selection-summary")).to_contain_text("Without a decision: 4")
    assert_accessible(coordinator, "the ranking, nothing decided (en)")

    coordinator.get_by_label("Length of the waiting list").fill("2")
    # Nothing decided yet, so nothing to replace: no confirmation is asked for.
    expect(coordinator.get_by_label(re.compile("Replace the decisions already made"))).to_have_count(0)
    coordinator.get_by_role("button", name="Fill the places in rank order").click()
    expect(status_message(coordinator, "Places filled: 2 selected, 2 on the waiting list")).to_be_visible()
    expect(coordinator.locator("#selection-summary")).to_contain_text("Selected: 2")
    assert_accessible(coordinator, "the ranking, places filled (en)")
    coordinator.get_by_role("link", name=f"Change ({references[3]})").click()
    expect(heading(coordinator)).to_have_text(f"Decision on {references[3]}")
    coordinator.get_by_label("Note (seen only by coordinators)").fill("Weak project plan; keep second.")
    coordinator.get_by_role("button", name="Save the decision").click()
    expect(status_message(coordinator, f"Decision saved for {references[3]}.")).to_be_visible()
    coordinator.goto(f"/manage/applications/{fourth_id}/decision")
    expect(coordinator.get_by_label("Note (seen only by coordinators)")).to_have_value(
        "Weak project plan; keep second.")
    assert_accessible(coordinator, "a decision (en)")
    coordinator.get_by_role("link", name="Back to the ranking").click()

    coordinator.get_by_role("link", name="Publication", exact=True).first.click()
    expect(heading(coordinator)).to_have_text("Publish the results")
    previews = coordinator.locator("details.preview")
    expect(previews).to_have_count(8)
    russian_offer = coordinator.locator('details.preview[lang="ru"]').first
    russian_offer.locator("summary").click()
    expect(russian_offer.locator("pre")).to_contain_text("Вы отобраны")
    assert_accessible(coordinator, "the publication page with a preview open (en)")
    coordinator.get_by_label(re.compile("I have checked the counts")).check()
    coordinator.get_by_role("button", name="Publish the results").click()
    expect(heading(coordinator)).to_have_text("Fellows and offers")
    expect(status_message(coordinator, "The results are published")).to_be_visible()
    assert_accessible(coordinator, "the fellows and offers after publication (en)")

    # The first applicant, in Russian, reads the e-mail and the result, and accepts.
    message = mailbox.wait_for(
        emails[0], subject=f"Вы отобраны для участия в программе стажировок: {references[0]}")
    assert "Пожалуйста, примите или отклоните предложение" in message.get_body(("plain",)).get_content()
    applicant = new_page(locale="ru-RU")
    sign_in(applicant, app, "ru", emails[0], APPLICANTS[0][0], PASSWORD)
    applicant.goto(f"/applications/{first_id}")
    expect(applicant.locator("#result")).to_contain_text("Поздравляем")
    assert_accessible(applicant, "the applicant's result (ru)")
    applicant.get_by_role("link", name="Ответить на предложение").click()
    expect(heading(applicant)).to_have_text("Ваше место в программе стажировок")
    applicant.get_by_role("button", name="Отправить ответ").click()  # nothing chosen: an error
    expect(applicant.locator("#error-summary-title")).to_be_visible()
    assert_accessible(applicant, "the offer page with an error (ru)")
    applicant.get_by_label("Я принимаю место в программе стажировок").check()
    applicant.get_by_role("button", name="Отправить ответ").click()
    expect(status_message(applicant, "вы приняли место")).to_be_visible()

    # The second declines; the third (first on the waiting list) is offered the place by e-mail.
    declining = new_page(locale="en-GB")
    sign_in(declining, app, "en", emails[1], APPLICANTS[1][0], PASSWORD)
    declining.goto(f"/applications/{second_id}/offer")
    declining.get_by_label("I decline the fellowship place").check()
    declining.get_by_role("button", name="Send my answer").click()
    expect(status_message(declining, "You have declined the fellowship place")).to_be_visible()
    mailbox.wait_for(emails[2], subject=f"A fellowship place is offered to you: {references[2]}")
    told = mailbox.wait_for(COORDINATOR[0], subject=f"Offer of a fellowship place declined: {references[1]}")
    assert f"({references[2]}), the next on the waiting list" in told.get_body(("plain",)).get_content()

    coordinator.reload()
    offers = coordinator.locator("#offers tbody tr")
    expect(offers).to_have_count(3)
    expect(coordinator.locator("#waiting-list li")).to_have_count(1)
    expect(coordinator.locator("#waiting-list")).to_contain_text(references[3])
    assert_accessible(coordinator, "the fellows after a decline (en)")
    switch_language(coordinator, "Русский", "ru")
    expect(heading(coordinator)).to_have_text("Стажёры и предложения")
    assert_accessible(coordinator, "the fellows after a decline (ru)")
    coordinator.get_by_role("link", name="Рейтинг и решения").first.click()
    expect(coordinator.locator("#published-note")).to_contain_text("Результаты опубликованы")
    expect(coordinator.locator(f'#ranking tr[data-reference="{references[1]}"] td').last).to_have_text("Отклонено")
    expect(coordinator.locator("#place-holders li")).to_have_count(2)
    assert_accessible(coordinator, "the ranking after publication (ru)")
    db.session.expire_all()
    states = {o.application_id: o.state for o in db.session.query(Offer)}
    assert sorted(states.values()) == sorted([OfferState.accepted, OfferState.declined, OfferState.pending])
