"""Every page of the three journeys (applicant, reviewer, coordinator) and the admin's, on the demo
data, at a phone's width (390 px) and a desktop's (1,280 px), in English and in Russian: the page
never scrolls sideways (wide tables scroll inside their own region), the header's navigation stays
on one line on the desktop, and axe-core finds nothing. Call previews are checked too: the previewed
content is in the previewed language (marked with `lang`), the rest of the page in the coordinator's.

One browser and one context per person; each page is loaded once per language and measured at both
widths. Every problem is collected, so that one run lists them all.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from portal.accounts.models import PrivacyNotice, User
from portal.accounts.services import new_reset_token
from portal.applications.models import Application, ApplicationState
from portal.calls.deadlines import set_extension
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.demo import DEMO_PASSWORD, DUPLICATE_EMAIL, seed_demo_data
from portal.messages.models import Message
from portal.questions.models import FormSection, Question, QuestionKind
from portal.reviews.models import Assignment, AssignmentState
from portal.selection.models import Offer
from portal.selection.services import fill_places_in_rank_order
from tests.browser.axe import describe, preload, violations
from tests.browser.conftest import LAYOUT_CHECK

pytestmark = [pytest.mark.browser, LAYOUT_CHECK]

WIDTHS = (1280, 390)
HEIGHT = 800
LANGUAGES = ("en", "ru")

# The page's width if it is wider than the viewport, with the elements that stick out of the
# viewport while their parent does not (outside regions that scroll on their own): the culprits.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const root = document.documentElement;
  if (root.scrollWidth <= width) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.parentElement.closest('.table-region, .table-responsive')) continue;
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement.getBoundingClientRect().right;
    if (right > width + 1 && parent <= width + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      culprits.push(name + ' (' + Math.round(right) + ' px)');
      if (culprits.length === 5) break;
    }
  }
  return {scrollWidth: root.scrollWidth, culprits: culprits};
}"""

# The header's navigation on one line: no item's text wraps, and every item sits on one row.
NAV_ON_ONE_LINE = """() => {
  const items = [...document.querySelectorAll('header nav :is(.navbar-brand, .nav-link, button)')]
    .filter(e => e.getClientRects().length && !e.classList.contains('navbar-toggler'));
  const wrapped = [], middles = [];
  for (const e of items) {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
      - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    if (inner > 1.5 * parseFloat(style.lineHeight)) wrapped.push(e.textContent.trim());
    middles.push(box.top + box.height / 2);
  }
  const spread = Math.round(Math.max(...middles) - Math.min(...middles));
  return wrapped.length || spread > 6 ? {wrapped: wrapped, spread: spread} : null;
}"""


@dataclass
class Person:
    email: str
    paths: list[str] = field(default_factory=list)
    page: object = None


def _one(db, statement):
    return db.session.scalar(statement.limit(1))


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _application_of(db, call, name) -> int:
    return db.session.scalar(sa.select(Application.id).where(Application.call_id == call.id,
                                                             Application.applicant_name == name))


def _set_up(db):
    """The demo data, with the closed call's places filled (not yet published)."""
    seed_demo_data()
    db.session.commit()
    coordinator = _user(db, "coordinator@demo.rocb.example")
    closed = db.session.scalar(sa.select(Call).where(Call.state == CallState.closed))
    fill_places_in_rank_order(closed, actor=coordinator, now=utcnow(), waitlist_length=2)
    db.session.commit()
    return closed


def _assignment_jobs(db, call) -> list[int]:
    """The progress page of an automatic assignment under way (its bar, step and estimate), and
    of one that ended with its result."""
    from portal.jobs.models import Job, JobState
    from portal.jobs.services import lock_key

    now = utcnow()
    coordinator = _user(db, "coordinator@demo.rocb.example")
    running = Job(kind="assignment", call_id=call.id, started_by_id=coordinator.id,
                  state=JobState.RUNNING, lock_key=lock_key("assignment", call.id), attempts=1,
                  step="saving", done=6000, total=14000, created_at=now - timedelta(seconds=12),
                  started_at=now - timedelta(seconds=10), heartbeat_at=now)
    done = Job(kind="assignment", call_id=call.id, started_by_id=coordinator.id,
               state=JobState.DONE, attempts=1, step="saving", done=2, total=2,
               result={"assigned": 2, "missing": 1, "shortfalls": [
                   {"language": "ru", "cause": "capacity_exhausted", "applications": 1,
                    "missing_reviews": 1}]},
               created_at=now - timedelta(hours=1), started_at=now - timedelta(hours=1),
               finished_at=now - timedelta(minutes=59))
    db.session.add_all([running, done])
    db.session.flush()
    return [running.id, done.id]


