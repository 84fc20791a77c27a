"""Eligibility rules (portal/questions/rules.py): each operator on the kinds that may use it,
a rule refused as unsound, and what the applicant and the coordinators read."""

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.questions import rules
from portal.questions.models import Question, QuestionKind, RuleOperator

CHOICES = [{"key": "a", "en": "Trade facilitation", "ru": "Упрощение торговли"},
           {"key": "b", "en": "Risk management", "ru": "Управление рисками"},
           {"key": "c", "en": "Customs laboratories", "ru": "Таможенные лаборатории"}]
KEYS = [choice["key"] for choice in CHOICES]
AT_LEAST, AT_MOST, EQUALS = RuleOperator.at_least, RuleOperator.at_most, RuleOperator.equals
ONE_OF, NONE_OF = RuleOperator.one_of, RuleOperator.none_of


def ruled(kind, operator, value, **fields):
    return Question(kind=kind, rule_operator=operator, rule_value=value, choices=CHOICES,
                    text_en=fields.pop("text_en", "Years in customs service"),
                    text_ru=fields.pop("text_ru", "Стаж в таможенной службе"), **fields)


# --- numbers ------------------------------------------------------------------------------------

@given(n=st.integers(), bound=st.integers())
def test_at_least_passes_iff_the_number_is_at_least_the_bound(n, bound):
    assert rules.rule_passes(ruled(QuestionKind.number, AT_LEAST, bound), n) == (n >= bound)


@given(n=st.integers(), bound=st.integers())
def test_at_most_passes_iff_the_number_is_at_most_the_bound(n, bound):
    assert rules.rule_passes(ruled(QuestionKind.number, AT_MOST, bound), n) == (n <= bound)


@given(n=st.integers(min_value=-5, max_value=5), bound=st.integers(min_value=-5, max_value=5))
def test_equals_passes_iff_the_number_is_the_value(n, bound):
    assert rules.rule_passes(ruled(QuestionKind.number, EQUALS, bound), n) == (n == bound)


@pytest.mark.parametrize("operator,n,passes", [
    (AT_LEAST, 2, False), (AT_LEAST, 3, True), (AT_LEAST, 4, True),
    (AT_MOST, 2, True), (AT_MOST, 3, True), (AT_MOST, 4, False),
    (EQUALS, 2, False), (EQUALS, 3, True), (EQUALS, 4, False),
])
def test_number_rules_at_the_edge(operator, n, passes):
    assert rules.rule_passes(ruled(QuestionKind.number, operator, 3), n) is passes


# --- yes/no -------------------------------------------------------------------------------------

@given(answer=st.booleans(), eligible=st.booleans())
def test_yes_no_equals_passes_iff_the_answer_is_the_eligible_one(answer, eligible):
    assert rules.rule_passes(ruled(QuestionKind.yes_no, EQUALS, eligible), answer) == (
        answer == eligible)


# --- choices ------------------------------------------------------------------------------------

@given(answer=st.sampled_from(KEYS), listed=st.sets(st.sampled_from(KEYS), min_size=1))
def test_one_of_and_none_of_on_one_choice_agree_with_membership(answer, listed):
    assert rules.rule_passes(ruled(QuestionKind.single_choice, ONE_OF, sorted(listed)),
                             answer) == (answer in listed)
    assert rules.rule_passes(ruled(QuestionKind.single_choice, NONE_OF, sorted(listed)),
                             answer) == (answer not in listed)


@given(chosen=st.sets(st.sampled_from(KEYS), min_size=1),
       listed=st.sets(st.sampled_from(KEYS), min_size=1))
def test_one_of_and_none_of_on_several_choices_agree_with_set_logic(chosen, listed):
    answer = [key for key in KEYS if key in chosen]
    assert rules.rule_passes(ruled(QuestionKind.multiple_choice, ONE_OF, sorted(listed)),
                             answer) == bool(chosen & listed)
    assert rules.rule_passes(ruled(QuestionKind.multiple_choice, NONE_OF, sorted(listed)),
                             answer) == chosen.isdisjoint(listed)


