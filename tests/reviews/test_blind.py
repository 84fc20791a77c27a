"""Blind review: a blind reviewer sees no answer or file that tells who applied or from where."""

import io

import pytest

from portal.applications import services as applications
from portal.applications.models import DocumentKind
from portal.database import utcnow
from portal.permissions import can_download_for_review
from portal.reviews import services
from portal.reviews.blind import hidden_from_reviewers
from tests.conftest import COMPLETE_ANSWERS, PDF_BYTES

# Answers that name the applicant's office or country, in words no label or other answer uses.
OFFICE_ANSWERS = {
    "professional": {"department": "Customs clearance division, Bishkek customs",
                     "position": "Chief inspector of the Osh customs post"},
    "languages": {"other_languages": "Kyrgyz (native)"},
}
IDENTIFYING = ("Bishkek", "Osh customs post", "Kyrgyz (native)", "Ivan Petrov", "Иван Петров",
               "Olga Smirnova", "o.smirnova@customs.example", "+7 495 000 00 00")
SHOWN = ("Risk analysis, post-clearance audit", "A project on shared risk profiles.")


def _application_naming_its_office(create_application, create_call, *, blind):
    application = create_application(call=create_call(blind_review=blind), complete=True)
    for key, changes in OFFICE_ANSWERS.items():
        applications.save_section(application, key, answers={**COMPLETE_ANSWERS[key], **changes},
                                  expected_version=application.section(key).version,
                                  now=utcnow())
    kinds = [DocumentKind.certificate] + [DocumentKind.anonymised_cv] * blind
    for kind in kinds:
        applications.add_document(application, kind=kind, stream=io.BytesIO(PDF_BYTES),
                                  filename=f"{kind.value}.pdf", actor=application.applicant,
                                  now=utcnow())
    applications.submit_application(application, actor=application.applicant, now=utcnow())
    return application


@pytest.fixture
def reviewing(db, create_application, create_call, create_reviewer):
    """Factory: (assignment, {kind: document}) of an application naming its office."""

    def make(*, blind):
        application = _application_naming_its_office(create_application, create_call,
                                                     blind=blind)
        assignment = services.assign_reviewer(application, create_reviewer(), actor=None,
                                              now=utcnow())
        db.session.commit()
        return assignment, {d.kind: d for d in application.documents}

    return make


def test_blind_reviewer_sees_no_answer_or_file_naming_the_applicant_or_their_office(
        client, forms, login_as, reviewing):
    assignment, documents = reviewing(blind=True)
    login_as(assignment.reviewer)
    url = f"/reviews/{assignment.id}"
    for language in ("en", "ru"):
        forms.post("/language", {"lang": language, "next": "/"})
        html = client.get(url).get_data(as_text=True)
        assert [secret for secret in IDENTIFYING if secret in html] == [], language
        assert [text for text in SHOWN if text in html] == list(SHOWN), language
    statuses = {kind: client.get(f"{url}/documents/{document.id}").status_code
                for kind, document in documents.items()}
    assert statuses == {DocumentKind.cv: 404, DocumentKind.nomination_letter: 404,
                        DocumentKind.certificate: 404, DocumentKind.anonymised_cv: 200}
    download = client.get(f"{url}/documents/{documents[DocumentKind.anonymised_cv].id}")
    assert download.data == PDF_BYTES
    assert "anonymised_cv" in download.headers["Content-Disposition"]


def test_blind_review_page_says_what_is_hidden_and_why(client, login_as, reviewing):
    assignment, documents = reviewing(blind=True)
    login_as(assignment.reviewer)
    html = client.get(f"/reviews/{assignment.id}").get_data(as_text=True)
    assert "Blind review: what is hidden from you and why" in html
    assert ("<strong>Member administration, Department or unit, Position, Other languages and "
            "levels (optional)</strong>. These name or point to the applicant&#39;s "
            "administration, office or country (a position or a language often does).") in html
    links = f'/reviews/{assignment.id}/documents/{documents[DocumentKind.anonymised_cv].id}'
    assert f'<a href="{links}">Anonymised CV</a>' in html


def test_reviewer_of_a_call_that_is_not_blind_sees_every_answer_and_file(
        client, login_as, reviewing):
    assignment, documents = reviewing(blind=False)
    login_as(assignment.reviewer)
    url = f"/reviews/{assignment.id}"
    html = client.get(url).get_data(as_text=True)
    assert [secret for secret in IDENTIFYING if secret in html] == list(IDENTIFYING)
    assert "what is hidden from you" not in html
    statuses = {kind: client.get(f"{url}/documents/{document.id}").status_code
                for kind, document in documents.items()}
    assert statuses == {DocumentKind.cv: 200, DocumentKind.nomination_letter: 200,
                        DocumentKind.certificate: 200}


