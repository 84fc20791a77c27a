"""The rules of applying, called directly."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.applications import services
from portal.applications.models import ApplicationState, Document, DocumentKind
from portal.calls.models import CallState
from portal.database import utcnow
from tests.conftest import COMPLETE_ANSWERS, PDF_BYTES


def test_start_prefills_from_profile_and_is_idempotent(db, create_user, create_call):
    applicant = create_user(full_name="Ivan Petrov", administration="RU")
    call = create_call()
    first = services.start_application(call, applicant=applicant, language="ru", now=utcnow())
    again = services.start_application(call, applicant=applicant, language="en", now=utcnow())
    assert first is again
    assert (first.language, first.applicant_name, first.administration_code) == (
        "ru", "Ivan Petrov", "RU")
    assert first.answers("personal")["full_name"] == "Ivan Petrov"


def test_start_refused_when_call_closed(db, create_user, create_call):
    call = create_call(closes_at=utcnow() - timedelta(seconds=1),
                       opens_at=utcnow() - timedelta(days=5))
    with pytest.raises(services.DeadlinePassed):
        services.start_application(call, applicant=create_user(), language="en", now=utcnow())


def test_save_section_reports_missing_answers_and_keeps_the_draft(db, create_application):
    application = create_application()
    result = services.save_section(application, "motivation",
                                   answers={"motivation": "Because.", "project_title": "",
                                            "project_description": ""},
                                   expected_version=0, now=utcnow())
    assert result.complete is False
    assert result.missing == ["Title of your proposed fellowship project",
                              "Proposed fellowship project"]
    assert application.answers("motivation")["motivation"] == "Because."
    assert application.section("motivation").version == 1


def test_save_section_with_stale_version_is_refused_and_keeps_first_text(db,
                                                                        create_application):
    application = create_application()
    services.save_section(application, "motivation", answers={"motivation": "First tab"},
                          expected_version=0, now=utcnow())
    with pytest.raises(services.StaleSection):
        services.save_section(application, "motivation", answers={"motivation": "Second tab"},
                              expected_version=0, now=utcnow())
    assert application.answers("motivation")["motivation"] == "First tab"


def test_save_section_after_deadline_is_refused(db, create_application):
    application = create_application()
    later = application.call.closes_at + timedelta(seconds=1)
    with pytest.raises(services.DeadlinePassed):
        services.save_section(application, "motivation", answers={"motivation": "Late"},
                              expected_version=0, now=later)


def test_a_draft_can_change_only_while_its_call_is_open_and_then_says_it_missed_it(
        db, create_application):
    application = create_application(complete=True)
    closes = application.call.closes_at
    in_time, late = closes - timedelta(seconds=1), closes
    assert (services.is_editable(application, in_time),
            services.missed_deadline(application, in_time),
            services.applicant_status(application, in_time)) == (True, False, "Draft")
    assert (services.is_editable(application, late),
            services.missed_deadline(application, late),
            services.applicant_status(application, late)) == (
        False, True, "Not submitted: deadline passed")


@pytest.mark.parametrize("change,message", [
    ("upload", "The call closed before the file could be uploaded. Nothing was changed."),
    ("remove", "The call has closed: the file was not removed. Nothing was changed."),
    ("submit", "The deadline for applications has passed: this application was not submitted "
               "and can no longer be submitted."),
])
def test_a_change_after_the_deadline_says_what_it_left_unchanged(db, create_application, change,
                                                                 message):
    application = create_application(complete=True)
    late = application.call.closes_at
    with pytest.raises(services.DeadlinePassed) as refused:
        if change == "upload":
            services.add_document(application, kind=DocumentKind.certificate,
                                  stream=io.BytesIO(PDF_BYTES), filename="c.pdf",
                                  actor=application.applicant, now=late)
        elif change == "remove":
            services.remove_document(application, application.documents[0],
                                     actor=application.applicant, now=late)
        else:
            services.submit_application(application, actor=application.applicant, now=late)
    assert str(refused.value.message) == message
    assert (application.state, len(application.documents)) == (ApplicationState.draft, 2)


def test_submit_incomplete_lists_everything_missing(db, create_application):
    application = create_application()
    with pytest.raises(services.IncompleteApplication) as refused:
        services.submit_application(application, actor=application.applicant, now=utcnow())
    problems = [str(p) for p in refused.value.problems]
    assert "Personal details: Date of birth" in problems
    assert "Documents: CV" in problems
    assert "Documents: Nomination letter" in problems
    assert application.state == ApplicationState.draft


def test_submit_gives_reference_email_and_read_only(db, create_application, outbox):
    application = create_application(complete=True)
    assert services.submit_application(application, actor=application.applicant, now=utcnow())
    db.session.commit()
    assert application.reference == "FEL-2027-0001"
    assert application.state == ApplicationState.submitted
    [message] = outbox()
    assert (message.kind, message.recipient) == ("application_submitted",
                                                 application.applicant.email)
    assert application.reference in message.subject
    with pytest.raises(services.NotEditable):
        services.save_section(application, "motivation", answers={},
                              expected_version=1, now=utcnow())


def test_references_count_up(db, create_application):
    first = create_application(submit=True)
    second = create_application(submit=True)
    assert (first.reference, second.reference) == ("FEL-2027-0001", "FEL-2027-0002")


def test_references_name_the_calls_programme_year_and_count_up_per_year(db, create_application,
                                                                        create_call):
    # All submitted in the same calendar year: the calls' programme years set the series.
    call_2027, call_2026 = create_call(programme_year=2027), create_call(programme_year=2026)
    another_2027 = create_call(programme_year=2027)
    references = [create_application(call=call, submit=True).reference
                  for call in (call_2027, call_2026, another_2027, call_2026)]
    assert references == ["FEL-2027-0001", "FEL-2026-0001", "FEL-2027-0002", "FEL-2026-0002"]


def test_deadline_one_second_before_accepted_one_second_after_refused(db, create_application):
    on_time = create_application(complete=True)
    late = create_application(complete=True, call=on_time.call)
    closes = on_time.call.closes_at
    assert services.submit_application(on_time, actor=on_time.applicant,
                                       now=closes - timedelta(seconds=1))
    with pytest.raises(services.DeadlinePassed):
        services.submit_application(late, actor=late.applicant, now=closes + timedelta(seconds=1))
    with pytest.raises(services.DeadlinePassed):
        services.submit_application(late, actor=late.applicant, now=closes)
    assert late.state == ApplicationState.draft


def test_second_submit_does_nothing(db, create_application, outbox):
    application = create_application(submit=True)
    assert services.submit_application(application, actor=application.applicant,
                                       now=utcnow()) is False
    assert len(outbox()) == 1


def test_upload_judged_by_content_not_name(app, db, create_application):
    application = create_application()
    for content in (b"<html><script>alert(1)</script></html>",
                    b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
                    b"\x89PNG\r\n\x1a\n" + b"\0" * 40):
        with pytest.raises(services.DocumentRefused):
            services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(content),
                                  filename="cv.pdf", actor=application.applicant, now=utcnow())
    assert application.documents == []
    assert _stored_files(app) == []


def test_certificate_may_be_an_image(db, create_application):
    application = create_application()
    document = services.add_document(
        application, kind=DocumentKind.certificate,
        stream=io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * 100), filename="cert.jpg",
        actor=application.applicant, now=utcnow())
    assert document.content_type == "image/jpeg"


def test_anonymised_cv_kept_beside_the_cv_in_a_blind_call_and_replaced_by_the_next(
        db, create_application, create_call):
    application = create_application(call=create_call(blind_review=True), complete=True)
    for name in ("anonymised.pdf", "anonymised-2.pdf"):
        services.add_document(application, kind=DocumentKind.anonymised_cv,
                              stream=io.BytesIO(PDF_BYTES), filename=name,
                              actor=application.applicant, now=utcnow())
    assert [(d.kind, d.original_name) for d in application.documents] == [
        (DocumentKind.cv, "cv.pdf"), (DocumentKind.nomination_letter, "nomination_letter.pdf"),
        (DocumentKind.anonymised_cv, "anonymised-2.pdf")]


def test_anonymised_cv_refused_when_the_call_is_not_blind(app, db, create_application,
                                                          create_call):
    application = create_application(call=create_call(blind_review=False))
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(application, kind=DocumentKind.anonymised_cv,
                              stream=io.BytesIO(PDF_BYTES), filename="anonymised.pdf",
                              actor=application.applicant, now=utcnow())
    assert str(refused.value.message) == (
        "This call is not reviewed blind: reviewers read your CV itself, so no anonymised CV "
        "is needed.")
    assert (application.documents, _stored_files(app)) == ([], [])


def test_upload_over_the_size_limit_leaves_nothing(app, db, create_application):
    app.config["MAX_DOCUMENT_SIZE"] = 1000
    application = create_application()
    with pytest.raises(services.DocumentRefused):
        services.add_document(application, kind=DocumentKind.cv,
                              stream=io.BytesIO(PDF_BYTES + b"x" * 2000), filename="cv.pdf",
                              actor=application.applicant, now=utcnow())
    assert _stored_files(app) == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\cv.pdf", "cv\x00.pdf",
                                  "cv\n.pdf", "dir/cv.pdf", ""])
def test_upload_with_unsafe_name_is_refused(app, db, create_application, name):
    application = create_application()
    with pytest.raises(services.DocumentRefused):
        services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(PDF_BYTES),
                              filename=name, actor=application.applicant, now=utcnow())
    assert _stored_files(app) == []


def test_replacing_a_cv_removes_the_old_file_after_commit(app, db, create_application):
    application = create_application(complete=True)
    old_key = application.documents_of(DocumentKind.cv)[0].storage_key
    services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(PDF_BYTES),
                          filename="new-cv.pdf", actor=application.applicant, now=utcnow())
    db.session.commit()
    assert [d.original_name for d in application.documents_of(DocumentKind.cv)] == ["new-cv.pdf"]
    assert old_key not in _stored_files(app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 2


def test_withdraw_while_open_only(db, create_application):
    application = create_application(submit=True)
    services.withdraw_application(application, actor=application.applicant, now=utcnow())
    assert application.state == ApplicationState.withdrawn
    other = create_application(submit=True)
    with pytest.raises(services.ApplicationError):
        services.withdraw_application(other, actor=other.applicant,
                                      now=other.call.closes_at + timedelta(seconds=1))


def test_screened_out_shows_as_submitted_until_results_are_published(db, create_user,
                                                                     create_application):
    coordinator = create_user(roles=("coordinator",))
    application = create_application(submit=True)
    services.screen_out(application, actor=coordinator, reason="Not a customs officer",
                        now=utcnow())
    assert services.public_state(application) == ApplicationState.submitted
    application.call.state = CallState.published
    assert services.public_state(application) == ApplicationState.screened_out


def test_complete_answers_cover_every_required_field():
    from portal.applications.sections import FORM_SECTIONS, missing_answers

    assert all(missing_answers(s, COMPLETE_ANSWERS[s.key]) == [] for s in FORM_SECTIONS)


def _stored_files(app):
    from pathlib import Path

    from portal.storage import storage

    if app.config["STORAGE_BACKEND"] == "database":
        return sorted(key for key, _written in storage().written())
    root = Path(app.config["STORAGE_PATH"])
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- What an upload is named, and whether it parses (issue 12, items 8-10) --------------------

@pytest.mark.parametrize("uploaded,kind,content,expected", [
    ("cv.html", DocumentKind.cv, PDF_BYTES + b"<script>alert(1)</script>\n", "cv.pdf"),
    ("tool.exe", DocumentKind.nomination_letter, PDF_BYTES, "tool.pdf"),
    ("cv\u202efdp.exe", DocumentKind.cv, PDF_BYTES, "cvfdp.pdf"),
    ("scan.pdf", DocumentKind.certificate, b"\xff\xd8\xff\xe0" + b"\0" * 100, "scan.jpg"),
])
def test_upload_is_named_with_the_extension_of_its_verified_type(db, create_application,
                                                                 uploaded, kind, content,
                                                                 expected):
    application = create_application()
    document = services.add_document(application, kind=kind, stream=io.BytesIO(content),
                                     filename=uploaded, actor=application.applicant,
                                     now=utcnow())
    assert (document.original_name, document.file_name) == (expected, expected)


UNREADABLE_PDF = ("This file could not be opened as a PDF document: it may be damaged or "
                  "protected by a password. Save it again as a PDF and upload it once more.")


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n<script>alert(1)</script>\n",
    b"%PDF-1.4\n" + b"A" * 5000,
    PDF_BYTES.replace(b"/Count 1", b"/Count 0").replace(b"Kids[3 0 R]", b"Kids[]"),  # no page
])
def test_upload_that_only_starts_like_a_pdf_is_refused(app, db, create_application, content):
    application = create_application()
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(content),
                              filename="cv.pdf", actor=application.applicant, now=utcnow())
    assert str(refused.value.message) == UNREADABLE_PDF
    assert (application.documents, _stored_files(app)) == ([], [])


def _compressed_object_bomb(size: int) -> bytes:
    """A PDF whose catalog sits in an object stream that inflates to `size` bytes."""
    import struct
    import zlib

    data = zlib.compress(b"1 0 " + b" " * size + b"<</Type/Catalog/Pages 2 0 R>>", 9)
    out = io.BytesIO(b"%PDF-1.5\n")
    out.seek(0, 2)
    stream_at = out.tell()
    out.write(b"3 0 obj<</Type/ObjStm/N 1/First 4/Length %d/Filter/FlateDecode>>stream\n"
              % len(data) + data + b"\nendstream endobj\n")
    pages_at = out.tell()
    out.write(b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n")
    xref_at = out.tell()
    rows = b"".join(bytes([kind]) + struct.pack(">IH", field, generation) for kind, field, generation
                    in ((0, 0, 65535), (2, 3, 0), (1, pages_at, 0), (1, stream_at, 0),
                        (1, xref_at, 0)))
    out.write(b"4 0 obj<</Type/XRef/Size 5/W[1 4 2]/Root 1 0 R/Length %d>>stream\n" % len(rows)
              + rows + b"\nendstream endobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def test_a_compression_bomb_is_refused_in_bounded_time(app, db, create_application):
    import time

    bomb = _compressed_object_bomb(300 * 1024 * 1024)
    assert len(bomb) < 400 * 1024
    application = create_application()
    started = time.monotonic()
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(bomb),
                              filename="cv.pdf", actor=application.applicant, now=utcnow())
    assert time.monotonic() - started < 5
    assert str(refused.value.message) == UNREADABLE_PDF
    assert _stored_files(app) == []


def test_parsing_a_pdf_is_bounded_in_time(app, db, create_application):
    app.config["PDF_CHECK_SECONDS"] = 0  # no time at all: even a good file is refused
    application = create_application()
    with pytest.raises(services.DocumentRefused) as refused:
        services.add_document(application, kind=DocumentKind.cv, stream=io.BytesIO(PDF_BYTES),
                              filename="cv.pdf", actor=application.applicant, now=utcnow())
    assert str(refused.value.message) == UNREADABLE_PDF
    assert _stored_files(app) == []
