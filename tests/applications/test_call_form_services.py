"""The services of applying on a call's own form: merging saves, file questions, rules."""

import io

import pytest

from portal.applications import services
from portal.applications.models import DocumentKind
from portal.database import utcnow
from portal.questions.models import QuestionKind, RuleOperator
from tests.applications.questions import PNG_BYTES, add_question, one_of_each
from tests.conftest import PDF_BYTES


class Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


def _save(application, key, answers, **kw):
    stored = application.section(key)
    return services.save_section(application, key, answers=answers,
                                 expected_version=stored.version if stored else 0,
                                 now=utcnow(), **kw)


def test_a_save_keeps_the_answers_the_page_did_not_send(db, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.short_text, section="motivation")
    application = create_application(call=call)
    _save(application, "motivation", {"motivation": "First", question.answer_key: "Kept"})
    # A page loaded before the question was added sends only the built-in answers.
    _save(application, "motivation", {"motivation": "Second"})
    assert application.answers("motivation") == {"motivation": "Second",
                                                 question.answer_key: "Kept"}


def test_a_retired_questions_answer_is_kept_on_save(db, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.number, section="extra-1")
    kept = add_question(call, QuestionKind.short_text, section="extra-1")
    application = create_application(call=call)
    _save(application, "extra-1", {question.answer_key: 7, kept.answer_key: "x"})
    question.retired_at = utcnow()
    db.session.commit()
    _save(application, "extra-1", {kept.answer_key: "y"})
    assert application.answers("extra-1") == {question.answer_key: 7, kept.answer_key: "y"}


def test_a_stale_save_is_still_refused(db, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.short_text)
    application = create_application(call=call)
    _save(application, "extra-1", {question.answer_key: "one"})
    with pytest.raises(services.StaleSection):
        services.save_section(application, "extra-1", answers={question.answer_key: "two"},
                              expected_version=0, now=utcnow())


def test_required_questions_are_missing_until_answered_and_complete_after(
        db, create_application, create_call):
    call = create_call()
    questions = one_of_each(call, required=True)
    application = create_application(call=call, complete=True)
    problems = [str(p) for p in services.submission_problems(application)]
    assert problems == [f"Further questions extra-1: Question {kind.value}"
                        if kind != QuestionKind.number
                        else "Further questions extra-1: Years in customs service"
                        for kind in QuestionKind]
    answers = {questions[QuestionKind.short_text].answer_key: "Short",
               questions[QuestionKind.long_text].answer_key: "Five words at the most",
               questions[QuestionKind.single_choice].answer_key: "a",
               questions[QuestionKind.multiple_choice].answer_key: ["a", "c"],
               questions[QuestionKind.yes_no].answer_key: False,
               questions[QuestionKind.number].answer_key: 12,
               questions[QuestionKind.date].answer_key: "2020-01-31"}
    result = _save(application, "extra-1", answers)
    assert (result.complete, result.missing) == (False, ["Question file"])
    result = _save(application, "extra-1", {}, files={
        questions[QuestionKind.file]: Upload(PDF_BYTES, "plan.pdf")}, actor=application.applicant)
    assert (result.complete, result.missing, result.file_errors) == (True, [], {})
    assert application.section("extra-1").complete is True
    assert services.submission_problems(application) == []
    assert application.answers("extra-1") == answers


def test_a_file_answer_is_stored_for_its_question_and_replaces_the_earlier_one(
        db, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.file, file_types=["pdf", "png"])
    application = create_application(call=call)
    _save(application, "extra-1", {}, files={question: Upload(PDF_BYTES, "plan.pdf")},
          actor=application.applicant)
    _save(application, "extra-1", {}, files={question: Upload(PNG_BYTES, "plan.png")},
          actor=application.applicant)
    db.session.commit()
    answers = application.documents_of(DocumentKind.answer)
    assert [(d.question_id, d.file_name, d.content_type) for d in answers] == [
        (question.id, "plan.png", "image/png")]


@pytest.mark.parametrize("data, name, message", [
    (PNG_BYTES, "picture.pdf", "This file is not of a type this question accepts (PDF), "
                               "judged by its content, not its name."),
    (PDF_BYTES + b" " * (1024 * 1024), "big.pdf", "The file is larger than 1 MB."),
    (b"", "empty.pdf", "The file is empty."),
])
def test_a_refused_file_says_why_and_the_other_answers_are_saved(
        db, create_application, create_call, data, name, message):
    call = create_call()
    text = add_question(call, QuestionKind.short_text)
    question = add_question(call, QuestionKind.file, max_size_mb=1)
    application = create_application(call=call)
    result = _save(application, "extra-1", {text.answer_key: "Saved"},
                   files={question: Upload(data, name)}, actor=application.applicant)
    db.session.commit()
    assert {k: str(v) for k, v in result.file_errors.items()} == {question.answer_key: message}
    assert application.answers("extra-1") == {text.answer_key: "Saved"}
    assert application.documents_of(DocumentKind.answer) == []


def test_a_file_for_another_calls_question_is_refused(db, create_application, create_call):
    other = add_question(create_call(), QuestionKind.file)
    application = create_application()
    with pytest.raises(services.DocumentRefused):
        services.add_document(application, kind=DocumentKind.answer, question=other,
                              stream=io.BytesIO(PDF_BYTES), filename="x.pdf",
                              actor=application.applicant, now=utcnow())


def test_a_broken_rule_is_reported_on_save_and_refuses_submission(
        db, create_application, create_call):
    call = create_call()
    question = add_question(call, QuestionKind.yes_no, rule_operator=RuleOperator.equals,
                            rule_value=False, text_en="Have you been a fellow before?",
                            rule_message_en="This call is for first-time fellows only.")
    application = create_application(call=call, complete=True)
    result = _save(application, "extra-1", {question.answer_key: True})
    assert [(q.id, why) for q, why in result.rule_failures] == [
        (question.id, "This call is for first-time fellows only.")]
    assert services.rule_failures(application) == ["This call is for first-time fellows only."]
    with pytest.raises(services.IneligibleApplication) as refused:
        services.submit_application(application, actor=application.applicant, now=utcnow())
    assert refused.value.problems == ["This call is for first-time fellows only."]
    _save(application, "extra-1", {question.answer_key: False})
    assert services.submit_application(application, actor=application.applicant,
                                       now=utcnow()) is True


def test_built_in_answers_made_optional_or_hidden_are_not_required(
        db, create_application, create_call):
    call = create_call(form_settings={"phone": "optional", "department": "hidden",
                                      "nomination_letter": "optional"})
    application = create_application(call=call)
    for key, answers in {"personal": {"full_name": "A", "date_of_birth": "1980-01-01"},
                         "professional": {"administration_code": "RU", "position": "P",
                                          "years_in_service": 4, "expertise": "E"}}.items():
        assert _save(application, key, answers).complete is True
    problems = [str(p) for p in services.submission_problems(application)]
    assert "Documents: Nomination letter" not in problems
    assert "Documents: CV" in problems