def test_hidden_from_reviewers_names_each_hidden_answer_and_file_under_its_reason(
        app, reviewing):
    assignment, _ = reviewing(blind=True)
    with app.test_request_context():
        hidden = hidden_from_reviewers(assignment.application)
    assert hidden == [
        ("These name the applicant or say how to reach them.",
         ["Full name (Latin letters, as in your passport)",
          "Full name in native script (optional)",
          "Date of birth", "Telephone (with country code)", "CV", "Certificate"]),
        ("These name or point to the applicant's administration, office or country (a position "
         "or a language often does).",
         ["Member administration", "Department or unit", "Position",
          "Other languages and levels (optional)"]),
        ("These name the official who nominated the applicant.",
         ["Name of the nominating official", "Title and unit of the nominating official",
          "E-mail address of the nominating official", "Nomination letter"]),
    ]


def test_hidden_from_reviewers_is_empty_when_the_call_is_not_blind(app, reviewing):
    assignment, _ = reviewing(blind=False)
    assert hidden_from_reviewers(assignment.application) == []


@pytest.mark.parametrize("blind", [True, False])
def test_reviewer_may_download_only_what_the_declarations_show(reviewing, create_reviewer,
                                                                 blind):
    assignment, documents = reviewing(blind=blind)
    allowed = {kind for kind, document in documents.items()
               if can_download_for_review(assignment.reviewer, assignment, document)}
    assert allowed == ({DocumentKind.anonymised_cv} if blind else set(documents))
    assert not any(can_download_for_review(create_reviewer(), assignment, document)
                   for document in documents.values())


# The call's own questions: a blind reviewer sees only those marked for them.
HIDDEN_ANSWER = "I served at the Bishkek airport post"
SHOWN_ANSWER = "Risk profiling of air cargo"


def _blind_call_with_questions(db, create_application, create_call, create_reviewer):
    from portal.questions.models import QuestionKind
    from tests.applications.questions import add_question

    call = create_call(blind_review=True, form_settings={"other_languages": "hidden"})
    hidden = add_question(call, QuestionKind.short_text, text_en="Where did you serve?")
    shown = add_question(call, QuestionKind.short_text, text_en="Your theme",
                         blind_visible=True)
    hidden_file = add_question(call, QuestionKind.file, text_en="Your photo")
    shown_file = add_question(call, QuestionKind.file, text_en="Your work plan",
                              blind_visible=True)

    class Upload:
        def __init__(self, name):
            self.stream, self.filename = io.BytesIO(PDF_BYTES), name

    application = create_application(call=call, complete=True)
    result = applications.save_section(
        application, "extra-1", answers={hidden.answer_key: HIDDEN_ANSWER,
                                         shown.answer_key: SHOWN_ANSWER},
        expected_version=0, now=utcnow(), actor=application.applicant,
        files={hidden_file: Upload("photo.pdf"), shown_file: Upload("plan.pdf")})
    assert result.file_errors == {}
    applications.add_document(application, kind=DocumentKind.anonymised_cv,
                              stream=io.BytesIO(PDF_BYTES), filename="anon.pdf",
                              actor=application.applicant, now=utcnow())
    applications.submit_application(application, actor=application.applicant, now=utcnow())
    assignment = services.assign_reviewer(application, create_reviewer(), actor=None,
                                          now=utcnow())
    db.session.commit()
    files = {d.question_id: d for d in application.documents if d.question_id}
    return assignment, files[hidden_file.id], files[shown_file.id]


def test_a_blind_reviewer_sees_only_the_questions_marked_for_blind_reviewers(
        client, db, login_as, create_application, create_call, create_reviewer):
    """Fails when the blind flag is ignored (CallForm.blind_reason or
    Document.shown_to_reviewers answering None/True for every question)."""
    from portal.reviews.blind import reviewer_answers, reviewer_documents

    assignment, hidden_file, shown_file = _blind_call_with_questions(
        db, create_application, create_call, create_reviewer)
    application = assignment.application
    rows = [row for section, rows in reviewer_answers(application)
            if section.key == "extra-1" for row in rows]
    assert rows == [("Your theme", SHOWN_ANSWER), ("Your work plan", "plan.pdf")]
    assert [document.id for document, _name in reviewer_documents(application)
            if document.question_id] == [shown_file.id]
    login_as(assignment.reviewer)
    url = f"/reviews/{assignment.id}"
    html = client.get(url).get_data(as_text=True)
    assert (HIDDEN_ANSWER in html, "photo.pdf" in html, SHOWN_ANSWER in html) == \
        (False, False, True)
    assert ("<strong>Where did you serve?, Your photo</strong>. The programme office keeps the "
            "answers to these questions of the call from blind reviewers.") in html
    assert "Other languages" not in html  # not asked by this call, so not said to be hidden
    statuses = (client.get(f"{url}/documents/{hidden_file.id}").status_code,
                client.get(f"{url}/documents/{shown_file.id}").status_code)
    assert statuses == (404, 200)
