"""A coordinator assigns the reviewers of a call of 5,000 applications automatically: the work is a
job with a progress page (its bar, step, counts and estimate, refreshing itself without
JavaScript), then its result with a link back to the call's assignments (issue 16).

In the tests a job runs inline, at the end of the request that starts it, so the result comes at
once; the page of a job under way is shown with a job row in the state a worker leaves it in."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from bench.seed import BENCH_PASSWORD, seed_call_to_assign
from portal.accounts.models import User
from portal.database import utcnow
from portal.jobs.models import Job, JobState
from portal.jobs.services import lock_key
from portal.reviews.models import Assignment
from tests.browser.axe import assert_accessible, preload

pytestmark = pytest.mark.browser

APPLICATIONS = 5000
REVIEWERS = 150


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("main form input[name=email]").fill(email)
    page.locator("main form input[name=password]").fill(BENCH_PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/login" not in page.url


def test_the_coordinator_follows_the_assignment_of_5000_applications_to_its_result(
        app, db, live_server, browser):
    seeded = seed_call_to_assign(applications=APPLICATIONS, reviewers=REVIEWERS, tag="p")
    coordinator = db.session.get(User, seeded.coordinator_id)
    coordinator.preferred_language = "en"
    db.session.commit()
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    preload(context)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        _sign_in(page, seeded.coordinator_email)
        assignments = f"/manage/calls/{seeded.call_id}/assignments"
        page.goto(assignments)
        expect(page.get_by_role("heading", level=1)).to_have_text("Reviews and assignments")

        # The job runs inline here: the redirect to its progress page comes when it is done.
        with page.expect_navigation(url=re.compile(r"/jobs/\d+$"), timeout=120_000):
            page.get_by_role("button", name="Assign reviewers automatically").click(timeout=120_000)
        job = db.session.scalar(sa.select(Job).where(Job.call_id == seeded.call_id))
        assert (job.kind, job.state, job.attempts) == ("assignment", JobState.DONE, 1)
        assigned = job.result["assigned"]
        assert assigned == db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))
        assert assigned + job.result["missing"] == 3 * APPLICATIONS
        assert assigned > 0.9 * 3 * APPLICATIONS, job.result
        expect(page.get_by_role("heading", level=1)).to_have_text("Automatic assignment of reviewers")
        result = page.locator("#job-result")
        expect(result).to_have_attribute("role", "status")
        expect(result).to_contain_text(f"{assigned} assignments made.")
        expect(page.locator("#job-bar")).to_have_count(0)  # over: the result, not a bar
        assert 'http-equiv="refresh"' not in page.content()  # over: no more refreshing
        assert_accessible(page, "the automatic assignment's result")

        page.get_by_role("link", name="See the result").click()
        expect(page).to_have_url(live_server + assignments)
        expect(page.locator("#assignment-job")).to_have_count(0)  # nothing under way

        # A second assignment under way (as a worker reports it): its bar, step, counts and
        # estimate, a page that refreshes itself, and a note on the call's assignments page.
        db.session.rollback()  # a fresh transaction: the server has written since
        now = utcnow()
        running = Job(kind="assignment", call_id=seeded.call_id, started_by_id=coordinator.id,
                      state=JobState.RUNNING, lock_key=lock_key("assignment", seeded.call_id),
                      attempts=1, step="saving", done=6000, total=14000,
                      created_at=now - timedelta(seconds=12), started_at=now - timedelta(seconds=10),
                      heartbeat_at=now)
        db.session.add(running)
        db.session.commit()
        page.goto(assignments)
        note = page.locator("#assignment-job")
        expect(note).to_contain_text("An automatic assignment of this call is under way.")
        assert_accessible(page, "the call's assignments with an assignment under way")
        note.get_by_role("link", name="See its progress").click()
        expect(page).to_have_url(f"{live_server}/jobs/{running.id}")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            expect(page.locator("#job-step")).to_have_text("Saving the assignments")
            expect(page.locator("#job-bar")).to_have_attribute("value", "42")
            expect(page.get_by_label("Progress")).to_be_visible()
            expect(page.locator("#job-counts")).to_have_text("6,000 of 14,000")
            expect(page.locator("#job-left")).to_contain_text("left")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert_accessible(page, f"an assignment under way ({width} px)")
        # (With JavaScript, a <noscript>'s content is text: the refresh is for pages without.)
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.content()

        # Without JavaScript the page refreshes itself and still shows the progress.
        plain = browser.new_context(base_url=live_server, java_script_enabled=False,
                                    storage_state=context.storage_state())
        try:
            still = plain.new_page()
            still.goto(f"/jobs/{running.id}")
            expect(still.locator("#job-step")).to_have_text("Saving the assignments")
            with still.expect_navigation(timeout=10_000):  # the refresh, after 3 s
                pass
            expect(still.locator("#job-counts")).to_have_text("6,000 of 14,000")
        finally:
            plain.close()
    finally:
        context.close()
    assert problems == []