# --- no answer, no rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind,operator,value", [
    (QuestionKind.number, AT_LEAST, 3), (QuestionKind.number, AT_MOST, 3),
    (QuestionKind.number, EQUALS, 3), (QuestionKind.yes_no, EQUALS, False),
    (QuestionKind.single_choice, ONE_OF, ["a"]), (QuestionKind.single_choice, NONE_OF, ["a"]),
    (QuestionKind.multiple_choice, ONE_OF, ["a"]), (QuestionKind.multiple_choice, NONE_OF, ["a"]),
])
@pytest.mark.parametrize("missing", [None, "", []])
def test_a_missing_answer_breaks_no_rule(kind, operator, value, missing):
    assert rules.rule_passes(ruled(kind, operator, value), missing) is True


@pytest.mark.parametrize("kind,answer", [(QuestionKind.number, 0), (QuestionKind.yes_no, False),
                                         (QuestionKind.single_choice, "a")])
def test_a_question_without_a_rule_takes_any_answer(kind, answer):
    assert rules.rule_passes(ruled(kind, None, None), answer) is True


def test_zero_and_no_are_answers_that_a_rule_judges():
    assert rules.rule_passes(ruled(QuestionKind.number, AT_LEAST, 1), 0) is False
    assert rules.rule_passes(ruled(QuestionKind.yes_no, EQUALS, True), False) is False


# --- rules as a coordinator writes them ------------------------------------------------------------

@pytest.mark.parametrize("kind,operator,value", [
    (QuestionKind.number, AT_LEAST, 3), (QuestionKind.number, AT_MOST, -1),
    (QuestionKind.number, EQUALS, 0), (QuestionKind.yes_no, EQUALS, True),
    (QuestionKind.yes_no, EQUALS, False), (QuestionKind.single_choice, ONE_OF, ["a", "b"]),
    (QuestionKind.single_choice, NONE_OF, ["c"]), (QuestionKind.multiple_choice, ONE_OF, KEYS),
    (QuestionKind.multiple_choice, NONE_OF, ["b"]), (QuestionKind.short_text, None, None),
])
def test_rule_problems_of_a_sound_rule_are_none(app, kind, operator, value):
    assert rules.rule_problems(kind, operator, value, KEYS) == []


@pytest.mark.parametrize("kind,operator,value,problem", [
    (QuestionKind.short_text, EQUALS, "x", "This kind of question cannot have that rule."),
    (QuestionKind.long_text, ONE_OF, ["a"], "This kind of question cannot have that rule."),
    (QuestionKind.date, AT_LEAST, 3, "This kind of question cannot have that rule."),
    (QuestionKind.file, EQUALS, True, "This kind of question cannot have that rule."),
    (QuestionKind.yes_no, AT_LEAST, 1, "This kind of question cannot have that rule."),
    (QuestionKind.number, ONE_OF, ["a"], "This kind of question cannot have that rule."),
    (QuestionKind.single_choice, AT_MOST, 2, "This kind of question cannot have that rule."),
    (QuestionKind.number, AT_LEAST, None, "Give the rule a whole number."),
    (QuestionKind.number, AT_LEAST, "3", "Give the rule a whole number."),
    (QuestionKind.number, AT_MOST, 2.5, "Give the rule a whole number."),
    (QuestionKind.number, EQUALS, True, "Give the rule a whole number."),
    (QuestionKind.yes_no, EQUALS, "no",
     "Say which answer, yes or no, makes an applicant eligible."),
    (QuestionKind.yes_no, EQUALS, None,
     "Say which answer, yes or no, makes an applicant eligible."),
    (QuestionKind.single_choice, ONE_OF, [], "Tick at least one choice for the rule."),
    (QuestionKind.multiple_choice, NONE_OF, None, "Tick at least one choice for the rule."),
    (QuestionKind.multiple_choice, ONE_OF, "a", "Tick at least one choice for the rule."),
    (QuestionKind.single_choice, NONE_OF, ["a", "z"],
     "The rule names a choice the question does not have."),
])
def test_rule_problems_refuse_an_unsound_rule(app, kind, operator, value, problem):
    with app.test_request_context():
        assert [str(p) for p in rules.rule_problems(kind, operator, value, KEYS)] == [problem]


def test_rule_problems_in_russian(app):
    with app.test_request_context(), force_locale("ru"):
        assert [str(p) for p in rules.rule_problems(QuestionKind.number, AT_LEAST, None, KEYS)
                ] == ["Укажите в условии целое число."]


# --- what people read ---------------------------------------------------------------------------

def read(app, function, *args, locale):
    with app.test_request_context(), force_locale(locale):
        return function(*args, locale)


