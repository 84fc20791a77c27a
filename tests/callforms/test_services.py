"""The form builder's rules, called directly: questions of every kind, choices, rules, the
lock once a call is open, retiring and deleting, moving, own sections and settings."""

import pytest
import sqlalchemy as sa

from portal.applications.models import Document, DocumentKind
from portal.audit.models import AuditEvent
from portal.callforms import queries, services
from portal.calls.models import CallState
from portal.calls.services import StaleCall
from portal.database import utcnow
from portal.questions.models import (
    FormSection,
    Question,
    QuestionKind,
    RuleOperator,
    questions_of,
)
from tests.callforms.conftest import question_data


def _events(db) -> list[tuple[str, dict]]:
    return [(e.action, e.details) for e in
            db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
            if not e.action.startswith("call.c")]


def _problems(exc_info) -> list[tuple[str, str]]:
    return [(name, str(message)) for name, message in exc_info.value.problems]


# --- Adding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,settings", [
    ("short_text", {}),
    ("long_text", {"word_limit": 200}),
    ("single_choice", {"choices": [{"key": "c1", "en": "Risk", "ru": "Риски"},
                                   {"key": "c2", "en": "Audit", "ru": "Аудит"},
                                   {"key": "c3", "en": "Transit", "ru": "Транзит"}]}),
    ("multiple_choice", {"choices": [{"key": "c1", "en": "Risk", "ru": "Риски"},
                                     {"key": "c2", "en": "Audit", "ru": "Аудит"},
                                     {"key": "c3", "en": "Transit", "ru": "Транзит"}]}),
    ("yes_no", {}),
    ("number", {"min_value": 0, "max_value": 50}),
    ("date", {}),
    ("file", {"file_types": ["pdf", "png"], "max_size_mb": 2}),
])
def test_save_question_adds_each_kind_with_its_settings(db, draft_call, kind, settings):
    question = services.save_question(draft_call, None, actor=None, data=question_data(kind))
    defaults = {"word_limit": None, "min_value": None, "max_value": None, "choices": [],
                "file_types": [], "max_size_mb": None}
    assert {name: getattr(question, name) for name in defaults} == {**defaults, **settings}
    assert (question.kind, question.section_key, question.position, question.text_ru) == (
        QuestionKind(kind), "professional", 1, "Ваша тема")
    assert _events(db) == [("question.added", {"question": question.id, "question_kind": kind,
                                               "section": "professional"})]


def test_questions_of_a_section_take_the_next_positions(db, draft_call, add_question):
    first, second = add_question(draft_call), add_question(draft_call, "yes_no")
    other = add_question(draft_call, section_key="motivation")
    assert (first.position, second.position, other.position) == (1, 2, 1)


@pytest.mark.parametrize("kind,overrides,expected", [
    ("short_text", {"text_en": " ", "text_ru": ""},
     [("text_en", "Write the question in at least one language.")]),
    ("long_text", {"word_limit": None}, [("word_limit", "Give a word limit from 1 to 5000.")]),
    ("number", {"min_value": 10, "max_value": 5},
     [("max_value", "The largest number must not be below the smallest.")]),
    ("single_choice", {"choices": [{"en": "Only", "ru": "Один"}, {}]},
     [("choices", "Give at least two choices.")]),
    ("file", {"file_types": ["exe"], "max_size_mb": 11},
     [("file_types", "Tick at least one type of file."),
      ("max_size_mb", "Give a size from 1 to 10 MB.")]),
    ("short_text", {"section_key": "extra-9"}, [("section_key", "Choose a section from the list.")]),
])
def test_save_question_refuses_bad_settings_and_adds_nothing(db, draft_call, kind, overrides,
                                                             expected):
    with pytest.raises(services.FormError) as refused:
        services.save_question(draft_call, None, actor=None, data=question_data(kind, **overrides))
    assert _problems(refused) == expected
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


# --- Choices ---------------------------------------------------------------------------------

