"""Demo applications answer whatever questions the demo call asks."""

import sqlalchemy as sa

from portal.applications.demo import seed_demo_applications
from portal.applications.models import Application, ApplicationState, DocumentKind
from portal.questions.models import QuestionKind, RuleOperator
from tests.applications.questions import add_question, one_of_each


def test_demo_applications_answer_every_question_of_the_call(db, create_call):
    call = create_call(blind_review=True)
    questions = one_of_each(call, required=True)
    rule = add_question(call, QuestionKind.yes_no, section="motivation", required=True,
                        rule_operator=RuleOperator.equals, rule_value=False)
    assert seed_demo_applications(call, "demo-password-1") == 8
    db.session.commit()
    applications = db.session.scalars(sa.select(Application).order_by(Application.id)).all()
    # (no demo coordinator here to screen the seventh out)
    assert [a.state for a in applications] == [ApplicationState.submitted] * 5 + [
        ApplicationState.withdrawn, ApplicationState.submitted, ApplicationState.draft]
    submitted = applications[0]
    answers = submitted.answers("extra-1")
    assert {kind: answers.get(q.answer_key) for kind, q in questions.items()} == {
        QuestionKind.short_text: "A demonstration answer.",
        QuestionKind.long_text: "A demonstration answer.",
        QuestionKind.single_choice: "a", QuestionKind.multiple_choice: ["a"],
        QuestionKind.yes_no: True, QuestionKind.number: 3,
        QuestionKind.date: "2020-09-01", QuestionKind.file: None}
    assert submitted.answers("motivation")[rule.answer_key] is False
    files = [d.question_id for d in submitted.documents if d.kind == DocumentKind.answer]
    assert files == [questions[QuestionKind.file].id]


def test_demo_applications_leave_out_the_built_in_answers_the_call_hides(db, create_call):
    call = create_call(form_settings={"department": "hidden", "nominator_name": "hidden",
                                      "nominator_title": "hidden",
                                      "nominator_email": "hidden"})
    seed_demo_applications(call, "demo-password-1")
    application = db.session.scalar(sa.select(Application).order_by(Application.id))
    assert "department" not in application.answers("professional")
    assert application.section("nomination") is None
    assert application.state == ApplicationState.submitted
