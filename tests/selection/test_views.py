"""The selection pages through HTTP: ranking, decisions, publication, offers; and what applicants see."""

import re
import threading

import sqlalchemy as sa

from portal.applications.models import ApplicationState
from portal.calls.models import CallState
from portal.notifications.models import OutboxMessage
from portal.selection import publication
from portal.selection.models import Decision, Offer, OfferState, Outcome
from tests.conftest import PASSWORD, csrf_token_from


def _decided_call(reviewed_call, **kw):
    return reviewed_call([[5, 5], [4, 3], [3, 1], [1, 5]], places=1, **kw)


def test_ranking_page_shows_scores_flags_and_filters(client, login_as, create_user, reviewed_call):
    call, (a, b, c, d) = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    references = re.findall(r'data-reference="([^"]+)"', html)
    assert references[0] == a.reference and len(references) == 4
    assert html.count("Reviewers disagree</span>") == 2  # c (3 vs 1 → 50 points) and d (1 vs 5)
    flagged = client.get(f"/manage/calls/{call.id}/ranking?flag=disagreement").get_data(as_text=True)
    assert set(re.findall(r'data-reference="([^"]+)"', flagged)) == {c.reference, d.reference}
    by_mean = client.get(f"/manage/calls/{call.id}/ranking?sort=mean").get_data(as_text=True)
    assert re.findall(r'data-reference="([^"]+)"', by_mean)[0] == a.reference
    assert "Without a decision: 4" in html


def test_coordinator_fills_places_then_changes_one_decision(client, forms, login_as, create_user,
                                                            reviewed_call, db):
    call, (a, b, c, d) = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/ranking"
    filled = forms.post(f"/manage/calls/{call.id}/fill", {}, page=url)  # nothing to replace: no confirmation
    assert filled.status_code == 302 and db.session.scalar(sa.select(sa.func.count(Decision.id))) == 4
    html = client.get(url).get_data(as_text=True)
    assert "Selected: 1" in html and "Waiting list: 3" in html
    decision_url = f"/manage/applications/{d.id}/decision"
    page = client.get(decision_url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = forms.post(decision_url, {"outcome": "not_selected", "note": "Project out of scope",
                                         "version": version})
    assert response.status_code == 302
    stale = forms.post(decision_url, {"outcome": "waitlisted", "note": "My note", "version": version})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "Another coordinator changed this decision" in text
    assert "My note" in text  # nothing typed is lost
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.note).where(Decision.application_id == d.id)) == \
        "Project out of scope"


def test_publish_page_previews_every_outcome_in_both_languages_and_counts(
        client, forms, login_as, create_user, reviewed_call):
    call, apps = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    page = client.get(f"/manage/calls/{call.id}/publish").get_data(as_text=True)
    assert "4 applications have no decision yet" in page and 'name="confirm"' not in page
    forms.post(f"/manage/calls/{call.id}/fill", {"confirm": "y", "waitlist_length": "2"},
               page=f"/manage/calls/{call.id}/ranking")
    page = client.get(f"/manage/calls/{call.id}/publish").get_data(as_text=True)
    assert 'name="confirm"' in page
    assert page.count('class="mb-2 preview" lang="en"') == 4 and page.count('class="mb-2 preview" lang="ru"') == 4
    assert apps[0].reference in page
    counts = re.search(r'id="publication-counts".*?</table>', page, re.S).group(0)
    assert re.findall(r'<td class="text-end">([^<]+)</td>', counts) == ["1 / 1", "2", "1", "0", "4"]


def test_publication_without_confirmation_or_token_changes_nothing(client, forms, login_as, create_user,
                                                                   reviewed_call, db, outbox):
    call, apps = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    forms.post(f"/manage/calls/{call.id}/fill", {"confirm": "y"}, page=f"/manage/calls/{call.id}/ranking")
    url = f"/manage/calls/{call.id}/publish"
    unconfirmed = forms.post(url, {"response_days": "14"})
    assert unconfirmed.status_code == 200 and "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    forged = client.post(url, data={"response_days": "14", "confirm": "y", "csrf_token": "forged"})
    assert "This form had expired" in forged.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(call), call.id).state != CallState.published
    assert [m for m in outbox() if m.kind == "selection_result"] == []


