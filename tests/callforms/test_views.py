"""The form builder's pages through the test client."""

import html
import re

import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.questions.models import Question, QuestionKind
from tests.callforms.conftest import question_data


def _main(response) -> str:
    return response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]


def _summary(page: str) -> list[str]:
    """The error summary's links, as "#field-id Label: message"."""
    box = re.search(r"data-error-summary>(.*?)</div>", page, re.S).group(1)
    return [f"{href} {html.unescape(text)}" for href, text in
            re.findall(r'<a [^>]*href="(#[^"]+)"[^>]*>(.*?)</a>', box, re.S)]


def _flashes(page: str) -> list[str]:
    return [html.unescape(m.strip()) for m in
            re.findall(r'<div class="alert alert-\w+[^"]*" role="(?:alert|status)">\s*(.*?)\s*<',
                       page, re.S)]


def _question_form(kind, **overrides) -> dict:
    """What the browser sends for the builder's form."""
    data = {key: value for key, value in question_data(kind).items()
            if key != "choices" and value not in (None, False, "")}
    data = {key: ("y" if value is True else value) for key, value in data.items()}
    for index, choice in enumerate(question_data(kind).get("choices", [])):
        data[f"choices-{index}-en"], data[f"choices-{index}-ru"] = choice["en"], choice["ru"]
    data.update(overrides)
    return data


def test_form_page_lists_sections_and_questions_with_their_settings(client, coordinator,
                                                                   draft_call, add_question,
                                                                   db):
    add_question(draft_call, "number", rule_operator="at_least", rule_number=3,
                 text_en="Years in customs service")
    retired = add_question(draft_call, section_key="motivation", text_en="Old question")
    retired.retired_at = retired.created_at
    db.session.commit()
    page = _main(client.get(f"/manage/calls/{draft_call.id}/form"))
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr id="question-\d+".*?</tr>', page, re.S)]
    assert [row.split(" Edit")[0] for row in rows] == [
        "1 Years in customs service Whole number in a range yes no "
        "«Years in customs service» at least 3",
        "— Old question retired Short text yes no —",
    ]
    assert "Ask again" in rows[1]
    assert page.count('<h2 class="h4"') == 5  # the built-in sections


def test_adding_a_choice_question_through_the_pages(client, coordinator, draft_call, forms, db):
    chooser = _main(client.get(f"/manage/calls/{draft_call.id}/form/questions/new?section=languages"))
    assert '<legend class="form-label fs-6">Kind of answer</legend>' in chooser
    url = f"/manage/calls/{draft_call.id}/form/questions/new?section=languages&kind=single_choice"
    page = _main(client.get(url))
    assert page.count('name="choices-') == 4 * 4  # four empty rows: key, en, ru, rule
    response = forms.post(url, _question_form("single_choice", section_key="languages",
                                              rule_operator="none_of",
                                              **{"choices-2-in_rule": "y"}))
    assert response.status_code == 302
    question = db.session.scalars(sa.select(Question)).one()
    assert (question.section_key, question.choices[2], question.rule_value,
            question.blind_visible) == (
        "languages", {"key": "c3", "en": "Transit", "ru": "Транзит"}, ["c3"], False)


def test_a_refused_question_is_shown_again_with_the_entries_and_a_summary(client, coordinator,
                                                                         draft_call, forms):
    url = f"/manage/calls/{draft_call.id}/form/questions/new?section=professional&kind=number"
    response = forms.post(url, _question_form("number", min_value="10", max_value="5",
                                              text_ru="Годы службы", rule_operator="at_least"))
    page = _main(response)
    assert _summary(page) == [
        "#max_value Largest number allowed (optional): "
        "The largest number must not be below the smallest.",
        "#rule_number Number in the rule: Give the rule a whole number.",
    ]
    assert 'value="Годы службы"' in page and 'value="10"' in page


def test_a_rule_without_ticked_choices_is_refused_beside_the_choices(client, coordinator,
                                                                     draft_call, forms):
    url = f"/manage/calls/{draft_call.id}/form/questions/new?section=professional&kind=multiple_choice"
    page = _main(forms.post(url, _question_form("multiple_choice", rule_operator="one_of")))
    assert _summary(page) == ["#choices-fieldset Choices: Tick at least one choice for the rule."]
    assert 'id="choices-fieldset-error"' in page


def test_an_edit_saved_meanwhile_by_someone_else_gets_its_own_message(client, coordinator,
                                                                      draft_call, add_question,
                                                                      forms, db):
    question = add_question(draft_call)
    url = f"/manage/calls/{draft_call.id}/form/questions/{question.id}"
    token = forms.token(url)
    question.text_en = "Changed by a colleague"
    db.session.commit()
    response = client.post(url, data={**_question_form("short_text", text_en="Mine"),
                                      "version": "1", "csrf_token": token})
    page = _main(response)
    assert "Someone else saved this question while you were editing it." in page
    assert 'value="Mine"' in page
    db.session.expire_all()
    assert db.session.get(Question, question.id).text_en == "Changed by a colleague"


def test_an_open_calls_question_offers_only_its_kind_and_choices(client, coordinator, make_call,
                                                                 add_question):
    call = make_call(CallState.open)
    question = add_question(call, "single_choice")
    page = _main(client.get(f"/manage/calls/{call.id}/form/questions/{question.id}"))
    kind_select = re.search(r'<select[^>]*id="kind".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]+)"', kind_select) == ["single_choice"]
    assert (page.count('name="choices-'), "Remove this choice" in page) == (3 * 4, False)


