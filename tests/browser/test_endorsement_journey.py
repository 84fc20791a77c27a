"""Endorsement by the administration (issue 14), in a real browser with a real SMTP server.

A Russian-speaking customs officer of Kyrgyzstan submits to a call needing endorsement (two
candidates per administration at most); Kyrgyzstan's focal point reads the Russian e-mail,
follows its link to the sign-in, endorses her and another candidate, declines a third with a
reason, gives the other candidate the first priority, and is refused a fourth endorsement. The
applicants read their states; once the endorsement deadline has passed, the coordinator filters
the ranking by endorsement and screens out the candidates not endorsed in one step. Another
administration's focal point meets 404 on every one of these pages and changes nothing. axe-core
checks the new pages in Russian and in English.

Setting up what is not the journey (the other candidates, the passing of the deadline) goes
through the services.
"""

import io
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.forms import LoginForm
from portal.administrations.models import FocalPoint
from portal.applications import services as applications
from portal.applications.forms import ScreenOutForm, SubmitForm
from portal.applications.models import Application, ApplicationState, Document, DocumentKind
from portal.calls.models import CallState
from portal.database import utcnow
from portal.endorsements.forms import DeclineForm, EndorseForm, PriorityForm
from portal.endorsements.models import Endorsement
from portal.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.texts import assert_russian, is_translated, labels, russian, russian_plural
from tests.conftest import COMPLETE_ANSWERS, PASSWORD, PDF_BYTES

pytestmark = pytest.mark.browser

APPLICANT = {"email": "aizhan.sadykova@example.org", "full_name": "Aizhan Sadykova",
             "native_name": "Айжан Садыкова"}
OTHERS = [  # e-mail, name, language: Kyrgyzstan's other candidates
    ("bolot.usenov@example.org", "Bolot Usenov", "ru"),
    ("chynara.ismailova@example.org", "Chynara Ismailova", "en"),
    ("daniyar.kurmanov@example.org", "Daniyar Kurmanov", "ru"),
]
FOCAL_KG = {"email": "focal.point@customs.kg.example", "full_name": "Bakyt Sydykov"}
FOCAL_KZ = {"email": "focal.point@customs.kz.example", "full_name": "Saule Akhmetova"}
COORDINATOR = {"email": "coordinator@rocb.example.org", "full_name": "Farid Aliyev"}
STATEMENT = "Администрация поддерживает кандидатуру: опытный специалист по управлению рисками."
REASON = "Кандидат не прошёл внутренний отбор администрации."
OVER_QUOTA = ("Your administration may endorse at most %(num)d candidate in this call, and has "
              "endorsed as many. Decline another candidate first. Nothing was changed.",
              "Your administration may endorse at most %(num)d candidates in this call, and has "
              "endorsed as many. Decline another candidate first. Nothing was changed.")


def heading(page):
    return page.get_by_role("heading", level=1)