def test_choice_keys_are_generated_and_kept_when_rows_are_added(db, draft_call, add_question):
    question = add_question(draft_call, "single_choice")
    assert [c["key"] for c in question.choices] == ["c1", "c2", "c3"]
    rows = [{**c, "en": c["en"] + "!"} for c in question.choices] + [
        {"key": "", "en": "Ports", "ru": "Порты"}, {"key": "", "en": "", "ru": ""}]
    services.save_question(draft_call, question, actor=None, expected_version=question.version,
                           data=question_data("single_choice", choices=rows))
    assert [(c["key"], c["en"]) for c in question.choices] == [
        ("c1", "Risk!"), ("c2", "Audit!"), ("c3", "Transit!"), ("c4", "Ports")]


def test_a_removed_choice_goes_while_the_call_is_a_draft(db, draft_call, add_question):
    question = add_question(draft_call, "multiple_choice")
    rows = [{**c, "remove": c["key"] == "c2"} for c in question.choices]
    services.save_question(draft_call, question, actor=None, expected_version=question.version,
                           data=question_data("multiple_choice", choices=rows))
    assert [c["key"] for c in question.choices] == ["c1", "c3"]
    added = add_question(draft_call, "multiple_choice")
    rows = [{"key": "c9", "en": "Forged", "ru": "Подделка"}, *added.choices]
    services.save_question(draft_call, added, actor=None, expected_version=added.version,
                           data=question_data("multiple_choice", choices=rows))
    # A key the question does not know is a new choice: it gets the next key of its own.
    assert [c["key"] for c in added.choices] == ["c4", "c1", "c2", "c3"]


# --- Rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,rule,expected", [
    ("number", {"rule_operator": "at_least", "rule_number": None},
     [("rule_number", "Give the rule a whole number.")]),
    ("yes_no", {"rule_operator": "equals"},
     [("rule_yes_no", "Say which answer, yes or no, makes an applicant eligible.")]),
    ("single_choice", {"rule_operator": "one_of"},
     [("choices", "Tick at least one choice for the rule.")]),
    ("yes_no", {"rule_operator": "at_least"},
     [("rule_operator", "This kind of question cannot have that rule.")]),
    ("short_text", {"rule_operator": "equals"},
     [("rule_operator", "This kind of question cannot have that rule.")]),
])
def test_unsound_rules_are_refused(db, draft_call, kind, rule, expected):
    with pytest.raises(services.FormError) as refused:
        services.save_question(draft_call, None, actor=None, data=question_data(kind, **rule))
    assert _problems(refused) == expected


def test_sound_rules_are_kept_as_data(db, draft_call):
    years = services.save_question(draft_call, None, actor=None, data=question_data(
        "number", rule_operator="at_least", rule_number=3, rule_message_en="Three years",
        rule_message_ru="Три года"))
    fellow = services.save_question(draft_call, None, actor=None, data=question_data(
        "yes_no", rule_operator="equals", rule_yes_no="no"))
    rows = [{**c, "in_rule": c["en"] != "Transit"} for c in question_data("single_choice")["choices"]]
    theme = services.save_question(draft_call, None, actor=None, data=question_data(
        "single_choice", rule_operator="one_of", choices=rows))
    assert [(q.rule_operator, q.rule_value) for q in (years, fellow, theme)] == [
        (RuleOperator.at_least, 3), (RuleOperator.equals, False),
        (RuleOperator.one_of, ["c1", "c2"])]
    assert (years.rule_message_en, years.rule_message_ru) == ("Three years", "Три года")


def test_no_rule_clears_the_rule_and_its_messages(db, draft_call, add_question):
    question = add_question(draft_call, "number", rule_operator="at_most", rule_number=9,
                            rule_message_en="Too many")
    services.save_question(draft_call, question, actor=None, expected_version=question.version,
                           data=question_data("number", rule_message_en="Too many"))
    assert (question.rule_operator, question.rule_value, question.rule_message_en) == (
        None, None, "")