def test_two_coordinators_publishing_at_once_send_one_set_of_emails(app, db, reviewed_call, create_user):
    call, apps = _decided_call(reviewed_call)
    coordinators = [create_user(roles=("coordinator",)) for _ in range(2)]
    from portal.database import utcnow
    from portal.selection.services import fill_places_in_rank_order

    fill_places_in_rank_order(call, actor=coordinators[0], now=utcnow())
    db.session.commit()
    sessions = []
    for coordinator in coordinators:
        c = app.test_client()
        token = csrf_token_from(c.get("/login").get_data(as_text=True))
        c.post("/login", data={"email": coordinator.email, "password": PASSWORD, "csrf_token": token})
        token = csrf_token_from(c.get(f"/manage/calls/{call.id}/publish").get_data(as_text=True))
        sessions.append((c, token))
    barrier = threading.Barrier(len(sessions))
    statuses = []
    url = f"/manage/calls/{call.id}/publish"
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run

    def publish(c, token):
        barrier.wait()
        response = c.post(url,
                          data={"response_days": "14", "confirm": "y", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=publish, args=pair) for pair in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert statuses == [302, 302]
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient)
                                    .where(OutboxMessage.kind == "selection_result")).all()
    assert sorted(recipients) == sorted(a.applicant.email for a in apps)
    assert db.session.scalar(sa.select(sa.func.count(Offer.id))) == 1
    db.session.commit()


# --- What the applicant sees --------------------------------------------------------------------

LEAKS = {
    "en": ["Selected", "selected", "waiting list", "Waiting list", "Result", "score", "Ineligible",
           "SECRET-NOTE", "SECRET-REASON", "/offer"],
    "ru": ["Отобран", "отобран", "резервн", "Результат", "балл", "Не соответствует",
           "SECRET-NOTE", "SECRET-REASON", "/offer"],
}


def _crawl(client, start: str) -> dict[str, str]:
    """Every page of the applicant's own area reachable by links from `start` (GET only)."""
    seen, queue, pages = set(), [start], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        if response.mimetype == "application/pdf":
            from io import BytesIO

            from pypdf import PdfReader

            pages[url] = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        for link in re.findall(r'href="(/applications[^"#?]*)"', html):
            queue.append(link)
    return pages


def test_before_publication_no_page_pdf_or_email_reveals_a_decision(
        client, login_as, create_user, reviewed_call, db, outbox, create_application):
    call, (a, b, c, d) = _decided_call(reviewed_call, languages=["ru", "en", "en", "ru"])
    from portal.applications.services import screen_out
    from portal.database import utcnow
    from portal.selection import services

    coordinator = create_user(roles=("coordinator",))
    screen_out(d, actor=coordinator, reason="SECRET-REASON", now=utcnow())
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow(), waitlist_length=1)
    services.decide(a, outcome=Outcome.accepted, note="SECRET-NOTE", actor=coordinator, now=utcnow())
    db.session.commit()
    for application in (a, b, c, d):
        language = application.applicant.preferred_language
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
        login_as(application.applicant)
        pages = _crawl(client, "/applications/")
        assert f"/applications/{application.id}" in pages and f"/applications/{application.id}/pdf" in pages
        for url, text in pages.items():
            for leak in LEAKS[language] + LEAKS["en"][-3:]:
                assert leak not in text, (application.reference, url, leak)
        assert client.get(f"/applications/{application.id}/offer").status_code == 404
    for message in outbox():
        for leak in LEAKS["en"] + LEAKS["ru"]:
            assert leak not in message.subject + message.body_text, (message.kind, leak)


