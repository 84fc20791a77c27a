"""A coordinator invites a reviewer by e-mail; the reviewer, in Russian, sets a password, fills
in a reviewer profile and, once the coordinator has assigned the call's applications
automatically, scores one application (a refused submission first, then a draft, then the
review); the coordinator follows the progress and sends a reminder. axe-core checks every page
on the way, in the language of the person using it and once in the other language."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, ngettext, pgettext
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm, ProfileForm, SetPasswordForm
from portal.administrations.models import Administration
from portal.applications.models import Application, DocumentKind
from portal.calls.models import CallState, Criterion
from portal.database import utcnow
from portal.i18n import format_moment
from portal.reviews.assignment import Shortfall, ShortfallCause
from portal.reviews.forms import InviteReviewerForm, ReviewerProfileForm
from portal.reviews.models import Assignment, AssignmentState, Recommendation
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, is_translated, labels, pattern, russian
from tests.conftest import COMPLETE_ANSWERS, PASSWORD, PDF_BYTES

pytestmark = pytest.mark.browser

COORDINATOR = {"email": "coordinator@rocb.example.org", "full_name": "Farid Aliyev"}
REVIEWER = {"email": "tomasz.nowak@customs.example.pl", "full_name": "Tomasz Nowak",
            "administration": "PL", "time_zone": "Europe/Warsaw"}
REVIEWER_PASSWORD = "amber dunes under a slow moon"
# The reviewer knows two of the three applications' fields (in both languages) and takes two
# reviews at most: the automatic assignment gives them those two and reports the third short.
REVIEWER_EXPERTISE = ("risk analysis, post-clearance audit, e-commerce, "
                      "анализ рисков, пост-таможенный аудит")
TITLE_EN, TITLE_RU = "Risk management fellowship 2026", "Стажировка по управлению рисками 2026"
CRITERIA = [("Professional experience", "Профессиональный опыт", Decimal("2")),
            ("Quality of the proposed project", "Качество предлагаемого проекта", Decimal("1"))]
# Three customs officers of three administrations; the first writes in Russian.
APPLICANTS = [
    {"email": "aigerim.bekova@example.org", "full_name": "Aigerim Bekova",
     "administration": "KZ", "language": "ru",
     "answers": {"personal": {"full_name": "Aigerim Bekova", "native_name": "Айгерим Бекова"},
                 "professional": {"department": "Управление рисками",
                                  "position": "Главный инспектор",
                                  "expertise": "Анализ рисков, пост-таможенный аудит"},
                 "motivation": {"motivation": "Я хочу изучить опыт европейских администраций.",
                                "project_title": "Общие профили рисков",
                                "project_description": "Проект о совместных профилях рисков."}}},
    {"email": "nino.beridze@example.org", "full_name": "Nino Beridze",
     "administration": "GE", "language": "en",
     "answers": {"personal": {"full_name": "Nino Beridze", "native_name": "ნინო ბერიძე"},
                 "professional": {"expertise": "E-commerce, risk analysis"}}},
    {"email": "ion.rusu@example.org", "full_name": "Ion Rusu",
     "administration": "MD", "language": "en",
     "answers": {"personal": {"full_name": "Ion Rusu", "native_name": None},
                 "professional": {"expertise": "Canine units, border patrol"}}},
]


# What the pages say ----------------------------------------------------------------------------

def heading(page):
    return page.get_by_role("heading", level=1)


def status_message(page, text: str):
    """The flashed message with this text (several may be shown)."""
    return page.get_by_role("status").filter(has_text=text)


def moment_in(language: str, moment, zone: str) -> str:
    with force_locale(language):
        return format_moment(moment, zone)


def plural_in(language: str, singular: str, plural: str, num: int, **variables) -> str:
    with force_locale(language):
        return ngettext(singular, plural, num, **variables)


def sign_in(page, app, language: str, email: str, full_name: str, password: str) -> None:
    login = labels(app, LoginForm, language)
    page.goto("/login")
    page.get_by_label(login["email"], exact=True).fill(email)
    page.get_by_label(login["password"], exact=True).fill(password)
    page.get_by_role("button", name=login["submit"]).click()
    expect(page.get_by_role("link", name=full_name)).to_be_visible()


def menu(page, name: str):
    """A link of the header's navigation."""
    return page.locator("header").get_by_role("link", name=name, exact=True)


