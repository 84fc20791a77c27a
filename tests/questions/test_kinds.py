"""Each kind of question in a form, in storage and on a page (portal/questions/kinds.py).

A question is built in memory (no row is needed), its field put in a form of its own and
validated inside a request, as a section page does; hypothesis varies the values where they
range.
"""

import string
from datetime import date

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portal.forms import PortalForm
from portal.questions import kinds
from portal.questions.models import SHORT_TEXT_LIMIT, Question, QuestionKind

CHOICES = [{"key": "a", "en": "Trade facilitation", "ru": "Упрощение торговли"},
           {"key": "b", "en": "Risk management", "ru": "Управление рисками"},
           {"key": "c", "en": "Customs laboratories", "ru": "Таможенные лаборатории"}]
KEYS = [choice["key"] for choice in CHOICES]
# Fixtures are the same for every example: each example opens a request of its own.
EXAMPLES = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def question(kind, **fields):
    fields.setdefault("text_en", "The question")
    fields.setdefault("text_ru", "Вопрос")
    return Question(kind=kind, **fields)


def validated(app, q, data, language="en"):
    """(valid, the field's errors as text, the field's data) for `data` posted as the answer."""
    with app.test_request_context(), force_locale(language):
        form_class = type("AnswerForm", (PortalForm,), {"answer": kinds.answer_field(q, language)})
        form = form_class(formdata=MultiDict(data), meta={"csrf": False})
        valid = form.validate()
        return valid, [str(e) for e in form.answer.errors], form.answer.data


def answer(value):
    return [("answer", value)] if isinstance(value, str) else [("answer", v) for v in value]


# --- the fields --------------------------------------------------------------------------------

def test_answer_field_is_labelled_in_the_language_with_its_help(app):
    q = question(QuestionKind.short_text, help_en="As in your passport", help_ru="Как в паспорте")
    with app.test_request_context():
        form_class = type("AnswerForm", (PortalForm,), {"answer": kinds.answer_field(q, "ru")})
        field = form_class(meta={"csrf": False}).answer
        assert (field.label.text, field.description) == ("Вопрос", "Как в паспорте")


def test_short_text_at_its_limit_passes_and_one_character_over_fails(app):
    q = question(QuestionKind.short_text)
    assert validated(app, q, answer("x" * SHORT_TEXT_LIMIT))[:2] == (True, [])
    assert validated(app, q, answer("x" * (SHORT_TEXT_LIMIT + 1)))[:2] == (
        False, ["At most 300 characters."])


@pytest.mark.parametrize("limit", [1, 5, 250])
def test_long_text_at_its_word_limit_passes_and_one_word_over_fails(app, limit):
    q = question(QuestionKind.long_text, word_limit=limit)
    assert validated(app, q, answer(" ".join(["word"] * limit)))[:2] == (True, [])
    words = "At most %d word, please: this text has %d." if limit == 1 else \
        "At most %d words, please: this text has %d."
    assert validated(app, q, answer(" ".join(["word"] * (limit + 1))))[:2] == (
        False, [words % (limit, limit + 1)])


def test_long_text_too_long_is_refused_in_russian_with_the_right_plural(app):
    q = question(QuestionKind.long_text, word_limit=5)
    assert validated(app, q, answer("раз два три четыре пять шесть"), "ru")[:2] == (
        False, ["Допускается не более 5 слов, а в тексте их 6."])


def test_long_text_without_a_limit_of_its_own_has_the_default(app):
    q = question(QuestionKind.long_text)
    words = kinds.DEFAULT_WORD_LIMIT
    assert validated(app, q, answer(" ".join(["w"] * words)))[0] is True
    assert validated(app, q, answer(" ".join(["w"] * (words + 1))))[0] is False


def test_long_text_of_one_enormous_word_is_refused_by_its_size(app):
    q = question(QuestionKind.long_text, word_limit=10)
    valid, errors, _ = validated(app, q, answer("x" * 201))
    assert (valid, errors) == (False, ["At most 200 characters."])


@given(n=st.integers(min_value=-1000, max_value=1000),
       low=st.one_of(st.none(), st.integers(min_value=-100, max_value=100)),
       span=st.one_of(st.none(), st.integers(min_value=0, max_value=100)))
@EXAMPLES
def test_number_passes_iff_within_its_range(app, n, low, span):
    high = None if span is None else (low or 0) + span
    q = question(QuestionKind.number, min_value=low, max_value=high)
    within = (low is None or n >= low) and (high is None or n <= high)
    valid, errors, data = validated(app, q, answer(str(n)))
    assert (valid, data) == (within, n)
    assert len(errors) == (0 if within else 1)


@pytest.mark.parametrize("low,high,n,message", [
    (0, 10, -1, "Enter a whole number from 0 to 10."),
    (0, 10, 11, "Enter a whole number from 0 to 10."),
    (3, None, 2, "Enter a whole number of at least 3."),
    (None, 5, 6, "Enter a whole number of at most 5."),
])
def test_number_out_of_range_says_the_range_given(app, low, high, n, message):
    q = question(QuestionKind.number, min_value=low, max_value=high)
    assert validated(app, q, answer(str(n)))[:2] == (False, [message])