def test_rule_failure_is_none_when_the_answer_passes(app):
    assert read(app, rules.rule_failure, ruled(QuestionKind.number, AT_LEAST, 3), 3,
                locale="en") is None


@pytest.mark.parametrize("kind,operator,value,answer,english,russian", [
    (QuestionKind.number, AT_LEAST, 3, 2,
     "the answer must be at least 3", "ответ должен быть не меньше 3"),
    (QuestionKind.number, AT_MOST, 3, 4,
     "the answer must be at most 3", "ответ должен быть не больше 3"),
    (QuestionKind.number, EQUALS, 3, 4, "the answer must be 3", "ответ должен быть равен 3"),
    (QuestionKind.yes_no, EQUALS, False, True,
     "the answer must be «No»", "ответ должен быть «Нет»"),
    (QuestionKind.single_choice, ONE_OF, ["a", "b"], "c",
     "the answer must include one of «Trade facilitation», «Risk management»",
     "в ответе должен быть один из вариантов: «Упрощение торговли», «Управление рисками»"),
    (QuestionKind.multiple_choice, NONE_OF, ["c"], ["a", "c"],
     "the answer must not include «Customs laboratories»",
     "в ответе не должно быть ни одного из вариантов: «Таможенные лаборатории»"),
])
def test_rule_failure_says_why_in_english_and_russian(app, kind, operator, value, answer,
                                                      english, russian):
    q = ruled(kind, operator, value)
    assert read(app, rules.rule_failure, q, answer, locale="en") == (
        "Your answer to «Years in customs service» does not meet this call's eligibility "
        f"rule ({english}), so the application cannot be submitted.")
    assert read(app, rules.rule_failure, q, answer, locale="ru") == (
        "Ваш ответ на вопрос «Стаж в таможенной службе» не соответствует условию допуска "
        f"этого конкурса ({russian}), поэтому заявку нельзя подать.")


def test_rule_failure_prefers_the_coordinators_own_message_in_the_language(app):
    q = ruled(QuestionKind.yes_no, EQUALS, False, rule_message_en="Former fellows may not apply.",
              rule_message_ru="Бывшие стажёры не могут подать заявку.")
    assert read(app, rules.rule_failure, q, True, locale="en") == "Former fellows may not apply."
    assert read(app, rules.rule_failure, q, True, locale="ru") == (
        "Бывшие стажёры не могут подать заявку.")


def test_rule_failure_with_a_message_in_one_language_only_uses_it_in_both(app):
    q = ruled(QuestionKind.number, AT_LEAST, 3, rule_message_en="Three years at least.")
    assert read(app, rules.rule_failure, q, 1, locale="ru") == "Three years at least."


@pytest.mark.parametrize("kind,operator,value,english,russian", [
    (QuestionKind.number, AT_LEAST, 3, "«Years in customs service» at least 3",
     "«Стаж в таможенной службе» не меньше 3"),
    (QuestionKind.yes_no, EQUALS, False, "«Years in customs service» equal to No",
     "«Стаж в таможенной службе» равно Нет"),
    (QuestionKind.multiple_choice, ONE_OF, ["a", "c"],
     "«Years in customs service» one of Trade facilitation, Customs laboratories",
     "«Стаж в таможенной службе» один из Упрощение торговли, Таможенные лаборатории"),
])
def test_rule_text_for_the_coordinators(app, kind, operator, value, english, russian):
    q = ruled(kind, operator, value)
    assert read(app, rules.rule_text, q, locale="en") == english
    assert read(app, rules.rule_text, q, locale="ru") == russian


def test_rule_text_of_a_question_without_a_rule_is_empty(app):
    assert read(app, rules.rule_text, ruled(QuestionKind.number, None, None), locale="en") == ""


@given(n=st.integers(min_value=-50, max_value=50), bound=st.integers(min_value=-50, max_value=50),
       operator=st.sampled_from([AT_LEAST, AT_MOST, EQUALS]))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_rule_failure_speaks_exactly_when_the_rule_is_broken(app, n, bound, operator):
    q = ruled(QuestionKind.number, operator, bound)
    with app.test_request_context(), force_locale("ru"):
        failure = rules.rule_failure(q, n, "ru")
    assert (failure is None) == rules.rule_passes(q, n)
    if failure is not None:
        assert "Стаж в таможенной службе" in failure and str(bound) in failure