def switch_language(page, name: str, code: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def table(page, caption: str):
    """A table by its caption (which names it)."""
    return page.get_by_role("table", name=caption, exact=True)


def row_of(table_, text: str):
    return table_.get_by_role("row").filter(has_text=text)


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_body(preferencelist=("plain",)).get_content())


# The database ----------------------------------------------------------------------------------

def submitted_application(call, applicant, *, language: str, answers: dict) -> Application:
    """Like the `create_application` factory, but with this applicant's own answers (and
    administration), so that the three applications differ where reviewing looks."""
    from portal.applications import services

    application = services.start_application(call, applicant=applicant, language=language,
                                             now=utcnow())
    for key, complete in COMPLETE_ANSWERS.items():
        section_answers = {**complete, **answers.get(key, {})}
        if key == "professional":
            section_answers["administration_code"] = applicant.administration_code
        section = application.section(key)
        services.save_section(application, key, answers=section_answers,
                              expected_version=section.version if section else 0, now=utcnow())
    for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
        services.add_document(application, kind=kind, stream=io.BytesIO(PDF_BYTES),
                              filename=f"{kind.value}.pdf", actor=applicant, now=utcnow())
    services.submit_application(application, actor=applicant, now=utcnow())
    return application


def set_up_call(db, create_call, create_user) -> SimpleNamespace:
    """A call with two criteria, one reviewer per application and a review deadline three weeks
    ahead; three submitted applications; then the call closes for applications."""
    call = create_call(reviewers_per_application=1)
    call.title_en, call.title_ru = TITLE_EN, TITLE_RU
    call.criteria = [
        Criterion(position=n, name_en=en, name_ru=ru, weight=weight, scale_min=1, scale_max=5,
                  guidance_en="5: excellent; 1: poor.", guidance_ru="5: отлично; 1: слабо.")
        for n, (en, ru, weight) in enumerate(CRITERIA, start=1)]
    db.session.commit()
    applications = []
    for person in APPLICANTS:
        applicant = create_user(email=person["email"], full_name=person["full_name"],
                                administration=person["administration"],
                                language=person["language"])
        applications.append(submitted_application(call, applicant, language=person["language"],
                                                  answers=person["answers"]))
    now = utcnow().replace(second=0, microsecond=0)
    call.state, call.closes_at = CallState.closed, now - timedelta(minutes=1)
    call.review_deadline = now + timedelta(days=21)
    db.session.commit()
    return read(db, lambda: SimpleNamespace(
        id=call.id, review_deadline=call.review_deadline,
        criteria=[SimpleNamespace(id=c.id, name_en=c.name_en, name_ru=c.name_ru)
                  for c in call.criteria],
        applications=[SimpleNamespace(id=a.id, reference=a.reference) for a in applications]))


def read(db, what):
    """`what()` against what the server has written by now, in a transaction ended at once.

    Outside a request the portal begins every SQLite transaction with BEGIN IMMEDIATE: one
    left open by the test would hold the write lock and stall the live server's writes. So
    nothing the test keeps may be an ORM object that would load itself later: `what` returns
    plain values.
    """
    db.session.expire_all()
    try:
        return what()
    finally:
        db.session.rollback()


def active_assignments(db, call_id: int) -> dict[int, int]:
    """{application id: id of its active assignment} in the call."""
    rows = db.session.scalars(sa.select(Assignment).join(Application).where(
        Application.call_id == call_id, Assignment.state == AssignmentState.active))
    return {a.application_id: a.id for a in rows}


def reviewer_of(db, assignment_id: int) -> str:
    return db.session.get(Assignment, assignment_id).reviewer.email


def reasons_in(db, language: str, assignment_id: int) -> str:
    """Why the reviewer was chosen, as the assignment page of an application says it."""
    from portal.reviews.automatic import assignment_reasons

    with force_locale(language):
        return "; ".join(assignment_reasons(db.session.get(Assignment, assignment_id)))