def _people_before_publication(db, closed) -> dict[str, Person]:
    """Everyone's pages while the closed call is decided but not published."""
    calls = {c.state: c for c in db.session.scalars(sa.select(Call))}
    open_call, draft = calls[CallState.open], calls[CallState.draft]
    draft_application = _one(db, sa.select(Application).join(User, Application.applicant)
                             .where(User.email == "applicant.en@demo.rocb.example"))
    submitted = _one(db, sa.select(Application).where(Application.call_id == open_call.id,
                                                      Application.state == ApplicationState.submitted)
                     .order_by(Application.id))
    in_review = _one(db, sa.select(Application).where(Application.call_id == closed.id,
                                                      Application.reference.is_not(None))
                     .order_by(Application.id))
    assignment = _one(db, sa.select(Assignment).join(User, Assignment.reviewer)
                      .where(User.email == "reviewer.en@demo.rocb.example",
                             Assignment.state == AssignmentState.active).order_by(Assignment.id))
    criterion = closed.criteria[0]
    message = _one(db, sa.select(Message.id))  # the demo's reminder to the drafts' owners
    applicant = submitted.applicant
    # The open call's own questions (the demo's eight) and section, for the form builder's pages.
    with_choices = _one(db, sa.select(Question).where(Question.call_id == open_call.id,
                                                      Question.kind == QuestionKind.single_choice))
    own_section = _one(db, sa.select(FormSection).where(FormSection.call_id == open_call.id))
    reset_token = new_reset_token(applicant)
    # The applicant with a draft has a later deadline: her pages say so, the coordinator's list it.
    set_extension(open_call, draft_application.applicant,
                  closes_at=open_call.closes_at + timedelta(days=3),
                  reason="Her nomination letter was delayed by the ministry.", actor=None,
                  now=utcnow(), expected_version=None)
    db.session.commit()  # the live server reads the link's nonce
    people = {
        "visitor": Person("", [
            url_for("main.index"), url_for("accounts.login"), url_for("accounts.register"),
            url_for("accounts.request_password_reset"), url_for("calls.view_call", slug=open_call.slug),
            url_for("privacy.notice"),
            url_for("calls.view_call", slug=closed.slug),
            url_for("accounts.reset_password", token=reset_token)]),
        "applicant with a draft": Person("applicant.en@demo.rocb.example", [
            url_for("applications.dashboard"),
            url_for("applications.view_application", application_id=draft_application.id),
            *(url_for("applications.edit_section", application_id=draft_application.id, key=key)
              for key in ("personal", "professional", "languages", "motivation", "nomination",
                          own_section.key)),
            url_for("applications.documents", application_id=draft_application.id),
            url_for("applications.check_answers", application_id=draft_application.id),
            url_for("messages.inbox"), url_for("messages.read_message", message_id=message),
            url_for("accounts.profile"), url_for("accounts.change_password"),
            url_for("accounts.change_email")]),
        "applicant who submitted": Person(applicant.email, [
            url_for("applications.dashboard"),
            url_for("applications.view_application", application_id=submitted.id),
            url_for("applications.submitted", application_id=submitted.id),
            url_for("applications.withdraw", application_id=submitted.id),
            url_for("privacy.my_data"), url_for("privacy.delete_account"),
            url_for("calls.view_call", slug=open_call.slug)]),
        "reviewer": Person("reviewer.en@demo.rocb.example", [
            url_for("reviews.dashboard"), url_for("reviews.review", assignment_id=assignment.id),
            url_for("reviews.declare_conflict", assignment_id=assignment.id),
            url_for("reviews.edit_profile")]),
        "coordinator": Person("coordinator@demo.rocb.example", [
            *(url_for("jobs.show", job_id=job_id) for job_id in _assignment_jobs(db, closed)),
            url_for("calls.list_calls"), url_for("calls.create_call"),
            *(url_for("calls.manage_call", call_id=c.id) for c in (open_call, draft, closed)),
            url_for("calls.edit_call", call_id=open_call.id),
            *(url_for("calls.preview_call", call_id=c.id, lang=lang)
              for c in (open_call, draft) for lang in LANGUAGES),
            url_for("calls.add_criterion", call_id=draft.id),
            url_for("calls.edit_criterion", call_id=closed.id, criterion_id=criterion.id),
            url_for("calls.delete_criterion", call_id=draft.id, criterion_id=draft.criteria[0].id),
            url_for("applications.list_call_applications", call_id=open_call.id),
            url_for("applications.list_call_applications", call_id=closed.id),
            url_for("applications.manage_application", application_id=in_review.id),
            url_for("applications.screen_out", application_id=submitted.id),
            url_for("calls.list_extensions", call_id=open_call.id, q="demo"),
            url_for("calls.edit_extension", call_id=open_call.id,
                    user_id=draft_application.applicant_id),
            url_for("reviews.manage_assignments", call_id=closed.id),
            url_for("reviews.assign_by_hand", application_id=in_review.id),
            url_for("reviews.list_reviewers"),
            url_for("selection.ranking", call_id=closed.id),
            url_for("selection.decide", application_id=in_review.id),
            url_for("selection.publish", call_id=closed.id),
            url_for("reports.index", call_id=closed.id),
            url_for("statistics.call_statistics", call_id=closed.id),
            url_for("audit.audit_log"),
            url_for("messages.list_messages"), url_for("messages.view_sent", message_id=message),
            url_for("messages.compose", call_id=open_call.id, reminder=1),
            url_for("calls.copy_call", call_id=open_call.id),
            url_for("applications.manage_application", application_id=submitted.id),
            url_for("statistics.call_statistics", call_id=open_call.id),
            *(url_for("callforms.form_page", call_id=c.id) for c in (open_call, draft)),
            url_for("callforms.add_question", call_id=draft.id),
            url_for("callforms.add_question", call_id=draft.id, section="motivation",
                    kind="single_choice"),
            url_for("callforms.edit_question", call_id=open_call.id, question_id=with_choices.id),
            url_for("callforms.add_section", call_id=draft.id),
            url_for("callforms.edit_section", call_id=open_call.id, section_id=own_section.id),
            url_for("callforms.form_settings", call_id=draft.id),
            *(url_for("callforms.preview_form", call_id=open_call.id, lang=lang)
              for lang in LANGUAGES),
            url_for("endorsements.call_endorsements", call_id=open_call.id),
            url_for("endorsements.screen_out_non_endorsed", call_id=open_call.id)]),
        # The open call needs endorsement (portal/endorsements/demo.py): Kyrgyzstan's focal point
        # has decided on every candidate, Kazakhstan's has one awaiting.
        "focal point who decided": Person("focal.kg@demo.rocb.example", [
            url_for("endorsements.index"),
            url_for("endorsements.call_candidates", call_id=open_call.id),
            *(url_for("endorsements.candidate", application_id=_application_of(db, open_call, name))
              for name in ("Gulnara Asanova", "Erlan Mamatov"))]),
        "focal point with a candidate awaiting": Person("focal.kz@demo.rocb.example", [
            url_for("endorsements.call_candidates", call_id=open_call.id),
            url_for("endorsements.candidate",
                    application_id=_application_of(db, open_call, "Nurlan Abenov"))]),
        "admin": Person("admin@demo.rocb.example", [
            url_for("accounts.list_users"),
            url_for("privacy.list_notices"),
            url_for("privacy.edit_notice", notice_id=_one(db, sa.select(PrivacyNotice.id))),
            url_for("accounts.list_users", role="applicant", state="active",
                    last_sign_in="never", administration="KG"),
            url_for("accounts.new_user"),
            url_for("accounts.edit_user", user_id=applicant.id),
            url_for("administrations.list_administrations"),
            url_for("administrations.new_administration"),
            url_for("administrations.edit_administration", code="KG"),
            # The demo's two Aigul Osmonova: the choice of the duplicate, the preview.
            url_for("accounts.merge_user", user_id=_user(db, "a.osmonova@demo.rocb.example").id),
            url_for("accounts.merge_user", user_id=_user(db, "a.osmonova@demo.rocb.example").id,
                    duplicate=_user(db, DUPLICATE_EMAIL).id)]),
    }
    return people