def status_message(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def sign_in_here(page, user: dict, language: str, app) -> None:
    """Sign in on the login page the browser is on."""
    login = labels(app, LoginForm, language)
    page.get_by_label(login["email"], exact=True).fill(user["email"])
    page.get_by_label(login["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=login["submit"]).click()
    expect(page.get_by_role("link", name=user["full_name"])).to_be_visible()


def sign_in(page, user: dict, language: str, app) -> None:
    page.goto("/login")
    sign_in_here(page, user, language, app)


def switch_language(page, name: str, code: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def kyrgyz_application(call, applicant, name: str, native: str | None, language: str):
    """A complete application of a Kyrgyz officer, through the services (a draft)."""
    application = applications.start_application(call, applicant=applicant, language=language,
                                                 now=utcnow())
    answers = {**COMPLETE_ANSWERS,
               "personal": {**COMPLETE_ANSWERS["personal"], "full_name": name,
                            "native_name": native or ""},
               "professional": {**COMPLETE_ANSWERS["professional"], "administration_code": "KG"}}
    for key, values in answers.items():
        section = application.section(key)
        applications.save_section(application, key, answers=dict(values),
                                  expected_version=section.version if section else 0, now=utcnow())
    for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
        applications.add_document(application, kind=kind, stream=io.BytesIO(PDF_BYTES),
                                  filename=f"{kind.value}.pdf", actor=applicant, now=utcnow())
    db.session.commit()
    return application


def focal_point(create_user, person: dict, code: str, language: str):
    user = create_user(email=person["email"], full_name=person["full_name"], roles=("nominator",),
                       language=language, administration=code)
    db.session.add(FocalPoint(administration_code=code, user_id=user.id, title="Head of HR"))
    db.session.commit()
    return user


def message_with(mailbox, recipient: str, text: str, timeout: float = 15.0):
    """The e-mail to `recipient` whose plain text holds `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(mailbox.messages):
            if message["To"] == recipient and \
                    text in message.get_body(preferencelist=("plain",)).get_content():
                return message
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {recipient} holding {text!r} "
                         f"(received: {[(m['To'], m['Subject']) for m in mailbox.messages]})")


def candidate_row(page, name: str):
    return page.locator("main table tbody tr").filter(has=page.get_by_role("link", name=name))


def snapshot():
    db.session.rollback()
    return sorted(map(repr, db.session.execute(sa.select(Endorsement.__table__)).all()))


def test_kyrgyz_focal_point_endorses_within_the_quota_and_the_coordinator_screens_out(
        app, db, live_server, new_page, mailbox, create_user, create_call, tmp_path):
    call = create_call(endorsement_required=True, endorsement_quota=2,
                       endorsement_reason_shown=True)
    call_id, title_ru = call.id, call.title_ru
    focal_point(create_user, FOCAL_KG, "KG", "ru")
    focal_point(create_user, FOCAL_KZ, "KZ", "en")
    create_user(email=COORDINATOR["email"], full_name=COORDINATOR["full_name"],
                roles=("coordinator",))
    applicant = create_user(email=APPLICANT["email"], full_name=APPLICANT["full_name"],
                            language="ru", administration="KG", time_zone="Asia/Bishkek")
    mine = kyrgyz_application(call, applicant, APPLICANT["full_name"], APPLICANT["native_name"],
                              "ru")
    others = []
    for email, name, language in OTHERS:
        other = create_user(email=email, full_name=name, language=language, administration="KG")
        application = kyrgyz_application(call, other, name, None, language)
        applications.submit_application(application, actor=other, now=utcnow())
        db.session.commit()
        others.append(application)
    ids = {"mine": mine.id, **{name: a.id for (_e, name, _l), a in zip(OTHERS, others, strict=True)}}
    bolot, chynara, daniyar = (name for _e, name, _l in OTHERS)
    db.session.rollback()  # no transaction of the test's stays open while the server writes

    # --- The applicant submits, in Russian: the check page says her administration is asked. --
    page = new_page(locale="ru-RU", timezone_id="Asia/Bishkek")
    sign_in(page, APPLICANT, "ru", app)
    page.goto(f"/applications/{ids['mine']}/check")
    expect(page.locator("#endorsement-panel")).to_contain_text(
        russian("Endorsement by your administration"))
    assert_accessible(page, "the check page of a call needing endorsement (ru)")
    form = labels(app, SubmitForm, "ru")
    page.get_by_label(form["declaration"], exact=True).check()
    page.get_by_role("button", name=form["submit"]).click()
    expect(heading(page)).to_have_text(russian("Application submitted"))

    # --- Kyrgyzstan's focal point reads the Russian e-mail and follows its link. -------------
    link = f"{live_server}/endorsements/applications/{ids['mine']}"
    message = message_with(mailbox, FOCAL_KG["email"], link)
    subject = 'Endorsement requested: a candidate of your administration for "%(call)s"'
    assert message["Subject"] == russian(subject, call=title_ru)
    if is_translated(subject):
        assert_russian(message["Subject"])
    assert message["Content-Language"] == "ru"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert APPLICANT["full_name"] in body
    focal = new_page(locale="ru-RU", timezone_id="Asia/Bishkek")
    focal.goto(link)  # the link carries no power: the sign-in first
    expect(focal).to_have_url(re.compile(r"/login\?next="))
    sign_in_here(focal, FOCAL_KG, "ru", app)
    expect(focal).to_have_url(link)
    expect(heading(focal)).to_have_text(APPLICANT["full_name"])
    expect(focal.locator("#endorsement-state")).to_have_text(russian("Awaiting endorsement"))
    assert_accessible(focal, "a candidate awaiting endorsement (ru)")

    # --- She endorses her, with a statement and a signed letter. ------------------------------
    endorse, decline = labels(app, EndorseForm, "ru"), labels(app, DeclineForm, "ru")
    focal.get_by_label(endorse["statement"], exact=True).fill(STATEMENT)
    letter = tmp_path / "endorsement-letter.pdf"
    letter.write_bytes(PDF_BYTES)
    focal.get_by_label(endorse["letter"], exact=True).set_input_files(letter)
    focal.get_by_role("button", name=endorse["endorse"], exact=True).click()
    expect(status_message(focal, russian("The candidate is endorsed."))).to_be_visible()
    expect(focal.locator("#endorsement-state")).to_have_text(russian("Endorsed"))
    expect(focal.get_by_role("link", name=letter.name)).to_be_visible()
    quota = russian("Endorsed: %(used)d of %(quota)d", used=1, quota=2)
    expect(focal.locator("#quota")).to_have_text(quota)
    assert_accessible(focal, "an endorsed candidate (ru)")

    # --- The call's candidates: she endorses a second and declines a third. -----------------
    focal.get_by_role("link", name=title_ru).click()
    expect(heading(focal)).to_have_text(title_ru)
    assert_accessible(focal, "the call's candidates (ru)")
    focal.get_by_role("link", name=bolot, exact=True).click()
    focal.get_by_role("button", name=endorse["endorse"], exact=True).click()
    expect(status_message(focal, russian("The candidate is endorsed."))).to_be_visible()
    expect(focal.locator("#quota")).to_have_text(
        russian("Endorsed: %(used)d of %(quota)d", used=2, quota=2))

    focal.goto(f"/endorsements/applications/{ids[chynara]}")
    focal.get_by_label(decline["reason"], exact=True).fill(REASON)
    focal.get_by_role("button", name=decline["decline"], exact=True).click()
    expect(status_message(focal, russian("The endorsement is declined."))).to_be_visible()
    expect(focal.locator("#endorsement-state")).to_have_text(russian("Endorsement declined"))

    # --- A fourth endorsement is refused: the quota of two is used. ----------------------------
    focal.goto(f"/endorsements/applications/{ids[daniyar]}")
    focal.get_by_role("button", name=endorse["endorse"], exact=True).click()
    refused = russian_plural(*OVER_QUOTA, 2)
    expect(focal.locator("[data-error-summary]")).to_contain_text(refused)
    expect(focal.locator("#endorsement-state")).to_have_text(russian("Awaiting endorsement"))
    assert_accessible(focal, "a refused endorsement past the quota (ru)")

    # --- The priority: Bolot first, by number. ---------------------------------------------------
    focal.goto(f"/endorsements/applications/{ids[bolot]}")
    priority = labels(app, PriorityForm, "ru")
    focal.get_by_role("spinbutton", name=priority["position"], exact=True).fill("1")
    focal.get_by_role("button", name=priority["place"], exact=True).click()
    expect(status_message(focal, russian("The priority is saved."))).to_be_visible()
    expect(heading(focal)).to_have_text(title_ru)
    expect(candidate_row(focal, bolot).locator("td").first).to_have_text("1")
    expect(candidate_row(focal, APPLICANT["full_name"]).locator("td").first).to_have_text("2")
    expect(focal.locator("main table tbody tr").first).to_contain_text(bolot)
    assert_accessible(focal, "the call's candidates, ranked (ru)")
    focal.get_by_role("link", name=russian("Endorsement of candidates")).first.click()
    assert_accessible(focal, "the focal point's calls (ru)")
    switch_language(focal, "English", "en")
    assert_accessible(focal, "the focal point's calls (en)")
    focal.goto(f"/endorsements/calls/{call_id}")
    expect(focal.locator("main")).to_contain_text("Endorsed: 2 of 2")
    assert_accessible(focal, "the call's candidates (en)")
    focal.goto(f"/endorsements/applications/{ids[daniyar]}")
    assert_accessible(focal, "a candidate awaiting endorsement (en)")

    # --- The applicants read their states, each in their language. ---------------------------
    changed = message_with(mailbox, APPLICANT["email"], f"/applications/{ids['mine']}")
    assert changed["Content-Language"] == "ru"
    page.goto(f"/applications/{ids['mine']}")
    expect(page.locator("#endorsement-state")).to_have_text(russian("Endorsed"))
    expect(page.locator("main")).not_to_contain_text(STATEMENT)  # the statement is not hers
    assert_accessible(page, "the applicant's endorsed application (ru)")
    declined = new_page(locale="en-GB")
    sign_in(declined, {"email": OTHERS[1][0], "full_name": chynara}, "en", app)
    declined.goto(f"/applications/{ids[chynara]}")
    expect(declined.locator("#endorsement-state")).to_have_text("Endorsement declined")
    expect(declined.locator("#endorsement-reason")).to_have_text(f"Reason: {REASON}")
    assert_accessible(declined, "the applicant's declined application (en)")
    waiting = new_page(locale="ru-RU")
    sign_in(waiting, {"email": OTHERS[2][0], "full_name": daniyar}, "ru", app)
    waiting.goto(f"/applications/{ids[daniyar]}")
    expect(waiting.locator("#endorsement-state")).to_have_text(russian("Awaiting endorsement"))

    # --- Another administration's focal point: 404 everywhere, nothing changed. --------------
    before = snapshot()
    stranger = new_page(locale="en-GB")
    sign_in(stranger, FOCAL_KZ, "en", app)
    token = stranger.locator("form[data-sign-out] input[name=csrf_token]").input_value()
    documents = dict(db.session.execute(
        sa.select(Document.application_id, sa.func.min(Document.id))
        .where(Document.application_id.in_(ids.values())).group_by(Document.application_id)).all())
    db.session.rollback()
    gets = [f"/endorsements/calls/{call_id}"]
    posts = []
    for application_id in ids.values():
        base = f"/endorsements/applications/{application_id}"
        gets += [base, f"{base}/documents/{documents[application_id]}", f"{base}/pdf",
                 f"{base}/letter"]
        posts += [(f"{base}/endorse", {"version": "1", "statement": "x"}),
                  (f"{base}/decline", {"version": "1", "reason": "x"}),
                  (f"{base}/priority", {"version": "1", "position": "1"}),
                  (f"{base}/move", {"version": "1", "direction": "up"})]
    answers = [stranger.goto(url).status for url in gets]
    answers += [stranger.request.post(url, form={**data, "csrf_token": token}).status
                for url, data in posts]
    assert answers == [404] * (len(gets) + len(posts))
    assert snapshot() == before
    stranger.goto("/endorsements/")
    expect(stranger.locator("main")).not_to_contain_text(APPLICANT["full_name"])

    # --- The endorsement deadline passes. ---------------------------------------------------------
    call = db.session.get(type(call), call_id)
    now = utcnow()
    call.closes_at, call.endorsement_deadline = now - timedelta(hours=2), now - timedelta(hours=1)
    call.state = CallState.closed
    db.session.commit()

    # --- The coordinator filters the ranking by endorsement and screens out. ------------------
    office = new_page(locale="en-GB")
    sign_in(office, COORDINATOR, "en", app)
    office.goto(f"/manage/calls/{call_id}/endorsements")
    assert_accessible(office, "the call's endorsements (en)")
    office.goto(f"/manage/calls/{call_id}/ranking")
    office.get_by_label("Endorsement", exact=True).select_option(label="Endorsed")
    office.get_by_role("button", name="Show", exact=True).click()
    expect(office).to_have_url(re.compile(r"endorsement=endorsed"))
    shown = office.locator("#ranking tbody td[data-endorsement]")
    expect(shown).to_have_count(2)
    assert shown.evaluate_all("cells => cells.map(c => c.dataset.endorsement)") == [
        "endorsed", "endorsed"]
    expect(office.locator("#ranking tbody")).to_contain_text(bolot)
    expect(office.locator("#ranking tbody")).to_contain_text(APPLICANT["full_name"])
    assert_accessible(office, "the ranking filtered by endorsement (en)")
    office.get_by_label("Endorsement", exact=True).select_option(label="Endorsement declined")
    office.get_by_role("button", name="Show", exact=True).click()
    expect(office.locator("#ranking tbody td[data-endorsement]")).to_have_count(1)
    expect(office.locator("#ranking tbody")).to_contain_text(chynara)

    office.goto(f"/manage/calls/{call_id}/endorsements/screen-out")
    listed = office.locator("#to-screen-out li")
    expect(listed).to_have_count(2)
    expect(listed.filter(has_text=chynara)).to_contain_text("Endorsement declined")
    expect(listed.filter(has_text=daniyar)).to_contain_text("Awaiting endorsement")
    assert_accessible(office, "screening out the candidates not endorsed (en)")
    office.get_by_role("button", name=labels(app, ScreenOutForm, "en")["submit"]).click()
    expect(status_message(office, "2 applications not endorsed marked as ineligible.")
           ).to_be_visible()
    switch_language(office, "Русский", "ru")
    assert_accessible(office, "the call's endorsements after screening out (ru)")
    office.goto(f"/manage/calls/{call_id}/ranking")
    assert_accessible(office, "the ranking of a call needing endorsement (ru)")

    db.session.rollback()
    states = dict(db.session.execute(sa.select(Application.id, Application.state).where(
        Application.call_id == call_id)).all())
    assert [states[ids[key]] for key in ("mine", bolot, chynara, daniyar)] == [
        ApplicationState.submitted, ApplicationState.submitted, ApplicationState.screened_out,
        ApplicationState.screened_out]
    # (the stranger's console lists the 404 answers, as it should)
    assert [person.problems for person in (page, focal, declined, waiting, office)] == [[]] * 5