def test_number_edges_of_the_range_pass(app):
    q = question(QuestionKind.number, min_value=0, max_value=10)
    assert [validated(app, q, answer(n))[0] for n in ("0", "10", "-1", "11")] == [
        True, True, False, False]


@pytest.mark.parametrize("low,high,message", [
    (0, 10, "Введите целое число от 0 до 10."),
    (3, None, "Введите целое число не меньше 3."),
    (None, 5, "Введите целое число не больше 5."),
])
def test_number_out_of_range_in_russian(app, low, high, message):
    q = question(QuestionKind.number, min_value=low, max_value=high)
    assert validated(app, q, answer("-100" if low is not None else "100"), "ru")[:2] == (
        False, [message])


@pytest.mark.parametrize("language,message", [("en", "Not a valid integer value."),
                                              ("ru", "Неверное целое число.")])
def test_number_that_is_not_a_whole_number_is_refused(app, language, message):
    q = question(QuestionKind.number, min_value=0, max_value=10)
    for typed in ("three", "2.5"):
        assert validated(app, q, answer(typed), language)[:2] == (False, [message])


@pytest.mark.parametrize("kind", [QuestionKind.short_text, QuestionKind.long_text,
                                  QuestionKind.single_choice, QuestionKind.multiple_choice,
                                  QuestionKind.yes_no, QuestionKind.number, QuestionKind.date,
                                  QuestionKind.file])
def test_no_answer_is_valid_so_a_draft_saves(app, kind):
    q = question(kind, choices=CHOICES, min_value=1, max_value=2, word_limit=3)
    assert validated(app, q, [])[:2] == (True, [])


def test_single_choice_takes_a_known_key_and_refuses_another(app):
    q = question(QuestionKind.single_choice, choices=CHOICES)
    assert validated(app, q, answer("b")) == (True, [], "b")
    assert validated(app, q, answer("z"))[:2] == (False, ["Not a valid choice."])
    assert validated(app, q, answer("z"), "ru")[:2] == (False, ["Неверный вариант."])


def test_single_choice_is_offered_in_the_language(app):
    q = question(QuestionKind.single_choice, choices=CHOICES)
    with app.test_request_context():
        assert kinds.answer_field(q, "ru").kwargs["choices"] == [
            ("a", "Упрощение торговли"), ("b", "Управление рисками"),
            ("c", "Таможенные лаборатории")]


def test_multiple_choice_takes_several_known_keys_and_refuses_another(app):
    q = question(QuestionKind.multiple_choice, choices=CHOICES)
    assert validated(app, q, answer(["a", "c"])) == (True, [], ["a", "c"])
    assert validated(app, q, answer(["a", "z"]))[:2] == (False, ["Not a valid choice."])


def test_multiple_choice_refuses_another_key_in_russian(app):
    # WTForms' own message for several choices has no Russian in its catalog.
    q = question(QuestionKind.multiple_choice, choices=CHOICES)
    assert validated(app, q, answer(["z", "a"]), "ru")[:2] == (False, ["Неверный вариант."])


@given(chosen=st.lists(st.sampled_from(KEYS + ["z", "", "A"]), max_size=6))
@EXAMPLES
def test_multiple_choice_is_stored_as_the_known_keys_each_once(app, chosen):
    q = question(QuestionKind.multiple_choice, choices=CHOICES)
    stored = kinds.to_stored(q, chosen)
    assert stored == [key for key in KEYS if key in chosen]


@pytest.mark.parametrize("typed,stored", [("yes", True), ("no", False)])
def test_yes_no_is_stored_as_a_bool(app, typed, stored):
    q = question(QuestionKind.yes_no)
    valid, errors, data = validated(app, q, answer(typed))
    assert (valid, errors, kinds.to_stored(q, data)) == (True, [], stored)


def test_yes_no_refuses_anything_else(app):
    q = question(QuestionKind.yes_no)
    assert validated(app, q, answer("maybe"))[:2] == (False, ["Not a valid choice."])


def test_date_is_read_and_stored_as_iso(app):
    q = question(QuestionKind.date)
    valid, errors, data = validated(app, q, answer("2026-12-01"))
    assert (valid, errors, kinds.to_stored(q, data)) == (True, [], "2026-12-01")


@pytest.mark.parametrize("language,message", [("en", "Not a valid date value."),
                                              ("ru", "Неверное значение даты.")])
def test_date_that_is_no_date_is_refused(app, language, message):
    q = question(QuestionKind.date)
    for typed in ("2026-13-01", "tomorrow"):
        assert validated(app, q, answer(typed), language)[:2] == (False, [message])


# --- storage -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,data,stored", [
    (QuestionKind.short_text, "  Kyiv  ", "Kyiv"),
    (QuestionKind.short_text, "   ", None),
    (QuestionKind.long_text, "", None),
    (QuestionKind.single_choice, None, None),
    (QuestionKind.multiple_choice, None, []),
    (QuestionKind.yes_no, None, None),
    (QuestionKind.number, None, None),
    (QuestionKind.number, 0, 0),
    (QuestionKind.date, None, None),
    (QuestionKind.file, "anything", None),
])
def test_to_stored(kind, data, stored):
    assert kinds.to_stored(question(kind, choices=CHOICES), data) == stored


