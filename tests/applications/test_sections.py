"""The sections' declarations: what a blind reviewer may see of each answer and document."""

from portal.applications import services
from portal.applications.models import DocumentKind
from portal.applications.sections import (
    FORM_SECTIONS,
    SECTIONS_BY_KEY,
    Identifies,
    display_answers,
    document_kinds,
    field_names,
)
from portal.database import utcnow
from tests.conftest import COMPLETE_ANSWERS


def test_every_answer_declares_whether_blind_reviewers_see_it():
    declared = {section.key: set(section.blind) for section in FORM_SECTIONS}
    assert declared == {section.key: set(field_names(section)) for section in FORM_SECTIONS}


def test_every_kind_of_document_declares_whether_blind_reviewers_see_it():
    assert set(SECTIONS_BY_KEY["documents"].blind) == {kind.value for kind in DocumentKind}


def test_answers_that_name_an_office_or_a_country_are_hidden_from_blind_reviewers():
    hidden = {(section.key, name): reason for section in SECTIONS_BY_KEY.values()
              for name, reason in section.blind.items() if reason is not None}
    assert hidden == {
        ("personal", "full_name"): Identifies.applicant,
        ("personal", "native_name"): Identifies.applicant,
        ("personal", "date_of_birth"): Identifies.applicant,
        ("personal", "phone"): Identifies.applicant,
        ("professional", "administration_code"): Identifies.office,
        ("professional", "department"): Identifies.office,
        ("professional", "position"): Identifies.office,
        ("languages", "other_languages"): Identifies.office,
        ("nomination", "nominator_name"): Identifies.nominator,
        ("nomination", "nominator_title"): Identifies.nominator,
        ("nomination", "nominator_email"): Identifies.nominator,
        ("documents", "cv"): Identifies.applicant,
        ("documents", "nomination_letter"): Identifies.nominator,
        ("documents", "certificate"): Identifies.applicant,
        ("documents", "answer"): Identifies.question,
    }


def test_display_answers_for_blind_review_keeps_only_the_declared_answers(db, create_application):
    application = create_application(complete=True)
    services.save_section(
        application, "languages",
        answers={**COMPLETE_ANSWERS["languages"], "other_languages": "Kyrgyz (native)"},
        expected_version=application.section("languages").version, now=utcnow())
    blind = [(section.key, rows) for section, rows in display_answers(application, blind=True)]
    assert blind == [
        ("professional", [("Years in customs service", "12"),
                          ("Areas of expertise", "Risk analysis, post-clearance audit")]),
        ("languages", [("English", "B2 (upper intermediate)"), ("Russian", "Native speaker")]),
        ("motivation", [("Motivation statement", "I want to learn."),
                        ("Title of your proposed fellowship project", "Risk profiles"),
                        ("Proposed fellowship project", "A project on shared risk profiles.")]),
    ]
    everything = dict((section.key, rows) for section, rows in display_answers(application))
    assert everything["languages"][2] == ("Other languages and levels (optional)",
                                          "Kyrgyz (native)")
    assert everything["professional"][1] == ("Department or unit", "Risk management")


def test_anonymised_cv_is_a_kind_only_blind_calls_offer(db, create_call):
    assert document_kinds(create_call(blind_review=True)) == [
        DocumentKind.cv, DocumentKind.anonymised_cv, DocumentKind.nomination_letter,
        DocumentKind.certificate]
    assert document_kinds(create_call(blind_review=False)) == [
        DocumentKind.cv, DocumentKind.nomination_letter, DocumentKind.certificate]