def _pages_after_publication(db, closed, people) -> None:
    """Replace everyone's pages with those that publication brings."""
    offer = _one(db, sa.select(Offer).where(Offer.call_id == closed.id).order_by(Offer.id))
    fellow = offer.application
    for person in people.values():
        person.paths = []
    people["fellow"] = Person(fellow.applicant.email, [
        url_for("applications.dashboard"),
        url_for("applications.view_application", application_id=fellow.id),
        url_for("selection.respond_to_offer", application_id=fellow.id)])
    people["coordinator"].paths = [url_for("selection.ranking", call_id=closed.id),
                                   url_for("selection.fellows", call_id=closed.id),
                                   url_for("selection.extend_offer_deadline",
                                           application_id=fellow.id)]


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.locator("main form input[name=email]").fill(email)
    page.locator("main form input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not sign in"


def _switch_language(page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.locator(f"header [name=lang][value={language}]").evaluate("button => button.click()")
    assert page.locator("html").get_attribute("lang") == language


def _check(page, path: str, language: str, problems: list[str]) -> None:
    """Load the page once and measure it at each width; axe at each width too."""
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    response = page.goto(path)
    where = f"{path} ({language}"
    if response is None or not response.ok:
        problems.append(f"{where}): HTTP {response.status if response else '?'}")
        return
    page_language = page.locator("html").get_attribute("lang")
    if page_language != language:
        problems.append(f"{where}): the page is in {page_language!r}")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        at = f"{where}, {width} px)"
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(f"{at}: {overflow['scrollWidth']} px wide; sticking out: "
                            f"{', '.join(overflow['culprits'])}")
        if width >= 1200 and (nav := page.evaluate(NAV_ON_ONE_LINE)):
            problems.append(f"{at}: the header's navigation is not on one line (items that wrap: "
                            f"{nav['wrapped']}; items' rows {nav['spread']} px apart)")
        found = violations(page)
        if found:
            problems.append(f"{at}: axe-core:\n{describe(found)}")


def _check_preview(page, path: str, language: str, problems: list[str]) -> None:
    """A preview shows the call in its language, marked with lang; the coordinator's own page
    (navigation, banner) stays in the coordinator's language."""
    previewed = path.rsplit("/", 1)[1]
    content = page.locator("main article")
    if content.get_attribute("lang") != previewed:
        problems.append(f"{path} ({language}): the previewed content is not marked lang={previewed!r}")
    banner = page.locator(".preview-banner")
    if banner.count() != 1 or banner.evaluate("e => e.closest('[lang]').lang") != language:
        problems.append(f"{path} ({language}): the preview's banner is not in {language!r}")


def _publish(page, call_id: int) -> None:
    """The coordinator publishes the results (with a reason: the demo misses reviews)."""
    page.goto(f"/manage/calls/{call_id}/publish")
    page.locator("main form [name=override_reason]").fill("One reviewer is away; the panel agreed.")
    page.locator("main form [name=confirm]").check()
    with page.expect_navigation():
        page.locator("main form [name=submit]").click()
    assert page.url.endswith(f"/manage/calls/{call_id}/fellows"), page.url


def _visit(browser, live_server, people: dict[str, Person], problems: list[str]) -> None:
    for person in people.values():
        if not person.paths:
            continue
        if person.page is None:
            context = browser.new_context(base_url=live_server,
                                          viewport={"width": WIDTHS[0], "height": HEIGHT})
            context.set_default_timeout(15_000)
            preload(context)
            person.page = context.new_page()
            if person.email:
                _sign_in(person.page, person.email)
            else:
                person.page.goto("/")
        for language in LANGUAGES:
            person.page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            _switch_language(person.page, language)
            for path in person.paths:
                _check(person.page, path, language, problems)
                if "/preview/" in path:
                    _check_preview(person.page, path, language, problems)


def test_every_page_fits_a_phone_and_a_desktop_in_both_languages_and_axe_finds_nothing(
        app, db, live_server, browser):
    closed = _set_up(db)
    call_id = closed.id
    problems: list[str] = []
    with app.test_request_context():
        people = _people_before_publication(db, closed)
    db.session.commit()  # no transaction of the test stays open while the server writes
    try:
        _visit(browser, live_server, people, problems)
        _publish(people["coordinator"].page, call_id)
        db.session.rollback()  # a new transaction of the test's, which sees the publication
        with app.test_request_context():
            _pages_after_publication(db, closed, people)
        _visit(browser, live_server, people, problems)
    finally:
        for person in people.values():
            if person.page is not None:
                person.page.context.close()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
