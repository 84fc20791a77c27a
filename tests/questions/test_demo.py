"""The demo call's questions: made once by the demo seeding, answered by the demo applicants,
and copied with the call into next year's."""

import sqlalchemy as sa

from portal.applications.models import Application, ApplicationState
from portal.calls import services
from portal.calls.demo import seed_demo_calls
from portal.calls.models import Call, CallState
from portal.questions.demo import seed_demo_questions
from portal.questions.models import QuestionKind, questions_of, sections_of

SLUG_2027 = "rocb-europe-fellowship-programme-2027"


def _call_2027(db):
    seed_demo_calls()
    return db.session.scalar(sa.select(Call).where(Call.slug == SLUG_2027))


def _described(question):
    return (question.section_key, question.position, question.kind, question.text_en,
            question.text_ru, question.help_en, question.help_ru, question.required,
            question.blind_visible, question.word_limit, question.min_value, question.max_value,
            question.choices, question.file_types, question.max_size_mb, question.rule_operator,
            question.rule_value, question.rule_message_en, question.rule_message_ru)


def test_seed_demo_questions_asks_every_kind_in_both_languages_once(db):
    call = _call_2027(db)
    made = seed_demo_questions(call)
    assert seed_demo_questions(call) == []
    assert sorted(q.kind for q in made) == sorted(QuestionKind)
    assert all(q.text_en and q.text_ru for q in made)
    assert all(c["en"] and c["ru"] for q in made for c in q.choices)
    assert [(s.key, s.title_en, s.title_ru) for s in sections_of(call.id)] == [
        ("extra-1", "Further questions", "Дополнительные вопросы")]
    fellow = next(q for q in made if q.kind == QuestionKind.yes_no)
    assert (fellow.text_en, fellow.rule_operator, fellow.rule_value) == (
        "Have you been a fellow of a WCO programme before?", "equals", False)


def test_copying_the_2027_demo_call_gives_a_2028_draft_with_every_question_and_criterion(db):
    source = _call_2027(db)
    seed_demo_questions(source)
    copy = services.copy_call(source, actor=None)
    assert (copy.state, copy.programme_year, copy.title_en, copy.title_ru) == (
        CallState.draft, 2028, "ROCB Europe Fellowship Programme 2028",
        "Программа стажировок ROCB Europe 2028")
    # The demo has a draft 2028 call already: the copy gets an address of its own.
    assert copy.slug == "rocb-europe-fellowship-programme-2028-2"
    assert (copy.opens_at, copy.closes_at, copy.review_deadline) == (None, None, None)
    assert [_described(q) for q in questions_of(copy.id)] == \
        [_described(q) for q in questions_of(source.id)]
    assert len(questions_of(copy.id)) == 8
    assert [(c.name_en, c.name_ru, c.guidance_en, c.guidance_ru, c.weight) for c in copy.criteria] \
        == [(c.name_en, c.name_ru, c.guidance_en, c.guidance_ru, c.weight)
            for c in source.criteria]
    assert [s.title_en for s in sections_of(copy.id)] == ["Further questions"]


def test_demo_seed_gives_the_open_call_questions_answered_by_its_applicants(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    call = db.session.scalar(sa.select(Call).where(Call.slug == SLUG_2027))
    questions = questions_of(call.id)
    assert len(questions) == 8
    theme = next(q for q in questions if q.kind == QuestionKind.single_choice)
    submitted = db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.state != ApplicationState.draft)).all()
    assert submitted
    assert all(a.answers("motivation").get(theme.answer_key) in {"risk", "ecommerce",
                                                                 "facilitation"}
               for a in submitted)
