"""The completeness gate: a call does not open while a text of its form is missing in one
language or a rule is unsound (calls.services.missing_for_opening, through the signal)."""

import pytest
from flask_babel import force_locale

from portal.callforms import gate, services
from portal.calls import services as call_services
from portal.calls.models import CallState
from portal.database import utcnow
from tests.callforms.conftest import question_data


def _missing(call) -> list[str]:
    return [str(problem) for problem in call_services.missing_for_opening(call, utcnow())]


def test_a_complete_form_adds_nothing(db, draft_call, add_question):
    for kind in ("short_text", "single_choice", "number", "file"):
        add_question(draft_call, kind, help_en="Help", help_ru="Помощь")
    assert _missing(draft_call) == []


def test_a_missing_russian_choice_stops_opening_until_it_is_given(db, draft_call, add_question):
    add_question(draft_call, "yes_no")
    rows = question_data("single_choice")["choices"]
    rows[2]["ru"] = ""
    theme = add_question(draft_call, "single_choice", choices=rows)
    assert _missing(draft_call) == ["Question 2: choice 3 is missing in Russian."]
    with pytest.raises(call_services.CallError) as refused:
        call_services.open_call(draft_call, actor=None, now=utcnow())
    assert [str(p) for p in refused.value.problems] == [
        "Question 2: choice 3 is missing in Russian."]
    rows = [dict(c) for c in theme.choices]
    rows[2]["ru"] = "Транзит"
    services.save_question(draft_call, theme, actor=None, expected_version=theme.version,
                           data=question_data("single_choice", choices=rows))
    call_services.open_call(draft_call, actor=None, now=utcnow())
    assert draft_call.state == CallState.open


def test_questions_are_numbered_in_form_order_and_each_language_is_named(db, draft_call,
                                                                         add_question):
    add_question(draft_call, section_key="motivation", text_ru="", help_en="Say why")
    add_question(draft_call, section_key="personal", text_en="")
    add_question(draft_call, "number", rule_operator="at_least", rule_number=3,
                 rule_message_ru="Нужно три года")
    assert _missing(draft_call) == [
        "Question 1: the question is missing in English.",
        "Question 2: the eligibility rule's message is missing in English.",
        "Question 3: the question is missing in Russian.",
        "Question 3: the help text is missing in Russian.",
    ]


def test_retired_questions_do_not_count_and_unsound_rules_do(db, draft_call, add_question):
    retired = add_question(draft_call, text_ru="")
    retired.retired_at = utcnow()
    theme = add_question(draft_call, "single_choice", rule_operator="one_of",
                         choices=[{**c, "in_rule": True} for c in
                                  question_data("single_choice")["choices"]])
    theme.rule_value = ["c1", "gone"]  # as a script might leave it
    db.session.commit()
    assert _missing(draft_call) == [
        "Question 1: The rule names a choice the question does not have."]


def test_own_sections_need_their_title_and_introduction_in_both_languages(db, draft_call):
    services.add_section(draft_call, actor=None, data={"title_en": "Themes", "title_ru": "",
                                                       "intro_en": "", "intro_ru": "Вводный"})
    assert _missing(draft_call) == ["Own section 1: the title is missing in Russian.",
                                    "Own section 1: the introduction is missing in English."]


def test_the_messages_are_in_the_coordinators_language(db, app, draft_call, add_question):
    add_question(draft_call, text_ru="")
    with app.test_request_context(), force_locale("ru"):
        assert [str(p) for p in gate.opening_problems(draft_call)] == [
            "Вопрос 1: нет текста вопроса на русском языке."]
