"""The application journey through the test client."""

import io
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.applications.models import Application, ApplicationState, Document, DocumentKind
from portal.calls.models import CallState
from portal.database import utcnow
from portal.notifications.models import OutboxMessage
from tests.conftest import COMPLETE_ANSWERS, PASSWORD, PDF_BYTES, csrf_token_from


def _section_url(application, key):
    return f"/applications/{application.id}/sections/{key}"


def test_start_then_fill_a_section_and_resume(client, forms, login_as, create_user, create_call,
                                              db):
    applicant = login_as(create_user(full_name="Ivan Petrov"))
    call = create_call()
    response = forms.post(f"/applications/new/{call.id}", {"language": "ru"})
    application = db.session.scalar(sa.select(Application))
    assert response.headers["Location"] == _section_url(application, "personal")
    assert (application.language, application.applicant_id) == ("ru", applicant.id)

    page = client.get(_section_url(application, "personal")).get_data(as_text=True)
    assert 'value="Ivan Petrov"' in page  # prefilled from the profile
    data = dict(COMPLETE_ANSWERS["personal"], version="0")
    response = forms.post(_section_url(application, "personal"), data)
    assert response.headers["Location"] == _section_url(application, "professional")
    assert "+7 495 000 00 00" in client.get(_section_url(application, "personal")).get_data(
        as_text=True)
    overview = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Sections complete: 1 of 6" in overview


