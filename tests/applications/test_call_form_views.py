"""The applicant's pages on a call's own form, through the test client."""

import io
import re

import sqlalchemy as sa

from portal.applications import services
from portal.applications.models import Document, DocumentKind
from portal.database import utcnow
from portal.questions.models import QuestionKind, RuleOperator
from tests.applications.questions import PNG_BYTES, add_question, one_of_each
from tests.conftest import PDF_BYTES


def _url(application, key="extra-1"):
    return f"/applications/{application.id}/sections/{key}"


def _error(html, name):
    match = re.search(rf'id="{name}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else None


def _note(html, name, what="note"):
    match = re.search(rf'id="{name}-{what}"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else None


def test_an_own_section_shows_its_intro_questions_help_counter_and_groups(
        client, login_as, create_application, create_call):
    call = create_call()
    questions = one_of_each(call)
    application = create_application(call=call)
    login_as(application.applicant)
    html = client.get(_url(application)).get_data(as_text=True)
    assert "<h1>Further questions extra-1</h1>" in html
    assert "Tell us more." in html
    for kind, question in questions.items():
        key = question.answer_key
        assert _note(html, key, "hint") == f"Help for {kind.value}", kind
        assert re.search(rf'aria-describedby="{key}-hint[ "]', html), kind
    single = questions[QuestionKind.single_choice].answer_key
    assert re.search(rf'<fieldset class="mb-3" id="{single}"[^>]*>\s*<legend[^>]*>'
                     r'Question single_choice</legend>', html)
    several = questions[QuestionKind.multiple_choice].answer_key
    assert len(re.findall(rf'type="checkbox"[^>]*name="{several}"|name="{several}"[^>]*'
                          r'type="checkbox"', html)) == 3
    long_text = questions[QuestionKind.long_text].answer_key
    assert f'data-word-count-for="{long_text}"' in html and 'data-word-limit="5"' in html
    number = questions[QuestionKind.number].answer_key
    assert re.search(rf'data-rule-operator="at_least"[^>]*data-rule-target="{number}-rule"'
                     r'[^>]*data-rule-value="3"', html)
    assert 'data-rule-message="Your answer to «Years in customs service» does not meet this ' \
           "call&#39;s eligibility rule (the answer must be at least 3), so the application " \
           'cannot be submitted."' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".pdf"' in html and "Accepted: PDF, at most 1 MB." in html


def test_every_kind_is_saved_and_shown_back(client, forms, login_as, create_application,
                                            create_call):
    call = create_call()
    questions = one_of_each(call)
    application = create_application(call=call)
    login_as(application.applicant)
    q = {kind: question.answer_key for kind, question in questions.items()}
    response = forms.post(_url(application), {
        "version": "0", q[QuestionKind.short_text]: "Short answer",
        q[QuestionKind.long_text]: "Just four words here", q[QuestionKind.single_choice]: "b",
        q[QuestionKind.multiple_choice]: ["a", "c"], q[QuestionKind.yes_no]: "no",
        q[QuestionKind.number]: "12", q[QuestionKind.date]: "2021-03-04",
        q[QuestionKind.file]: (io.BytesIO(PDF_BYTES), "plan.pdf")},
        content_type="multipart/form-data")
    assert response.headers["Location"] == f"/applications/{application.id}/documents"
    assert application.answers("extra-1") == {
        q[QuestionKind.short_text]: "Short answer",
        q[QuestionKind.long_text]: "Just four words here", q[QuestionKind.single_choice]: "b",
        q[QuestionKind.multiple_choice]: ["a", "c"], q[QuestionKind.yes_no]: False,
        q[QuestionKind.number]: 12, q[QuestionKind.date]: "2021-03-04"}
    html = client.get(_url(application)).get_data(as_text=True)
    assert 'value="Short answer"' in html and "\nJust four words here</textarea>" in html
    assert re.search(r'checked[^>]*value="b"|value="b"[^>]*checked', html)
    assert 'value="12"' in html and 'value="2021-03-04"' in html
    document = application.documents_of(DocumentKind.answer)[0]
    download = f"/applications/{application.id}/documents/{document.id}"
    assert f'href="{download}">plan.pdf</a>' in html
    assert client.get(download).data == PDF_BYTES
    check = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    for text in ("Short answer", "Trade facilitation", "Risk management; Enforcement",
                 "March 4, 2021", "plan.pdf"):
        assert text in check, text


def test_format_errors_are_shown_beside_their_fields_and_nothing_is_lost(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    questions = one_of_each(call)
    application = create_application(call=call)
    login_as(application.applicant)
    q = {kind: question.answer_key for kind, question in questions.items()}
    response = forms.post(_url(application), {
        "version": "0", q[QuestionKind.short_text]: "Kept text",
        q[QuestionKind.long_text]: "one two three four five six",
        q[QuestionKind.single_choice]: "zzz", q[QuestionKind.number]: "99",
        q[QuestionKind.date]: "31.02.2021"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert {kind: _error(html, name) for kind, name in q.items() if _error(html, name)} == {
        QuestionKind.long_text: "At most 5 words, please: this text has 6.",
        QuestionKind.single_choice: "Not a valid choice.",
        QuestionKind.number: "Enter a whole number from 0 to 40.",
        QuestionKind.date: "Not a valid date value."}
    assert 'value="Kept text"' in html and "one two three four five six</textarea>" in html
    assert 'value="99"' in html and 'value="31.02.2021"' in html
    assert f'href="#{q[QuestionKind.number]}"' in html  # the summary links to the field
    assert application.section("extra-1") is None  # nothing stored from a page with errors


def test_format_errors_are_in_russian_for_a_russian_applicant(
        client, forms, login_as, create_application, create_call, create_user):
    call = create_call()
    questions = one_of_each(call)
    application = create_application(call=call, applicant=create_user(language="ru"))
    login_as(application.applicant)
    q = {kind: question.answer_key for kind, question in questions.items()}
    html = forms.post(_url(application), {
        "version": "0", q[QuestionKind.long_text]: "один два три четыре пять шесть",
        q[QuestionKind.number]: "99", q[QuestionKind.single_choice]: "zzz",
        q[QuestionKind.date]: "31.02.2021"}).get_data(as_text=True)
    assert {kind: _error(html, name) for kind, name in q.items() if _error(html, name)} == {
        QuestionKind.long_text: "Допускается не более 5 слов, а в тексте их 6.",
        QuestionKind.single_choice: "Неверный вариант.",
        QuestionKind.number: "Введите целое число от 0 до 40.",
        QuestionKind.date: "Неверное значение даты."}
    assert "один два три четыре пять шесть" in html
    assert "Подсказка: number" in html and "Стаж в таможенных органах" in html


def test_a_wrong_file_is_refused_beside_its_field_and_the_other_answers_are_saved(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    text = add_question(call, QuestionKind.short_text)
    question = add_question(call, QuestionKind.file)
    application = create_application(call=call)
    login_as(application.applicant)
    response = forms.post(_url(application), {
        "version": "0", text.answer_key: "Not lost",
        question.answer_key: (io.BytesIO(PNG_BYTES), "photo.pdf")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _error(html, question.answer_key) == (
        "This file is not of a type this question accepts (PDF), judged by its content, not "
        "its name.")
    assert 'value="Not lost"' in html
    assert application.answers("extra-1") == {text.answer_key: "Not lost"}
    # The page carries the new version: saving again from it is not stale.
    response = forms.post(_url(application), {
        "version": str(application.section("extra-1").version), text.answer_key: "Again",
        question.answer_key: (io.BytesIO(PDF_BYTES), "plan.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert application.answers("extra-1") == {text.answer_key: "Again"}


def test_a_file_answer_is_removed_from_its_section_page(client, forms, login_as, db,
                                                       create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.file, required=True)
    application = create_application(call=call)
    login_as(application.applicant)
    forms.post(_url(application), {"version": "0", question.answer_key: (
        io.BytesIO(PDF_BYTES), "plan.pdf")}, content_type="multipart/form-data")
    document = db.session.scalar(sa.select(Document))
    remove = f"/applications/{application.id}/documents/{document.id}/remove"
    assert f'href="{remove}"' in client.get(_url(application)).get_data(as_text=True)
    page = client.get(remove).get_data(as_text=True)
    assert "This document is required" in page and f'href="{_url(application)}"' in page
    assert forms.post(remove, {}).headers["Location"] == _url(application)
    assert db.session.scalar(sa.select(Document)) is None
    html = client.get(_url(application)).get_data(as_text=True)
    assert _note(html, question.answer_key) == \
        "Required before you can submit: not answered yet."


def test_a_required_choice_left_empty_is_marked_after_a_save(client, forms, login_as,
                                                            create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.single_choice, required=True)
    other = add_question(call, QuestionKind.short_text)
    application = create_application(call=call)
    login_as(application.applicant)
    response = forms.post(_url(application), {"version": "0", other.answer_key: "x"},
                          follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved as a draft. Before you can submit, please also fill in: Question " \
           "single_choice." in html
    assert _note(html, question.answer_key) == \
        "Required before you can submit: not answered yet."
    assert re.search(rf'id="{question.answer_key}"[^>]*aria-describedby="[^"]*'
                     rf'{question.answer_key}-note', html)


def test_a_broken_rule_is_shown_on_save_on_the_check_page_and_refuses_submission(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.number, rule_operator=RuleOperator.at_least,
                            rule_value=3, text_en="Years in customs service")
    application = create_application(call=call, complete=True)
    login_as(application.applicant)
    response = forms.post(_url(application), {"version": "0", question.answer_key: "2"},
                          follow_redirects=True)
    html = response.get_data(as_text=True)
    why = ("Your answer to «Years in customs service» does not meet this call&#39;s "
           "eligibility rule (the answer must be at least 3), so the application cannot be "
           "submitted.")
    assert _note(html, question.answer_key, "rule") == why
    assert f'<li><a class="alert-link" href="#{question.answer_key}">{why}</a></li>' in html
    check = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert f"<li>{why}</li>" in check
    submit = forms.post(f"/applications/{application.id}/submit", {"declaration": "y"},
                        page=f"/applications/{application.id}/check")
    html = submit.get_data(as_text=True)
    assert "The application cannot be submitted: your answers do not meet this call&#39;s " \
           "eligibility rules." in html
    assert application.reference is None
    forms.post(_url(application), {"version": "1", question.answer_key: "3"})
    submit = forms.post(f"/applications/{application.id}/submit", {"declaration": "y"},
                        page=f"/applications/{application.id}/check")
    assert submit.status_code == 302


def test_a_section_the_call_does_not_have_is_404(client, login_as, create_application,
                                                create_call):
    call = create_call(form_settings={name: "hidden" for name in (
        "nominator_name", "nominator_title", "nominator_email")})
    application = create_application(call=call)
    login_as(application.applicant)
    assert client.get(_url(application, "nomination")).status_code == 404
    assert client.get(_url(application, "extra-9")).status_code == 404
    overview = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Sections complete: 0 of 5" in overview


def test_hidden_built_in_answers_are_not_asked(client, login_as, create_application,
                                              create_call):
    call = create_call(form_settings={"department": "hidden", "certificate": "hidden"})
    application = create_application(call=call)
    login_as(application.applicant)
    html = client.get(_url(application, "professional")).get_data(as_text=True)
    assert 'name="department"' not in html and 'name="position"' in html
    documents = client.get(f"/applications/{application.id}/documents").get_data(as_text=True)
    assert 'id="heading-certificate"' not in documents and 'id="heading-cv"' in documents


def test_a_broken_rule_and_a_refused_file_are_said_in_russian(
        client, forms, login_as, create_application, create_call, create_user):
    call = create_call()
    rule = add_question(call, QuestionKind.yes_no, rule_operator=RuleOperator.equals,
                        rule_value=False, text_ru="Были ли вы стипендиатом раньше?")
    question = add_question(call, QuestionKind.file)
    application = create_application(call=call, applicant=create_user(language="ru"))
    login_as(application.applicant)
    html = forms.post(_url(application), {
        "version": "0", rule.answer_key: "yes",
        question.answer_key: (io.BytesIO(PNG_BYTES), "photo.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert _error(html, question.answer_key) == (
        "Файл этого типа нельзя приложить к ответу на вопрос (допускаются: PDF; проверяется "
        "содержимое файла, а не его имя).")
    assert "Ответы сохранены, но файл не принят: причина указана ниже." in html
    assert _note(html, rule.answer_key, "rule") == (
        "Ваш ответ на вопрос «Были ли вы стипендиатом раньше?» не соответствует условию "
        "допуска этого конкурса (ответ должен быть «Нет»), поэтому заявку нельзя подать.")
    assert application.answers("extra-1") == {rule.answer_key: True}


def test_a_file_sent_with_a_format_error_elsewhere_is_asked_for_again(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    number = add_question(call, QuestionKind.number, min_value=0, max_value=10)
    question = add_question(call, QuestionKind.file)
    application = create_application(call=call)
    login_as(application.applicant)
    html = forms.post(_url(application), {
        "version": "0", number.answer_key: "11",
        question.answer_key: (io.BytesIO(PDF_BYTES), "plan.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert _error(html, question.answer_key) == (
        "The file was not uploaded because the page could not be saved: choose it again.")
    assert application.documents == []


def test_choices_the_page_did_not_ask_keep_their_answer_and_cleared_ones_clear(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    choice = add_question(call, QuestionKind.multiple_choice)
    text = add_question(call, QuestionKind.short_text)
    application = create_application(call=call)
    login_as(application.applicant)
    forms.post(_url(application), {"version": "0", choice.answer_key: ["a"],
                                   text.answer_key: "Stored"})
    page = client.get(_url(application)).get_data(as_text=True)
    assert re.findall(r'name="asked" type="hidden" value="(q\d+)"|'
                      r'type="hidden" name="asked" value="(q\d+)"', page) == [
        ("", choice.answer_key), ("", text.answer_key)]
    # A page loaded before the choices were asked: it sends neither them nor their name.
    forms.post(_url(application), {"version": "1", "asked": [text.answer_key],
                                   text.answer_key: "Changed"})
    assert application.answers("extra-1") == {choice.answer_key: ["a"],
                                              text.answer_key: "Changed"}
    # A page that asked them, with every box unticked: the choice is cleared.
    forms.post(_url(application), {"version": "2", "asked": [choice.answer_key,
                                                             text.answer_key],
                                   text.answer_key: "Changed"})
    assert application.answers("extra-1") == {choice.answer_key: [],
                                              text.answer_key: "Changed"}


def test_a_stale_page_shows_the_other_windows_answers_as_people_read_them(
        client, forms, login_as, create_application, create_call):
    call = create_call()
    choice = add_question(call, QuestionKind.single_choice, text_en="Your theme")
    application = create_application(call=call)
    login_as(application.applicant)
    forms.post(_url(application), {"version": "0", choice.answer_key: "b"})
    html = forms.post(_url(application), {"version": "0", choice.answer_key: "c"}).get_data(
        as_text=True)
    assert "changed in another window or tab" in html
    saved = re.search(r"<details.*?</details>", html, re.S).group(0)
    assert re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", saved) == [
        ("Your theme", "Trade facilitation")]
    assert application.answers("extra-1") == {choice.answer_key: "b"}


def test_the_documents_page_refuses_a_kind_the_call_hides_and_answers_of_questions(
        client, forms, login_as, create_application, create_call):
    call = create_call(form_settings={"certificate": "hidden"})
    application = create_application(call=call)
    login_as(application.applicant)
    url = f"/applications/{application.id}/documents"
    response = forms.post(url, {"kind": "certificate",
                                "file": (io.BytesIO(PDF_BYTES), "certificate.pdf")},
                          content_type="multipart/form-data")
    assert "This call does not ask for this document." in response.get_data(as_text=True)
    response = forms.post(url, {"kind": "answer", "file": (io.BytesIO(PDF_BYTES), "a.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    assert application.documents == []


def test_the_coordinator_sees_every_answer_and_the_rule_an_application_breaks(
        client, login_as, create_application, create_call, create_user, db):
    call = create_call()
    question = add_question(call, QuestionKind.number, text_en="Years in customs service")
    text = add_question(call, QuestionKind.long_text, section="motivation",
                        text_en="Your best case")
    application = create_application(call=call, complete=True)
    services.save_section(application, "extra-1", answers={question.answer_key: 2},
                          expected_version=0, now=utcnow())
    services.save_section(application, "motivation", answers={text.answer_key: "A seizure"},
                          expected_version=application.section("motivation").version,
                          now=utcnow())
    services.submit_application(application, actor=application.applicant, now=utcnow())
    # A rule set once the application was in (the coordinators read which one it breaks).
    question.rule_operator, question.rule_value = RuleOperator.at_least, 3
    db.session.commit()
    login_as(create_user(roles=("coordinator",)))
    html = client.get(f"/manage/applications/{application.id}").get_data(as_text=True)
    assert "<li>«Years in customs service» at least 3</li>" in html
    rows = re.findall(r'<dt class="col-sm-4">(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>', html)
    assert ("Years in customs service", "2") in rows and ("Your best case", "A seizure") in rows