def review_of(db, assignment_id: int) -> SimpleNamespace | None:
    review = db.session.get(Assignment, assignment_id).review
    if review is None:
        return None
    return SimpleNamespace(submitted=review.is_submitted, scores=dict(review.scores),
                           recommendation=review.recommendation,
                           confidence=review.confidence, comments=review.comments)


# The journey ------------------------------------------------------------------------------------

def test_coordinator_invites_assigns_automatically_and_reviewer_scores_in_russian(
    app, db, live_server, new_page, mailbox, create_user, create_call
):
    from portal.reviews.automatic import describe_shortfalls

    call = set_up_call(db, create_call, create_user)
    call_id, deadline, criteria = call.id, call.review_deadline, call.criteria
    in_russian, in_english, unmatched = (a.id for a in call.applications)
    references = {a.id: a.reference for a in call.applications}
    create_user(roles=("coordinator",), email=COORDINATOR["email"],
                full_name=COORDINATOR["full_name"], administration="AZ", language="en")
    assignments_url = f"/manage/calls/{call_id}/assignments"

    # 1. The coordinator (English) invites a new reviewer, in Russian. ---------------------------
    coordinator = new_page(locale="en-GB", timezone_id="Asia/Baku")
    sign_in(coordinator, app, "en", COORDINATOR["email"], COORDINATOR["full_name"], PASSWORD)
    menu(coordinator, "Reviewers").click()
    expect(heading(coordinator)).to_have_text("Reviewers")
    expect(table(coordinator, "Reviewers")).to_contain_text("No reviewers yet.")
    assert_accessible(coordinator, "the reviewers and the invitation form (en)")

    invite = labels(app, InviteReviewerForm, "en")
    coordinator.get_by_label(invite["email"], exact=True).fill(REVIEWER["email"])
    coordinator.get_by_label(invite["full_name"], exact=True).fill(REVIEWER["full_name"])
    coordinator.get_by_label(invite["administration_code"], exact=True).select_option(
        REVIEWER["administration"])
    coordinator.get_by_label(invite["language"], exact=True).select_option("ru")
    coordinator.get_by_role("button", name=invite["submit"]).click()
    expect(status_message(coordinator, f"Invitation sent to {REVIEWER['email']}.")).to_be_visible()
    expect(row_of(table(coordinator, "Reviewers"), REVIEWER["email"])).to_contain_text(
        REVIEWER["full_name"])
    assert_accessible(coordinator, "the reviewers, one invited (en)")

    # 2. The invitation arrives in Russian; the reviewer sets a password and signs in. -----------
    subject = "Invitation to review fellowship applications of ROCB Europe"
    message = mailbox.wait_for(REVIEWER["email"])
    assert message["Subject"] == russian(subject)
    if is_translated(subject):
        assert_russian(message["Subject"])
    assert message["Content-Language"] == "ru"
    links = links_in(message)
    assert len(links) == 1 and links[0].startswith(f"{live_server}/invitation/"), links

    reviewer = new_page(locale="ru-RU", timezone_id="Europe/Warsaw")
    reviewer.goto(links[0])
    expect(reviewer.locator("html")).to_have_attribute("lang", "ru")
    expect(heading(reviewer)).to_have_text(russian("Set your password"))
    expect(reviewer.get_by_text(REVIEWER["email"])).to_be_visible()
    assert_accessible(reviewer, "the set-password page of an invitation (ru)")
    new_password = labels(app, SetPasswordForm, "ru")
    reviewer.get_by_label(new_password["password"], exact=True).fill(REVIEWER_PASSWORD)
    reviewer.get_by_label(new_password["confirm"], exact=True).fill(REVIEWER_PASSWORD)
    reviewer.get_by_role("button", name=new_password["submit"]).click()
    expect(status_message(reviewer, russian(
        "Your password is set and your e-mail address confirmed. Sign in with them now.")))\
        .to_be_visible()
    sign_in(reviewer, app, "ru", REVIEWER["email"], REVIEWER["full_name"], REVIEWER_PASSWORD)

    # Their account: the administration (not the applicants') and their time zone.
    reviewer.get_by_role("link", name=REVIEWER["full_name"]).click()
    expect(heading(reviewer)).to_have_text(russian("Your account"))
    expect(reviewer.get_by_text(russian("confirmed"), exact=True)).to_be_visible()
    account = labels(app, ProfileForm, "ru")
    reviewer.get_by_label(account["administration_code"], exact=True).select_option(
        REVIEWER["administration"])
    reviewer.get_by_label(account["position"], exact=True).fill("Senior customs inspector")
    reviewer.get_by_label(account["time_zone"], exact=True).select_option(REVIEWER["time_zone"])
    expect(reviewer.get_by_label(account["preferred_language"], exact=True)).to_have_value("ru")
    reviewer.get_by_role("button", name=account["submit"]).click()
    expect(status_message(reviewer, russian("Your details have been saved."))).to_be_visible()

    # Their reviewer profile: both languages, a limit of two, their fields.
    profile = labels(app, ReviewerProfileForm, "ru")
    field = lambda name: reviewer.get_by_label(profile[name], exact=True)  # noqa: E731
    menu(reviewer, russian("My reviews")).click()
    reviewer.get_by_role("link", name=russian(
        "My reviewer profile: languages, expertise, workload")).click()
    expect(heading(reviewer)).to_have_text(russian("My reviewer profile"))
    expect(field("reads_en")).to_be_checked()
    expect(field("reads_ru")).to_be_checked()  # the invitation was in Russian
    assert_accessible(reviewer, "the reviewer profile (ru)")
    field("max_reviews_per_call").fill("0")
    field("expertise").fill(REVIEWER_EXPERTISE)
    reviewer.get_by_role("button", name=profile["submit"]).click()
    expect(reviewer.locator("[data-error-summary]")).to_be_focused()
    expect(field("max_reviews_per_call")).to_have_attribute("aria-invalid", "true")
    expect(field("expertise")).to_have_value(REVIEWER_EXPERTISE)
    assert_accessible(reviewer, "the reviewer profile with an error (ru)")
    field("max_reviews_per_call").fill("2")
    reviewer.get_by_role("button", name=profile["submit"]).click()
    expect(status_message(reviewer, russian("Your reviewer profile has been saved.")))\
        .to_be_visible()
    expect(heading(reviewer)).to_have_text(russian("My reviews"))
    expect(reviewer.get_by_text(russian("No applications are assigned to you at the moment.")))\
        .to_be_visible()
    assert_accessible(reviewer, "the reviewer's empty dashboard (ru)")

    # 3. The coordinator assigns the call's applications automatically. -------------------------
    menu(coordinator, "Calls").click()
    coordinator.get_by_role("link", name=TITLE_EN, exact=True).click()
    coordinator.get_by_role("link", name="Reviews and assignments", exact=True).click()
    expect(coordinator).to_have_url(live_server + assignments_url)
    expect(heading(coordinator)).to_have_text("Reviews and assignments")
    expect(coordinator.get_by_text(TITLE_EN)).to_be_visible()
    expect(coordinator.locator("main")).to_contain_text(
        f"Review deadline: {moment_in('en', deadline, 'Asia/Baku')}")
    expect(table(coordinator, "Progress by reviewer")).to_contain_text("No assignments yet.")
    by_application = table(coordinator, "Progress by application")
    for reference in references.values():
        expect(row_of(by_application, reference)).to_contain_text("0 / 1 needs more")
    assert_accessible(coordinator, "the call's assignments, none yet (en)")

    # A job does it (inline in the tests): its progress page shows the result, and links back.
    coordinator.get_by_role("button", name="Assign reviewers automatically").click()
    expect(heading(coordinator)).to_have_text("Automatic assignment of reviewers")
    expect(status_message(coordinator, plural_in(
        "en", "%(num)d assignment made.", "%(num)d assignments made.", 2))).to_be_visible()
    made = read(db, lambda: active_assignments(db, call_id))
    assert set(made) == {in_russian, in_english}, made
    assert read(db, lambda: {reviewer_of(db, a) for a in made.values()}) == {REVIEWER["email"]}
    with force_locale("en"):
        (short,) = describe_shortfalls([Shortfall(
            language="en", cause=ShortfallCause.capacity_exhausted, applications=1,
            missing_reviews=1, application_ids=(unmatched,))])
    expect(status_message(coordinator, short)).to_have_class(re.compile(r"\balert-success\b"))
    assert_accessible(coordinator, "the automatic assignment's result (en)")
    coordinator.get_by_role("link", name="See the result").click()
    expect(coordinator).to_have_url(live_server + assignments_url)
    expect(row_of(table(coordinator, "Progress by reviewer"), REVIEWER["full_name"])
           .get_by_role("cell")).to_have_text([REVIEWER["full_name"], "2", "0"])
    expect(row_of(by_application, references[in_russian]).get_by_role("cell")).to_have_text(
        ["", references[in_russian], "Русский", "1 / 1", "0"])
    expect(row_of(by_application, references[unmatched])).to_contain_text("0 / 1 needs more")
    assert_accessible(coordinator, "the call's assignments, after the automatic ones (en)")

    # Why the reviewer was chosen, on the application's own assignment page.
    by_application.get_by_role("link", name=references[in_russian], exact=True).click()
    expect(heading(coordinator)).to_have_text(f"Reviewers of {references[in_russian]}")
    reasons = read(db, lambda: reasons_in(db, "en", made[in_russian]))
    assert "Poland" in reasons and "reads Russian" in reasons, reasons
    expect(row_of(table(coordinator, "Assignments"), REVIEWER["full_name"]).get_by_role("cell"))\
        .to_have_text([REVIEWER["full_name"], "Assigned", reasons, f"Release {REVIEWER['full_name']}"])
    assert_accessible(coordinator, "the assignments of one application (en)")
    coordinator.get_by_role("link", name="All assignments of this call").click()
    expect(coordinator).to_have_url(live_server + assignments_url)

    # 4. The reviewer (Russian) reviews the application written in Russian. ---------------------
    menu(reviewer, russian("My reviews")).click()
    mine = table(reviewer, russian("Applications assigned to me"))
    deadline_ru = moment_in("ru", deadline, REVIEWER["time_zone"])
    assert re.search(r"UTC[+-]\d\d:\d\d", deadline_ru), deadline_ru
    for application_id in (in_russian, in_english):
        row = row_of(mine, references[application_id])
        expect(row.get_by_role("cell").nth(1)).to_have_text(TITLE_RU)
        expect(row.get_by_role("cell").nth(3)).to_have_text(russian("Not started"))
        expect(row.get_by_role("cell").nth(4)).to_have_text(deadline_ru)
    expect(row_of(mine, references[unmatched])).to_have_count(0)
    assert_accessible(reviewer, "the reviewer's dashboard, two assigned (ru)")

    # The other application: a conflict of interest could be declared (looked at, not done).
    reviewer.get_by_role("link", name=references[in_english], exact=True).click()
    reviewer.get_by_role("link", name=russian(
        "I have a conflict of interest with this application")).click()
    expect(heading(reviewer)).to_have_text(russian("Declare a conflict of interest"))
    assert_accessible(reviewer, "the conflict-of-interest page (ru)")
    reviewer.get_by_role("link", name=russian("Cancel"), exact=True).click()
    menu(reviewer, russian("My reviews")).click()

    reference = references[in_russian]
    mine.get_by_role("link", name=reference, exact=True).click()
    expect(heading(reviewer)).to_have_text(russian("Application %(reference)s", reference=reference))
    expect(reviewer.locator("main")).to_contain_text(
        russian("Review deadline: %(moment)s", moment=deadline_ru))
    expect(reviewer.locator("main")).to_contain_text("Я хочу изучить опыт европейских администраций.")
    assert_accessible(reviewer, "the review page (ru)")

    score = lambda name: reviewer.get_by_role(  # noqa: E731
        "group", name=re.compile("^" + re.escape(name)))
    recommendation = reviewer.get_by_role("group", name=russian("Overall recommendation"))
    confidence = reviewer.get_by_role("group", name=russian("Your confidence in this review"))
    comments = reviewer.get_by_label(russian("Comments"), exact=True)
    recommend = russian("Recommend")  # Recommendation.support
    comment = "Сильная мотивация; проект реалистичен и полезен для администрации."

    # Submitted with the second criterion unscored: refused, saying what is missing, entries kept.
    score(criteria[0].name_ru).get_by_role("radio", name="4", exact=True).check()
    comments.fill(comment)
    recommendation.get_by_role("radio", name=recommend, exact=True).check()
    confidence.get_by_role("radio", name="4", exact=True).check()
    reviewer.get_by_role("button", name=russian("Submit review")).click()
    problems = reviewer.get_by_role("alert")
    expect(reviewer.locator("[data-error-summary]")).to_have_count(1)
    expect(problems).to_be_focused()
    expect(problems.get_by_role("heading")).to_have_text(russian("There is a problem"))
    expect(problems).to_contain_text(russian("The review was not saved."))
    missing = russian("%(criterion)s: a score is needed.", criterion=criteria[1].name_ru)
    expect(problems.get_by_role("listitem")).to_have_text(
        [russian("The review was not saved."), missing])
    # The problem links to the criterion, which shows it too.
    expect(problems.get_by_role("link", name=missing)).to_have_attribute(
        "href", f"#score_{criteria[1].id}")
    expect(score(criteria[1].name_ru)).to_contain_text(missing)
    expect(score(criteria[0].name_ru).get_by_role("radio", name="4", exact=True)).to_be_checked()
    expect(comments).to_have_value(comment)
    expect(recommendation.get_by_role("radio", name=recommend, exact=True)).to_be_checked()
    expect(confidence.get_by_role("radio", name="4", exact=True)).to_be_checked()
    assert_accessible(reviewer, "the review page with a missing score (ru)")

    # Every criterion scored: a draft first, kept as entered; then the review.
    score(criteria[1].name_ru).get_by_role("radio", name="3", exact=True).check()
    reviewer.get_by_role("button", name=russian("Save draft")).click()
    expect(status_message(reviewer, russian("Your draft has been saved."))).to_be_visible()
    expect(score(criteria[0].name_ru).get_by_role("radio", name="4", exact=True)).to_be_checked()
    expect(score(criteria[1].name_ru).get_by_role("radio", name="3", exact=True)).to_be_checked()
    expect(comments).to_have_value(comment)
    draft = read(db, lambda: review_of(db, made[in_russian]))
    assert draft is not None and not draft.submitted

    reviewer.get_by_role("button", name=russian("Submit review")).click()
    expect(status_message(reviewer, russian("Your review has been submitted."))).to_be_visible()
    expect(reviewer.locator("main")).to_contain_text(pattern(russian(
        "Submitted on %(moment)s. You can change it until the review deadline.",
        moment="{moment}"), moment=r".+?"))
    assert_accessible(reviewer, "the review page, submitted (ru)")
    review = read(db, lambda: review_of(db, made[in_russian]))
    assert review.submitted
    assert review.scores == {str(criteria[0].id): 4, str(criteria[1].id): 3}
    assert (review.recommendation, review.confidence, review.comments) == \
        (Recommendation.support, 4, comment)

    menu(reviewer, russian("My reviews")).click()
    with force_locale("ru"):  # a review is sent («Отправлена»), an application submitted
        sent = pgettext("review", "Submitted")
    expect(row_of(mine, reference).get_by_role("cell").nth(3)).to_have_text(sent)
    expect(row_of(mine, references[in_english]).get_by_role("cell").nth(3)).to_have_text(
        russian("Not started"))

    # 5. The coordinator sees the progress and reminds the reviewer of the other review. --------
    coordinator.reload()
    expect(row_of(table(coordinator, "Progress by reviewer"), REVIEWER["full_name"])
           .get_by_role("cell")).to_have_text([REVIEWER["full_name"], "2", "1"])
    expect(row_of(by_application, reference).get_by_role("cell").nth(4)).to_have_text("1")
    expect(row_of(by_application, references[in_english]).get_by_role("cell").nth(4))\
        .to_have_text("0")
    coordinator.get_by_role("button", name="Remind reviewers with reviews due").click()
    expect(status_message(coordinator, plural_in(
        "en", "A reminder was sent to %(num)d reviewer.",
        "Reminders were sent to %(num)d reviewers.", 1))).to_be_visible()
    assert_accessible(coordinator, "the call's assignments, one review submitted (en)")
    reminder = mailbox.wait_for(REVIEWER["email"], subject=russian(
        "Reminder: reviews due for %(call)s", call=TITLE_RU))
    assert reminder["Content-Language"] == "ru"
    assert links_in(reminder) == [f"{live_server}/reviews/"]

    # 6. The coordinator's pages in Russian. ---------------------------------------------------
    switch_language(coordinator, "Русский", "ru")
    expect(heading(coordinator)).to_have_text(russian("Reviews and assignments"))
    expect(row_of(table(coordinator, russian("Progress by reviewer")), REVIEWER["full_name"])
           .get_by_role("cell")).to_have_text([REVIEWER["full_name"], "2", "1"])
    assert_accessible(coordinator, "the call's assignments (ru)")
    table(coordinator, russian("Progress by application")).get_by_role(
        "link", name=references[unmatched], exact=True).click()
    expect(heading(coordinator)).to_have_text(
        russian("Reviewers of %(reference)s", reference=references[unmatched]))
    expect(coordinator.get_by_text(russian("No reviewers assigned yet."))).to_be_visible()
    # The reviewer may still be assigned by hand: no conflict with this applicant.
    expect(coordinator.get_by_label(russian("Reviewer"), exact=True).get_by_role("option"))\
        .to_have_count(1)
    assert_accessible(coordinator, "the assignments of one application (ru)")
    menu(coordinator, russian("Reviewers")).click()
    expect(heading(coordinator)).to_have_text(russian("Reviewers"))
    administration_ru = read(  # the name CLDR gives it, as the page shows it
        db, lambda: db.session.get(Administration, REVIEWER["administration"]).name("ru"))
    expect(row_of(table(coordinator, russian("Reviewers")), REVIEWER["email"]).get_by_role("cell"))\
        .to_have_text([re.compile(re.escape(REVIEWER["full_name"])), administration_ru,
                       "English, Русский", "2", REVIEWER_EXPERTISE])
    assert_accessible(coordinator, "the reviewers and the invitation form (ru)")

    # 7. The reviewer's pages in English. -------------------------------------------------------
    switch_language(reviewer, "English", "en")
    expect(heading(reviewer)).to_have_text("My reviews")
    mine_en = table(reviewer, "Applications assigned to me")
    expect(row_of(mine_en, reference).get_by_role("cell")).to_have_text(
        [reference, TITLE_EN, "Русский", "Submitted",
         moment_in("en", deadline, REVIEWER["time_zone"])])
    assert_accessible(reviewer, "the reviewer's dashboard (en)")
    mine_en.get_by_role("link", name=reference, exact=True).click()
    expect(heading(reviewer)).to_have_text(f"Application {reference}")
    expect(reviewer.get_by_role("group", name=re.compile("^" + re.escape(criteria[0].name_en)))
           .get_by_role("radio", name="4", exact=True)).to_be_checked()
    assert_accessible(reviewer, "the review page, submitted (en)")
    menu(reviewer, "My reviews").click()
    reviewer.get_by_role("link", name="My reviewer profile: languages, expertise, workload").click()
    expect(heading(reviewer)).to_have_text("My reviewer profile")
    expect(reviewer.get_by_label("The most reviews I will take in one call", exact=True))\
        .to_have_value("2")
    assert_accessible(reviewer, "the reviewer profile (en)")

    # The used link no longer works (accounts' invitation page, in English).
    visitor = new_page(locale="en-GB")
    assert visitor.goto(links[0]).status == 400
    assert [p for p in visitor.problems if "400" not in p] == [], visitor.problems
    visitor.problems.clear()  # the browser's console reports the 400 it was expected to get
    assert_accessible(visitor, "the used invitation link's page (en)")

    for who, page in (("coordinator", coordinator), ("reviewer", reviewer),
                      ("visitor", visitor)):
        assert page.problems == [], f"the {who}'s browser reported errors: {page.problems}"