def test_move_and_remove_through_the_buttons(client, coordinator, make_call, add_question,
                                             create_application, forms, db):
    call = make_call(CallState.open)
    first, second = add_question(call), add_question(call)
    application = create_application(call=call, complete=True)
    section = application.section("professional")
    section.answers = {**section.answers, second.answer_key: "Risk"}
    db.session.commit()
    page = f"/manage/calls/{call.id}/form"
    assert forms.post(f"{page}/questions/{second.id}/move", {"direction": "up"},
                      page=page).status_code == 302
    response = forms.post(f"{page}/questions/{second.id}/remove", {}, page=page)
    flashes = _flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert flashes == ["The question has answers, so it has been retired: applicants are no "
                       "longer asked it, and the answers given are kept."]
    forms.post(f"{page}/questions/{first.id}/remove", {}, page=page)
    db.session.expire_all()
    remaining = db.session.scalars(sa.select(Question)).all()
    assert [(q.id, q.position, q.is_retired) for q in remaining] == [(second.id, 1, True)]
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("question.%")).order_by(AuditEvent.id)).all()
    assert actions == ["question.added", "question.added", "question.moved", "question.retired",
                       "question.deleted"]


def test_own_sections_through_the_pages(client, coordinator, draft_call, forms, db):
    url = f"/manage/calls/{draft_call.id}/form/sections/new"
    refused = _main(forms.post(url, {"title_en": "", "title_ru": ""}))
    assert _summary(refused) == [
        "#title_en Title (English): Give the section a title in at least one language."]
    assert forms.post(url, {"title_en": "Themes", "title_ru": "Темы"}).status_code == 302
    page = _main(client.get(f"/manage/calls/{draft_call.id}/form"))
    assert 'id="extra-1-heading">Themes' in page
    assert "Delete the section «Themes»" in page


def test_settings_page_saves_the_built_in_answers(client, coordinator, draft_call, forms, db):
    url = f"/manage/calls/{draft_call.id}/form/settings"
    page = _main(client.get(url))
    assert '<legend class="form-label fs-6">Telephone (with country code)</legend>' in page
    response = forms.post(url, {"phone": "optional", "certificate": "hidden",
                                "version": str(draft_call.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert draft_call.form_settings == {"phone": "optional", "certificate": "hidden"}


def test_the_gate_refuses_opening_on_the_calls_page(client, coordinator, draft_call,
                                                   add_question, forms):
    rows = question_data("single_choice")["choices"]
    rows[1]["ru"] = ""
    add_question(draft_call, "single_choice", choices=rows)
    page = _main(client.get(f"/manage/calls/{draft_call.id}"))
    assert re.findall(r"<li>(.*?)</li>", page.split('id="missing-for-opening"')[1])[0] == \
        "Question 1: choice 2 is missing in Russian."
    assert "The call&#39;s form" in page or "The call's form" in page


def test_preview_shows_the_form_in_each_language(client, coordinator, draft_call,
                                                 add_question):
    add_question(draft_call, "long_text", help_en="Half a page", help_ru="Полстраницы")
    add_question(draft_call, "yes_no", section_key="motivation", text_en="Former fellow?",
                 text_ru="Были ли вы стажёром?")
    russian = _main(client.get(f"/manage/calls/{draft_call.id}/form/preview/ru"))
    english = _main(client.get(f"/manage/calls/{draft_call.id}/form/preview/en"))
    body = russian.split('id="form-preview"')[1]
    assert ("Ваша тема" in body, "Полстраницы" in body, "Не более 200 слов." in body,
            "Были ли вы стажёром?" in body, "Личные данные" in body, "Документы" in body,
            "Your theme" in body) == (True, True, True, True, True, True, False)
    assert ("Your theme" in english, "Half a page" in english, "Former fellow?" in english) == (
        True, True, True)
    assert "<fieldset disabled>" in russian
    assert client.get(f"/manage/calls/{draft_call.id}/form/preview/de").status_code == 404


def test_a_question_of_another_call_is_not_found(client, coordinator, draft_call, make_call,
                                                 add_question):
    question = add_question(make_call())
    assert client.get(f"/manage/calls/{draft_call.id}/form/questions/{question.id}"
                      ).status_code == 404
    assert QuestionKind.short_text == question.kind


def test_a_question_turned_into_a_choice_question_is_offered_rows_for_its_choices(
        client, coordinator, draft_call, add_question, forms):
    question = add_question(draft_call)
    url = f"/manage/calls/{draft_call.id}/form/questions/{question.id}"
    page = _main(forms.post(url, {**_question_form("short_text"), "kind": "multiple_choice",
                                  "version": str(question.version)}))
    assert _summary(page) == ["#choices-fieldset Choices: Give at least two choices."]
    assert page.count('name="choices-') == 3 * 4


def test_a_choice_with_a_control_character_is_refused_beside_it(client, coordinator, draft_call,
                                                                forms):
    url = f"/manage/calls/{draft_call.id}/form/questions/new?section=professional&kind=single_choice"
    page = _main(forms.post(url, _question_form("single_choice", **{"choices-1-ru": "Ау\x07дит"})))
    assert _summary(page) == [
        "#choices-1-ru Choice 2, Russian: This field contains characters that are not allowed."]


def test_settings_saved_meanwhile_by_someone_else_get_their_own_message(client, coordinator,
                                                                        draft_call, forms, db):
    url = f"/manage/calls/{draft_call.id}/form/settings"
    old_version = draft_call.version
    draft_call.places = 5  # a colleague saves the call
    db.session.commit()
    page = _main(forms.post(url, {"phone": "optional", "version": str(old_version)}))
    assert "Someone else saved this call while you were editing it." in page
    assert re.search(r'checked[^>]*id="phone-1"|id="phone-1"[^>]*checked', page)
    db.session.expire_all()
    assert draft_call.form_settings == {}