stored_answers = st.one_of(
    st.tuples(st.just(QuestionKind.short_text),
              st.text(string.ascii_letters + "ёЖ .,", min_size=1, max_size=40)
              .map(str.strip).filter(bool)),
    st.tuples(st.just(QuestionKind.long_text),
              st.text(string.ascii_letters + "ёЖ \n", min_size=1, max_size=80)
              .map(str.strip).filter(bool)),
    st.tuples(st.just(QuestionKind.single_choice), st.sampled_from(KEYS)),
    st.tuples(st.just(QuestionKind.multiple_choice),
              st.sets(st.sampled_from(KEYS)).map(lambda keys: [k for k in KEYS if k in keys])),
    st.tuples(st.just(QuestionKind.yes_no), st.booleans()),
    st.tuples(st.just(QuestionKind.number), st.integers(min_value=-10**9, max_value=10**9)),
    st.tuples(st.just(QuestionKind.date), st.dates().map(date.isoformat)),
)


@given(stored_answers)
def test_to_stored_of_to_form_gives_back_what_was_stored(kind_and_value):
    kind, stored = kind_and_value
    q = question(kind, choices=CHOICES)
    assert kinds.to_stored(q, kinds.to_form(q, stored)) == stored


@pytest.mark.parametrize("kind,stored,shown", [
    (QuestionKind.yes_no, True, "yes"),
    (QuestionKind.yes_no, False, "no"),
    (QuestionKind.yes_no, None, None),
    (QuestionKind.date, "2026-12-01", date(2026, 12, 1)),
    (QuestionKind.date, "not a date", None),
    (QuestionKind.multiple_choice, None, []),
    (QuestionKind.number, 7, 7),
])
def test_to_form(kind, stored, shown):
    assert kinds.to_form(question(kind, choices=CHOICES), stored) == shown


# --- on a page and in a spreadsheet -------------------------------------------------------------

@pytest.mark.parametrize("kind,stored,english,russian", [
    (QuestionKind.short_text, "Kyiv", "Kyiv", "Kyiv"),
    (QuestionKind.single_choice, "b", "Risk management", "Управление рисками"),
    (QuestionKind.multiple_choice, ["a", "c"], "Trade facilitation; Customs laboratories",
     "Упрощение торговли; Таможенные лаборатории"),
    (QuestionKind.yes_no, True, "Yes", "Да"),
    (QuestionKind.yes_no, False, "No", "Нет"),
    (QuestionKind.number, 0, "0", "0"),
    (QuestionKind.date, "2026-12-01", "December 1, 2026", "1 декабря 2026\u202fг."),
    (QuestionKind.single_choice, None, "", ""),
    (QuestionKind.multiple_choice, [], "", ""),
])
def test_display_value_in_both_languages(app, kind, stored, english, russian):
    q = question(kind, choices=CHOICES)
    shown = {}
    for language in ("en", "ru"):
        with app.test_request_context(), force_locale(language):
            shown[language] = kinds.display_value(q, stored, language)
    assert shown == {"en": english, "ru": russian}


@pytest.mark.parametrize("kind,stored,english,russian", [
    (QuestionKind.number, 12, 12, 12),
    (QuestionKind.date, "2026-12-01", "2026-12-01", "2026-12-01"),
    (QuestionKind.yes_no, False, "No", "Нет"),
    (QuestionKind.multiple_choice, ["b"], "Risk management", "Управление рисками"),
    (QuestionKind.long_text, "Two words", "Two words", "Two words"),
    (QuestionKind.number, None, "", ""),
])
def test_export_value_keeps_numbers_and_dates_and_words_the_rest(app, kind, stored, english,
                                                                 russian):
    q = question(kind, choices=CHOICES)
    exported = {}
    for language in ("en", "ru"):
        with app.test_request_context(), force_locale(language):
            exported[language] = kinds.export_value(q, stored, language)
    assert exported == {"en": english, "ru": russian}


def test_a_choice_missing_in_one_language_is_shown_in_the_other(app):
    q = question(QuestionKind.single_choice, choices=[{"key": "a", "en": "Alpha", "ru": ""}])
    with app.test_request_context():
        assert kinds.display_value(q, "a", "ru") == "Alpha"


def posted(kind, stored) -> list[tuple[str, str]]:
    """What a browser sends back for a stored answer shown in its field."""
    if kind == QuestionKind.multiple_choice:
        return [("answer", key) for key in stored]
    if kind == QuestionKind.yes_no:
        return [("answer", "yes" if stored else "no")]
    return [("answer", str(stored))]


@given(stored_answers)
@EXAMPLES
def test_any_valid_answer_posted_back_validates_and_is_stored_as_itself(app, kind_and_value):
    kind, stored = kind_and_value
    q = question(kind, choices=CHOICES)
    valid, errors, data = validated(app, q, posted(kind, stored))
    assert (valid, errors, kinds.to_stored(q, data)) == (True, [], stored)