# --- Once the call is open -------------------------------------------------------------------

def test_kind_section_and_choices_are_locked_once_the_call_is_open(db, make_call, add_question):
    call = make_call(CallState.open)
    question = add_question(call, "single_choice")  # questions may be added to an open call
    rows = [{**c, "remove": c["key"] == "c3"} for c in question.choices] + [
        {"en": "New", "ru": "Новый"}]
    with pytest.raises(services.FormError) as refused:
        services.save_question(call, question, actor=None, expected_version=question.version,
                               data=question_data("multiple_choice", section_key="motivation",
                                                  choices=rows))
    assert [name for name, _message in _problems(refused)] == [
        "kind", "section_key", "choices", "choices"]
    db.session.rollback()
    assert (question.kind, len(question.choices)) == (QuestionKind.single_choice, 3)


def test_wording_can_be_corrected_once_the_call_is_open(db, make_call, add_question):
    call = make_call(CallState.open)
    question = add_question(call, "single_choice")
    rows = [{**c, "ru": c["ru"] + " (исправлено)"} for c in question.choices]
    services.save_question(call, question, actor=None, expected_version=question.version,
                           data=question_data("single_choice", choices=rows,
                                              text_en="Your chosen theme"))
    assert ([c["key"] for c in question.choices], question.choices[0]["ru"], question.text_en) == (
        ["c1", "c2", "c3"], "Риски (исправлено)", "Your chosen theme")
    assert _events(db)[-1] == ("question.changed", {"question": question.id,
                                                    "changed": ["choices", "text_en"]})


def test_a_stale_version_is_refused(db, draft_call, add_question):
    question = add_question(draft_call)
    with pytest.raises(services.StaleQuestion):
        services.save_question(draft_call, question, actor=None,
                               expected_version=question.version - 1, data=question_data())


# --- Retiring and deleting -------------------------------------------------------------------

def test_a_question_without_answers_is_deleted(db, make_call, add_question, create_application):
    call = make_call(CallState.open)
    question = add_question(call)
    create_application(call=call, complete=True)
    assert services.remove_question(question, actor=None, now=utcnow()) == "deleted"
    assert db.session.scalars(sa.select(Question)).all() == []
    assert _events(db)[-1][0] == "question.deleted"


def test_a_question_with_an_answer_is_retired(db, make_call, add_question, create_application):
    call = make_call(CallState.open)
    question, unanswered = add_question(call), add_question(call)
    application = create_application(call=call, complete=True)
    section = application.section("professional")
    section.answers = {**section.answers, question.answer_key: "Risk", unanswered.answer_key: ""}
    db.session.commit()
    assert queries.answered_question_ids(call, [question, unanswered]) == {question.id}
    now = utcnow()
    assert services.remove_question(question, actor=None, now=now) == "retired"
    assert (question.retired_at, _events(db)[-1]) == (
        now, ("question.retired", {"question": question.id}))


def test_a_file_question_with_a_file_is_retired(db, make_call, add_question, create_application):
    call = make_call(CallState.open)
    question = add_question(call, "file")
    application = create_application(call=call)
    db.session.add(Document(application_id=application.id, kind=DocumentKind.answer,
                            question_id=question.id, original_name="a.pdf",
                            content_type="application/pdf", size=1, sha256="0" * 64,
                            storage_key="k-1"))
    db.session.commit()
    assert services.remove_question(question, actor=None, now=utcnow()) == "retired"
    services.restore_question(question, actor=None)
    assert (question.retired_at, _events(db)[-1][0]) == (None, "question.restored")