def test_after_publication_the_applicant_reads_the_result_and_accepts_in_russian(
        client, forms, login_as, create_user, reviewed_call, db, outbox):
    call, (a, b, c, d) = _decided_call(reviewed_call, languages=["ru", "en", "en", "en"])
    from portal.database import utcnow
    from portal.selection import services

    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    login_as(a.applicant)
    page = client.get(f"/applications/{a.id}").get_data(as_text=True)
    assert f"/applications/{a.id}/offer" in page
    response = forms.post(f"/applications/{a.id}/offer", {})
    assert response.status_code == 200 and 'id="error-summary-title"' in response.get_data(as_text=True)
    response = forms.post(f"/applications/{a.id}/offer", {"answer": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, a.offer.id).state == OfferState.accepted
    again = forms.post(f"/applications/{a.id}/offer", {"answer": "decline"}, page=f"/applications/{a.id}")
    assert again.status_code == 200
    assert db.session.get(Offer, a.offer.id).state == OfferState.accepted


def test_a_declined_offer_reaches_the_next_applicant_through_the_pages(
        client, forms, login_as, create_user, reviewed_call, db, outbox):
    call, (a, b, c, d) = _decided_call(reviewed_call)
    from portal.database import utcnow
    from portal.selection import services

    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    login_as(a.applicant)
    forms.post(f"/applications/{a.id}/offer", {"answer": "decline"})
    db.session.expire_all()
    assert a.state == ApplicationState.declined
    assert b.state == ApplicationState.accepted
    offered = [m.recipient for m in outbox() if m.kind == "offer_from_waitlist"]
    assert offered == [b.applicant.email]
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    login_as(coordinator)
    fellows = client.get(f"/manage/calls/{call.id}/fellows").get_data(as_text=True)
    waiting = db.session.scalars(sa.select(Decision).where(Decision.outcome == Outcome.waitlisted)
                                 .order_by(Decision.waitlist_position)).all()
    assert re.findall(r'<li data-reference="([^"]+)"', fellows) == [w.application.reference for w in waiting]
    assert len(waiting) == 2
    assert "Places held by an accepted or unanswered offer: 1 of 1." in fellows


def test_scores_are_written_the_way_each_language_writes_decimals(app):
    from flask_babel import force_locale

    from portal.selection import format_points

    with app.test_request_context():
        assert (format_points(72.46), format_points(None)) == ("72.5", "—")
        with force_locale("ru"):
            assert format_points(72.46) == "72,5"


def test_the_ranking_page_writes_its_scores_the_way_the_viewers_language_does(
        client, login_as, create_user, reviewed_call):
    call, _apps = reviewed_call([[5, 4], [3, 3]])  # means of 87.5 and 50 points
    login_as(create_user(roles=("coordinator",), language="ru"))
    html = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert re.findall(r'<td class="text-end">(\d+[,.]\d)</td>', html)[:2] == ["87,5", "25,0"]


# --- Filling the places: confirmation only to replace, errors beside their control (item 17) -----

def test_filling_the_places_of_an_undecided_call_needs_no_confirmation(
        client, forms, login_as, create_user, reviewed_call, db):
    call, apps = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/ranking"
    page = client.get(url).get_data(as_text=True)
    assert 'name="confirm"' not in page  # nothing to replace: nothing to confirm
    response = forms.post(f"/manage/calls/{call.id}/fill", {}, page=url)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 4


def test_replacing_decisions_asks_for_confirmation_beside_the_box(
        client, forms, login_as, create_user, reviewed_call, db):
    call, (a, b, c, d) = _decided_call(reviewed_call)
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/ranking"
    forms.post(f"/manage/applications/{a.id}/decision", {"outcome": "not_selected", "version": "0"})
    assert 'name="confirm"' in client.get(url).get_data(as_text=True)
    refused = forms.post(f"/manage/calls/{call.id}/fill", {"waitlist_length": "x"}, page=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    fill_form = html[html.index('id="fill-heading"'):]
    assert 'id="waitlist_length-error"' in fill_form
    assert "Tick the box" not in html  # an invalid number is named first, beside its field
    refused = forms.post(f"/manage/calls/{call.id}/fill", {}, page=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    before_form, fill_form = html[:html.index('id="fill-heading"')], html[html.index('id="fill-heading"'):]
    error = re.search(r'<div id="confirm-error" class="invalid-feedback">([^<]+)</div>', fill_form).group(1)
    assert error == "Filling the places would replace 1 decision already made. Tick the box to confirm."
    assert "Tick the box" not in before_form and 'aria-invalid="true"' in fill_form
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.outcome).where(Decision.application_id == a.id)) == \
        Outcome.not_selected
    assert forms.post(f"/manage/calls/{call.id}/fill", {"confirm": "y"}, page=url).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.outcome).where(Decision.application_id == a.id)) == \
        Outcome.accepted