def test_incomplete_section_is_saved_and_says_what_is_missing(client, forms, login_as,
                                                              create_application):
    application = create_application()
    login_as(application.applicant)
    response = forms.post(_section_url(application, "motivation"),
                          {"version": "0", "motivation": "Only this so far"},
                          follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved as a draft" in html and "Proposed fellowship project" in html
    assert "Only this so far" in html


def test_word_limit_enforced_on_server_and_text_kept(client, forms, login_as, create_application,
                                                     db):
    application = create_application()
    login_as(application.applicant)
    long_text = "word " * 501
    response = forms.post(_section_url(application, "motivation"),
                          {"version": "0", "motivation": long_text})
    html = response.get_data(as_text=True)
    assert "At most 500 words, please: this text has 501." in html
    assert long_text.strip() in html
    assert application.section("motivation") is None


def test_second_tab_with_stale_version_is_refused_and_both_texts_shown(
        client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    url = _section_url(application, "motivation")
    forms.post(url, {"version": "0", "motivation": "Text from the first tab"})
    response = forms.post(url, {"version": "0", "motivation": "Text from the second tab"})
    html = response.get_data(as_text=True)
    assert "changed in another window or tab" in html
    assert "Text from the first tab" in html and "Text from the second tab" in html
    assert application.answers("motivation")["motivation"] == "Text from the first tab"


def test_deadline_passing_while_typing_keeps_the_text(client, forms, login_as,
                                                      create_application, db):
    application = create_application()
    login_as(application.applicant)
    url = _section_url(application, "motivation")
    token = forms.token(url)
    application.call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(url, data={"version": "0", "motivation": "My late text",
                                      "csrf_token": token})
    html = response.get_data(as_text=True)
    assert "The call closed before this could be saved" in html
    assert "My late text" in html


def _close(call, db):
    """The call's deadline has passed and it was closed, as `flask calls close-due` does."""
    call.closes_at = utcnow() - timedelta(seconds=1)
    call.state = CallState.closed
    db.session.commit()


def test_draft_of_a_closed_call_says_so_and_offers_only_reading(client, login_as,
                                                               create_application, db):
    application = create_application(complete=True)
    document = application.documents[0]
    login_as(application.applicant)
    _close(application.call, db)
    base = f"/applications/{application.id}"

    overview = client.get(base).get_data(as_text=True)
    notice = re.search(r'id="deadline-passed">(.*?)</div>', overview, re.S).group(1)
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", notice)).strip() == (
        "The deadline for applications has passed. This application was not submitted, and it "
        "can no longer be changed or submitted. You can still read what you entered and "
        "download your documents below.")
    assert "Risk profiles" in overview  # the answers, to read
    assert f'href="{base}/documents/{document.id}"' in overview  # the files, to download
    for offer in ("Continue:", "before the deadline", f'href="{base}/sections/',
                  f'href="{base}/check"', f'href="{base}/documents"', "Change"):
        assert offer not in overview, offer
    dashboard = client.get("/applications/").get_data(as_text=True)
    row = re.search(r"<tbody>(.*?)</tbody>", dashboard, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[1] == "Not submitted: deadline passed"

    for url in (f"{base}/sections/motivation", f"{base}/documents", f"{base}/check",
                f"{base}/documents/{document.id}/remove"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] in (base, f"{base}/documents"), url


def test_upload_sent_after_the_deadline_says_nothing_changed_and_offers_no_form(
        client, login_as, forms, create_application, db):
    application = create_application()
    login_as(application.applicant)
    url = f"/applications/{application.id}/documents"
    token = forms.token(url)
    _close(application.call, db)
    response = client.post(url, data={"kind": "cv", "csrf_token": token,
                                      "file": (io.BytesIO(PDF_BYTES), "cv.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    summary = re.search(r"data-error-summary>(.*?)</div>", html, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s{2,}", "", summary).split("There is a problem")[1] == (
        "The call closed before the file could be uploaded. Nothing was changed.")
    assert 'enctype="multipart/form-data"' not in html
    assert application.documents == []


def test_submit_sent_after_the_deadline_says_so_and_offers_no_submit(client, login_as, forms,
                                                                     create_application, db):
    application = create_application(complete=True)
    login_as(application.applicant)
    check = f"/applications/{application.id}/check"
    token = forms.token(check)
    _close(application.call, db)
    response = client.post(f"/applications/{application.id}/submit",
                           data={"declaration": "y", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert ("The deadline for applications has passed: this application was not submitted and "
            "can no longer be submitted.") in html
    assert "your text is shown below" not in html
    assert "Submit application" not in html and 'name="declaration"' not in html
    db.session.refresh(application)
    assert (application.state, application.reference) == (ApplicationState.draft, None)


def test_saved_section_marks_each_required_answer_still_missing(client, forms, login_as,
                                                                create_application):
    application = create_application()
    login_as(application.applicant)
    url = _section_url(application, "motivation")
    assert "-note" not in client.get(url).get_data(as_text=True)  # nothing left out yet
    forms.post(url, {"version": "0", "motivation": "Only this so far"})
    html = client.get(url).get_data(as_text=True)
    assert re.findall(r'id="([a-z_]+)-note"', html) == ["project_title", "project_description"]
    assert re.search(r'id="project_title"[^>]*aria-describedby="project_title-note"', html) or \
        re.search(r'aria-describedby="project_title-note"[^>]*id="project_title"', html)
    note = re.search(r'id="project_title-note"[^>]*>(.*?)</div>', html).group(1)
    assert note == "Required before you can submit: not answered yet."


def test_remove_document_asks_first_then_removes(client, forms, login_as, create_application,
                                                 db):
    application = create_application(complete=True)
    login_as(application.applicant)
    cv = application.documents_of(DocumentKind.cv)[0]
    documents = f"/applications/{application.id}/documents"
    remove = f"{documents}/{cv.id}/remove"
    page = client.get(documents).get_data(as_text=True)
    assert f'href="{remove}"' in page and f'action="{remove}"' not in page
    confirm = client.get(remove)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert re.search(r"<h1>(.*?)</h1>", html).group(1) == \
        "Remove the file “cv.pdf” (CV)?"
    assert "This document is required" in html
    db.session.refresh(application)
    assert len(application.documents) == 2  # asking removed nothing
    response = forms.post(remove, {})
    assert response.headers["Location"] == documents
    db.session.refresh(application)
    assert [d.kind for d in application.documents] == [DocumentKind.nomination_letter]


def test_expired_csrf_token_keeps_the_text(client, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    response = client.post(_section_url(application, "motivation"),
                           data={"version": "0", "motivation": "Typed before lunch",
                                 "csrf_token": "expired"})
    html = response.get_data(as_text=True)
    assert "This form had expired" in html and "Typed before lunch" in html
    assert application.section("motivation") is None


def test_upload_then_download_as_attachment(client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    url = f"/applications/{application.id}/documents"
    response = forms.post(url, {"kind": "cv", "file": (io.BytesIO(PDF_BYTES), "Мое резюме.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    document = application.documents[0]
    download = client.get(f"{url}/{document.id}")
    assert download.data == PDF_BYTES
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%9C%D0%BE%D0%B5" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_html_renamed_pdf_is_refused_with_a_message(client, forms, login_as,
                                                    create_application, app):
    application = create_application()
    login_as(application.applicant)
    response = forms.post(f"/applications/{application.id}/documents",
                          {"kind": "cv", "file": (io.BytesIO(b"<html>hi</html>"), "cv.pdf")},
                          content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This file is not a PDF file (judged by its content" in html
    assert application.documents == []


ANONYMISED_CV_HINT = "This call is reviewed blind: reviewers do not see your CV"


def test_documents_step_offers_an_anonymised_cv_and_says_what_to_remove_in_blind_calls(
        client, forms, login_as, create_application, create_call):
    application = create_application(call=create_call(blind_review=True))
    login_as(application.applicant)
    url = f"/applications/{application.id}/documents"
    html = client.get(url).get_data(as_text=True)
    headings = re.findall(r'<h2 class="h5" id="heading-([a-z_]+)">(.*?)</h2>', html)
    assert [(kind, re.sub(r"<[^>]+>", "", text)) for kind, text in headings] == [
        ("cv", "CV (required)"), ("anonymised_cv", "Anonymised CV (optional)"),
        ("nomination_letter", "Nomination letter (required)"),
        ("certificate", "Certificate (optional)")]
    assert ANONYMISED_CV_HINT in html
    assert "removed your name, photograph, date of birth and contact details" in html
    response = forms.post(url, {"kind": "anonymised_cv",
                                "file": (io.BytesIO(PDF_BYTES), "anonymised.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    assert [d.kind.value for d in application.documents] == ["anonymised_cv"]


def test_documents_step_of_a_call_that_is_not_blind_has_no_anonymised_cv(
        client, login_as, create_application, create_call):
    application = create_application(call=create_call(blind_review=False))
    login_as(application.applicant)
    html = client.get(f"/applications/{application.id}/documents").get_data(as_text=True)
    assert re.findall(r'id="heading-([a-z_]+)"', html) == ["cv", "nomination_letter",
                                                            "certificate"]
    assert ANONYMISED_CV_HINT not in html


def test_upload_over_request_limit_gets_413_and_draft_is_intact(client, forms, login_as,
                                                                create_application, app):
    application = create_application(complete=True)
    login_as(application.applicant)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = forms.post(f"/applications/{application.id}/documents",
                          {"kind": "certificate",
                           "file": (io.BytesIO(PDF_BYTES + b"x" * 4096), "big.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)
    assert len(application.documents) == 2
    assert application.answers("motivation") == COMPLETE_ANSWERS["motivation"]


def test_submit_through_pages(client, forms, login_as, create_application, outbox):
    application = create_application(complete=True)
    login_as(application.applicant)
    check = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert "Risk profiles" in check and "Declaration" in check
    refused = forms.post(f"/applications/{application.id}/submit", {},
                         page=f"/applications/{application.id}/check")
    assert "Please confirm the declaration to submit." in refused.get_data(as_text=True)
    response = forms.post(f"/applications/{application.id}/submit", {"declaration": "y"},
                          page=f"/applications/{application.id}/check")
    assert response.headers["Location"] == f"/applications/{application.id}/submitted"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.reference in page
    assert [m.kind for m in outbox()] == ["application_submitted"]
    edit = client.get(_section_url(application, "motivation"))
    assert edit.status_code == 302  # read-only now


def test_submit_incomplete_lists_what_is_missing(client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    html = forms.post(f"/applications/{application.id}/submit", {"declaration": "y"},
                      page=f"/applications/{application.id}/check").get_data(as_text=True)
    assert "The application cannot be submitted yet." in html
    assert "Documents: Nomination letter" in html


def test_pdf_copy_renders_cyrillic(client, login_as, create_application, db):
    from pypdf import PdfReader

    application = create_application(submit=True)
    section = application.section("personal")
    section.answers = dict(section.answers, native_name="Иван Петров")
    db.session.commit()
    login_as(application.applicant)
    response = client.get(f"/applications/{application.id}/pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert application.reference in text and "Иван Петров" in text


def test_withdraw_with_confirmation(client, forms, login_as, create_application):
    application = create_application(submit=True)
    login_as(application.applicant)
    url = f"/applications/{application.id}/withdraw"
    assert "Yes, withdraw my application" in client.get(url).get_data(as_text=True)
    assert forms.post(url, {}).status_code == 302
    assert application.state == ApplicationState.withdrawn


def test_other_applicants_application_is_404_everywhere_and_unchanged(
        client, forms, login_as, create_user, create_application, db):
    victim = create_application(complete=True)
    login_as(create_user())
    base = f"/applications/{victim.id}"
    document = victim.documents[0]
    for url in (base, f"{base}/sections/motivation", f"{base}/documents", f"{base}/check",
                f"{base}/documents/{document.id}", f"{base}/documents/{document.id}/remove",
                f"{base}/withdraw", f"{base}/pdf"):
        assert client.get(url).status_code == 404, url
    token = forms.token("/")
    for url, data in ((f"{base}/sections/motivation", {"version": "1", "motivation": "x"}),
                      (f"{base}/submit", {"declaration": "y"}),
                      (f"{base}/documents/{document.id}/remove", {})):
        assert client.post(url, data=dict(data, csrf_token=token)).status_code == 404, url
    db.session.refresh(victim)
    assert victim.state == ApplicationState.draft
    assert victim.answers("motivation") == COMPLETE_ANSWERS["motivation"]
    assert len(victim.documents) == 2


def test_unverified_user_is_asked_to_confirm_email_first(client, login_as, create_user,
                                                         create_call):
    login_as(create_user(verified=False))
    response = client.get(f"/applications/new/{create_call().id}")
    assert response.status_code == 403
    assert "Confirm your e-mail address first" in response.get_data(as_text=True)


def test_twenty_simultaneous_submits_make_one_submission(app, db, create_application):
    """Twenty requests from the same signed-in applicant hit Submit at the same moment."""
    application = create_application(complete=True)
    first = app.test_client()
    token = csrf_token_from(first.get("/login").get_data(as_text=True))
    first.post("/login", data={"email": application.applicant.email, "password": PASSWORD,
                               "csrf_token": token})
    cookie = first.get_cookie("portal_session").value
    clients = []
    for _ in range(20):  # twenty tabs of one signed-in session
        c = app.test_client()
        c.set_cookie("portal_session", cookie)
        token = csrf_token_from(c.get(f"/applications/{application.id}/check").get_data(
            as_text=True))
        clients.append((c, token))
    barrier = threading.Barrier(len(clients))
    statuses = []
    url = f"/applications/{application.id}/submit"
    db.session.commit()  # hold no transaction (on SQLite, a lock) while the requests run

    def submit(c, token):
        barrier.wait()
        response = c.post(url, data={"declaration": "y", "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert sorted(set(statuses)) == [302]
    references = db.session.scalars(sa.select(Application.reference)).all()
    assert len(references) == 1 and references[0] is not None
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["application_submitted"]
    db.session.commit()


def test_coordinator_lists_filters_and_searches(client, login_as, create_user,
                                                create_application, create_call):
    call = create_call()
    ivan = create_application(call=call, submit=True, language="ru")
    elena = create_application(call=call, submit=True)
    elena.applicant_name = "Elena Popescu"
    create_application(call=call)  # a draft: not listed
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/applications"
    html = client.get(url).get_data(as_text=True)
    assert "2 applications" in html
    assert ivan.reference in html and elena.reference in html
    html = client.get(url + "?language=ru").get_data(as_text=True)
    assert ivan.reference in html and elena.reference not in html
    html = client.get(url + "?q=popescu").get_data(as_text=True)
    assert elena.reference in html and ivan.reference not in html
    html = client.get(url + "?q=" + ivan.reference.lower()).get_data(as_text=True)
    assert ivan.reference in html and elena.reference not in html


def _submitted(db, create_application, call, *, full_name, native_name="", code="RU"):
    """A submitted application whose applicant wrote these names and administration."""
    from portal.applications import services

    application = create_application(call=call, complete=True)
    for key, changes in (("personal", {"full_name": full_name, "native_name": native_name}),
                         ("professional", {"administration_code": code})):
        services.save_section(application, key, answers={**COMPLETE_ANSWERS[key], **changes},
                              expected_version=application.section(key).version, now=utcnow())
    services.submit_application(application, actor=application.applicant, now=utcnow())
    db.session.commit()
    return application


def _listed(client, call, **query) -> list[tuple[str, str]]:
    """(reference, applicant) of each row of the coordinator's list, as the page shows them."""
    page = client.get(f"/manage/calls/{call.id}/applications", query_string=query)
    body = re.search(r"<tbody>(.*?)</tbody>", page.get_data(as_text=True), re.S).group(1)
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip()
                  for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:2])
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_coordinator_search_finds_names_in_any_script_and_case(client, login_as, create_user,
                                                               create_application, create_call,
                                                               db):
    call = create_call()
    aibek = _submitted(db, create_application, call, full_name="Aibek Toktogulov",
                       native_name="Айбек Токтогулов", code="KG")
    nurlan = _submitted(db, create_application, call, full_name="Nurlan Abenov",
                        native_name="Нурлан Абенов", code="KZ")
    login_as(create_user(roles=("coordinator",)))
    only_aibek = [(aibek.reference, "Aibek Toktogulov")]
    assert _listed(client, call, q="Айбек") == only_aibek
    assert _listed(client, call, q="ТОКТОГУЛОВ") == only_aibek
    assert _listed(client, call, q="токтогулов aibek") == only_aibek
    assert _listed(client, call, q="AIBEK") == only_aibek
    assert _listed(client, call, q=nurlan.reference.lower()) == [(nurlan.reference, "Nurlan Abenov")]
    assert _listed(client, call, q="%") == []
    assert _listed(client, call, q="_") == []
    assert len(_listed(client, call, q=" ")) == 2


def _administration_options(client, call, **headers) -> list[tuple[str, str]]:
    page = client.get(f"/manage/calls/{call.id}/applications", headers=headers)
    select = re.search(r'<select class="form-select" id="administration" name="administration">'
                       r'(.*?)</select>', page.get_data(as_text=True), re.S).group(1)
    return re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]+)</option>', select)


def test_coordinator_filters_by_an_administration_chosen_by_name(client, login_as, create_user,
                                                                 create_application, create_call,
                                                                 db):
    call = create_call()
    kyrgyz = _submitted(db, create_application, call, full_name="Aibek Toktogulov", code="KG")
    _submitted(db, create_application, call, full_name="Giorgi Kapanadze", code="GE")
    _submitted(db, create_application, call, full_name="Rashad Aliyev", code="AZ")
    _submitted(db, create_application, create_call(), full_name="Ayse Demir", code="TR")  # not offered
    login_as(create_user(roles=("coordinator",)))
    assert _administration_options(client, call) == [
        ("", "All"), ("AZ", "Azerbaijan"), ("GE", "Georgia"), ("KG", "Kyrgyzstan")]
    assert _listed(client, call, administration="KG") == [(kyrgyz.reference, "Aibek Toktogulov")]
    assert len(_listed(client, call, administration="Kyrgyzstan")) == 3  # not a choice: ignored


def test_coordinator_administrations_are_named_and_sorted_in_russian(client, login_as,
                                                                     create_user,
                                                                     create_application,
                                                                     create_call, db):
    call = create_call()
    for code in ("TR", "KG", "AZ", "GE"):
        _submitted(db, create_application, call, full_name="Name Surname", code=code)
    login_as(create_user(roles=("coordinator",), language="ru"))
    options = _administration_options(client, call, **{"Accept-Language": "ru"})
    # Азербайджан, Грузия, Кыргызстан (or Киргизия), Турция: sorted by the Russian name.
    assert [code for code, _name in options] == ["", "AZ", "GE", "KG", "TR"]
    assert options[1] == ("AZ", "Азербайджан")


def test_coordinator_lists_drafts_only_when_asked(client, login_as, create_user,
                                                  create_application, create_call, db):
    call = create_call()
    submitted = _submitted(db, create_application, call, full_name="Elena Popescu")
    draft = create_application(call=call, applicant=create_user(full_name="Rustam Nazarov"))
    login_as(create_user(roles=("coordinator",)))
    assert _listed(client, call) == [(submitted.reference, "Elena Popescu")]
    assert _listed(client, call, state="draft") == [("none yet", "Rustam Nazarov")]
    assert _listed(client, call, state="draft", q="nazarov") == [("none yet", "Rustam Nazarov")]
    page = client.get(f"/manage/calls/{call.id}/applications").get_data(as_text=True)
    assert '<option value="draft" >Draft</option>' in page
    assert f"/manage/applications/{draft.id}" not in client.get(
        f"/manage/calls/{call.id}/applications?state=draft").get_data(as_text=True)


def test_coordinator_list_query_count_does_not_grow(app, client, login_as, create_user,
                                                    create_application, create_call, db):
    call = create_call()
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/applications"

    def queries_for_page():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    create_application(call=call, submit=True)
    few = queries_for_page()
    for n in range(12):
        create_application(call=call, submit=True,
                           applicant=create_user(administration=["GE", "TR", "KZ"][n % 3]))
    assert queries_for_page() == few


def test_coordinator_screens_out_with_a_reason(client, forms, login_as, create_user,
                                               create_application):
    application = create_application(submit=True)
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/applications/{application.id}/screen-out"
    refused = forms.post(url, {"reason_en": "Less than three years of service", "reason_ru": ""})
    assert re.findall(r'<div id="(reason_\w+)-error"', refused.get_data(as_text=True)) == ["reason_ru"]
    assert forms.post(url, {"reason_en": "Less than three years of service",
                            "reason_ru": "Стаж службы менее трёх лет"}).status_code == 302
    assert application.state == ApplicationState.screened_out
    assert (application.screening_reason, application.screening_reason_ru) == (
        "Less than three years of service", "Стаж службы менее трёх лет")


def test_coordinator_cannot_open_drafts(client, login_as, create_user, create_application):
    draft = create_application()
    login_as(create_user(roles=("coordinator",)))
    assert client.get(f"/manage/applications/{draft.id}").status_code == 404


@pytest.mark.parametrize("state", ["screened_out"])
def test_applicant_does_not_see_screening_before_publication(client, login_as, create_user,
                                                             create_application, state, db):
    application = create_application(submit=True)
    application.state = ApplicationState(state)
    application.screening_reason = "Secret reason"
    db.session.commit()
    login_as(application.applicant)
    for url in ("/applications/", f"/applications/{application.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Ineligible" not in html and "Secret reason" not in html
        assert "Submitted" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 2


def test_declaration_error_in_the_summary_is_its_message_alone(client, forms, login_as,
                                                              create_application):
    """A checkbox's label is a whole statement: the summary does not glue it before the error."""
    application = create_application(complete=True)
    login_as(application.applicant)
    html = forms.post(f"/applications/{application.id}/submit", {},
                      page=f"/applications/{application.id}/check").get_data(as_text=True)
    assert re.findall(r'<a class="alert-link" href="#declaration">([^<]*)</a>', html) == [
        "Please confirm the declaration to submit."]


# --- Uploads: the verified type's name, parsing, a sandbox for downloads (issue 12, 8-10) ----

def test_an_html_file_that_starts_like_a_pdf_is_kept_and_served_as_a_pdf(
        client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    url = f"/applications/{application.id}/documents"
    content = PDF_BYTES + b"<html><script>alert(document.cookie)</script></html>\n"
    response = forms.post(url, {"kind": "cv", "file": (io.BytesIO(content), "cv.html")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    document = application.documents[0]
    assert '>cv.pdf</a>' in client.get(url).get_data(as_text=True)
    download = client.get(f"{url}/{document.id}")
    assert download.data == content
    assert download.headers["Content-Disposition"] == "attachment; filename=cv.pdf"
    assert download.headers["Content-Security-Policy"] == "sandbox"


def test_a_file_stored_under_its_uploaders_name_is_served_clean_with_the_verified_extension(
        client, db, login_as, create_application):
    application = create_application(complete=True)
    document = application.documents[0]
    document.original_name = "cv\u202efdp.html"  # as stored before names were cleaned
    db.session.commit()
    login_as(application.applicant)
    download = client.get(f"/applications/{application.id}/documents/{document.id}")
    assert download.headers["Content-Disposition"] == "attachment; filename=cvfdp.pdf"
    page = client.get(f"/applications/{application.id}/documents").get_data(as_text=True)
    assert ">cvfdp.pdf</a>" in page
    assert "\u202e" not in page


def test_a_file_that_only_starts_like_a_pdf_is_refused_with_a_message(
        client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    response = forms.post(f"/applications/{application.id}/documents",
                          {"kind": "cv", "file": (io.BytesIO(b"%PDF-1.7\n<script>x</script>"),
                                                  "cv.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    assert ("This file could not be opened as a PDF document: it may be damaged or protected "
            "by a password.") in response.get_data(as_text=True)
    assert application.documents == []


def test_the_pdf_copy_is_downloaded_in_a_sandbox(client, login_as, create_application):
    application = create_application(submit=True)
    login_as(application.applicant)
    response = client.get(f"/applications/{application.id}/pdf")
    assert (response.status_code, response.headers["Content-Security-Policy"]) == (200, "sandbox")


def test_an_answer_over_its_size_limit_is_refused_before_storing_and_kept(
        client, forms, login_as, create_application):
    application = create_application()
    login_as(application.applicant)
    one_long_word = "я" * 10_001  # within the word limit (one word), over 500 × 20 characters
    response = forms.post(_section_url(application, "motivation"),
                          {"version": "0", "motivation": one_long_word, "project_title": "Risk"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'<div id="motivation-error" class="invalid-feedback">([^<]*)</div>',
                      html) == ["At most 10000 characters."]
    assert one_long_word in html and 'value="Risk"' in html
    assert application.section("motivation") is None