def test_answered_questions_are_found_in_two_queries(db, make_call, add_question,
                                                     create_application):
    call = make_call(CallState.open)
    questions = [add_question(call) for _ in range(30)]
    for n in range(3):
        application = create_application(call=call, complete=True)
        section = application.section("professional")
        section.answers = {**section.answers, questions[n].answer_key: "x"}
    db.session.commit()
    questions = questions_of(call.id)  # as the builder's page reads them, in one query
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = queries.answered_question_ids(call, questions)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert (found, len(statements)) == ({q.id for q in questions[:3]}, 2)


# --- Moving ----------------------------------------------------------------------------------

def test_move_question_swaps_it_with_its_neighbour(db, draft_call, add_question):
    first, second, third = (add_question(draft_call) for _ in range(3))
    assert services.move_question(third, actor=None, direction="up") is True
    assert services.move_question(first, actor=None, direction="up") is False
    ordered = db.session.scalars(sa.select(Question.id).order_by(Question.position)).all()
    assert ordered == [first.id, third.id, second.id]
    assert _events(db)[-1] == ("question.moved", {"question": third.id, "direction": "up"})


# --- Own sections ----------------------------------------------------------------------------

SECTION = {"title_en": "Themes", "title_ru": "Темы", "intro_en": "", "intro_ru": ""}


def test_own_sections_get_keys_unique_in_the_call(db, draft_call, make_call):
    first = services.add_section(draft_call, actor=None, data=SECTION)
    second = services.add_section(draft_call, actor=None, data=SECTION)
    elsewhere = services.add_section(make_call(), actor=None, data=SECTION)
    assert (first.key, second.key, elsewhere.key) == ("extra-1", "extra-2", "extra-1")
    services.delete_section(first, actor=None)
    assert services.add_section(draft_call, actor=None, data=SECTION).key == "extra-3"


def test_a_section_with_questions_is_not_deleted(db, draft_call, add_question):
    section = services.add_section(draft_call, actor=None, data=SECTION)
    add_question(draft_call, section_key=section.key)
    with pytest.raises(services.FormError) as refused:
        services.delete_section(section, actor=None)
    assert _problems(refused) == [("", "Only a section without questions can be deleted.")]


def test_sections_are_renamed_and_moved(db, draft_call):
    first = services.add_section(draft_call, actor=None, data=SECTION)
    second = services.add_section(draft_call, actor=None, data=SECTION)
    services.update_section(first, actor=None, data={**SECTION, "title_ru": "Темы стажировки"})
    assert services.move_section(first, actor=None, direction="down") is True
    keys = db.session.scalars(sa.select(FormSection.key).order_by(FormSection.position)).all()
    assert (keys, first.title_ru) == ([second.key, first.key], "Темы стажировки")
    assert [action for action, _details in _events(db)] == [
        "form_section.added", "form_section.added", "form_section.changed",
        "form_section.moved"]


# --- The built-in answers' settings ----------------------------------------------------------

def test_form_settings_are_saved_as_allowed(db, draft_call):
    services.update_form_settings(draft_call, actor=None, expected_version=draft_call.version,
                                  settings={"phone": "optional", "native_name": "hidden",
                                            "department": "required"})
    assert draft_call.form_settings == {"phone": "optional", "native_name": "hidden"}
    assert _events(db)[-1] == ("call.form_settings_changed", {
        "changed": ["native_name", "phone"],
        "after": {"native_name": "hidden", "phone": "optional"}})


def test_form_settings_refuse_what_is_not_allowed_stale_or_after_opening(db, draft_call,
                                                                         make_call):
    with pytest.raises(services.FormError) as refused:
        services.update_form_settings(draft_call, actor=None, expected_version=draft_call.version,
                                      settings={"phone": "hidden"})
    assert _problems(refused) == [("phone", "Choose one of the settings offered.")]
    with pytest.raises(StaleCall):
        services.update_form_settings(draft_call, actor=None,
                                      expected_version=draft_call.version + 1, settings={})
    open_call = make_call(CallState.open)
    with pytest.raises(services.FormError):
        services.update_form_settings(open_call, actor=None, expected_version=open_call.version,
                                      settings={"phone": "optional"})