# --- After publication: the offers' states and who holds the places (item 2) --------------------

def _cells(html, reference):
    row = re.search(r'<tr id="a\d+" data-reference="' + re.escape(reference) + r'">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_ranking_after_publication_shows_each_offer_and_who_holds_the_places(
        client, forms, login_as, create_user, reviewed_call, db):
    call, (a, b, c, d) = _decided_call(reviewed_call)
    from portal.database import utcnow
    from portal.selection import services

    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow(), waitlist_length=2)
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    first, second = sorted((c, d), key=lambda x: x.decision.waitlist_position or 99)  # b is first on the list
    login_as(coordinator)
    url = f"/manage/calls/{call.id}/ranking"
    html = client.get(url).get_data(as_text=True)  # kept in the process from here on
    assert _cells(html, a.reference)[-2:] == [f"Selected Change ({a.reference})", "Awaiting an answer"]
    services.respond_to_offer(a.offer, accept=False, actor=a.applicant, now=utcnow())
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "<th scope=\"col\">Offer</th>" in html
    assert _cells(html, a.reference)[-2:] == [f"Place declined Change ({a.reference})", "Declined"]
    assert _cells(html, b.reference)[-2:] == [f"Selected Change ({b.reference})",
                                              "Awaiting an answer from the waiting list"]
    assert _cells(html, first.reference)[-2:] == [f"Waiting list · 1 Change ({first.reference})", ""]
    assert _cells(html, second.reference)[-2:] == [f"Not selected Change ({second.reference})", ""]
    holders = re.search(r'<ul id="place-holders">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'data-reference="([^"]+)"', holders) == [b.reference]
    assert "Places held by an accepted or unanswered offer: 1 of 1." in html
    services.respond_to_offer(b.offer, accept=True, actor=b.applicant, now=utcnow())  # only the offer changes
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert _cells(html, b.reference)[-1] == "Accepted from the waiting list"
    decision_page = client.get(f"/manage/applications/{a.id}/decision").get_data(as_text=True)
    current = re.sub(r"\s+", " ", re.search(r'<p id="current-decision">(.*?)</p>', decision_page, re.S).group(1))
    assert current.startswith("Current state: Place declined.")
    assert "Selected" not in re.sub(r'<input[^>]*>|<label[^>]*>[^<]*</label>', "", decision_page)


def test_ranking_states_the_cap_per_administration_in_the_right_plural(client, login_as,
                                                                       create_user, reviewed_call):
    call, _applications = reviewed_call([[5], [4]], cap=1)
    login_as(create_user(roles=("coordinator",), language="ru"))
    html = client.get(f"/manage/calls/{call.id}/ranking").get_data(as_text=True)
    assert re.findall(r"<p>(Не более [^<]*)</p>", html) == ["Не более 1 места на одну администрацию."]


def test_filling_the_places_of_an_open_call_is_refused_beside_the_form(
        client, forms, login_as, create_user, reviewed_call, db):
    call, apps = _decided_call(reviewed_call)
    call.state = CallState.open
    db.session.commit()
    login_as(create_user(roles=("coordinator",)))
    refused = forms.post(f"/manage/calls/{call.id}/fill", {}, page=f"/manage/calls/{call.id}/ranking")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert html.index("Decisions can be made once the call has closed.") > html.index('id="fill-heading"')
    assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0
