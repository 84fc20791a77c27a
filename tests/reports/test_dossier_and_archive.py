"""The PDF dossier of an application and the archive of a call's documents."""

import csv
import hashlib
import io
import zipfile

from pypdf import PdfReader

from tests.conftest import PDF_BYTES


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_dossier_in_russian_has_answers_scores_reviews_and_decision(client, login_as, db,
                                                                    create_user, reviewed_call):
    from portal.selection.models import Decision, Outcome

    call, apps = reviewed_call
    coordinator = login_as(create_user(roles=("coordinator",), language="ru"))
    db.session.add(Decision(application_id=apps["first"].id, call_id=call.id,
                            outcome=Outcome.accepted, note="Единогласно",
                            decided_by_id=coordinator.id))
    response = client.get(f"/manage/applications/{apps['first'].id}/dossier.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in (apps["first"].reference, "Сильный кандидат", "Clear project plan",
                     "Anna Reviewer", "Boris Reviewer", "Опыт", "Мотивация", "87,5",
                     "Единогласно", "Иван Петров", "Документы", "cv.pdf", "1 кБ"):
        assert expected in text, expected


def test_dossier_of_an_ineligible_application_says_it_has_no_scores(app, reviewed_call):
    from portal.reports.dossier import dossier_context

    _call, apps = reviewed_call
    context = dossier_context(apps["ineligible"])
    assert (context["row"], context["reviews"], context["decision"]) == (None, [], None)


def test_dossier_of_a_draft_does_not_exist(client, login_as, create_user, create_application):
    draft = create_application(complete=True)
    login_as(create_user(roles=("coordinator",)))
    assert client.get(f"/manage/applications/{draft.id}/dossier.pdf").status_code == 404


def test_documents_zip_holds_every_submitted_document_and_a_manifest(
        download, client, login_as, create_user, create_call, create_application, db):
    from portal.applications import services
    from portal.applications.models import DocumentKind
    from portal.database import utcnow

    call = create_call()
    first = create_application(call=call, complete=True)
    certificate = PDF_BYTES + b"% a second, different file\n"
    for name in ("Сертификат.PDF", "cert (final) №2.pdf"):
        services.add_document(first, kind=DocumentKind.certificate, stream=io.BytesIO(certificate),
                              filename=name, actor=first.applicant, now=utcnow())
    services.submit_application(first, actor=first.applicant, now=utcnow())
    first.applicant_name = "=cmd|' /C calc'!A0"
    second = create_application(call=call, submit=True)
    create_application(call=call, complete=True)  # a draft: its files stay out
    db.session.commit()
    login_as(create_user(roles=("coordinator",)))

    response = download(f"/manage/calls/{call.id}/exports/documents.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    # Entry name -> the SHA-256 of what the applicant uploaded.
    plain, other = (hashlib.sha256(b).hexdigest() for b in (PDF_BYTES, certificate))
    expected = {f"{first.reference}/cv-1.pdf": plain,
                f"{first.reference}/nomination_letter-1.pdf": plain,
                f"{first.reference}/certificate-1.pdf": other,
                f"{first.reference}/certificate-2.pdf": other,
                f"{second.reference}/cv-1.pdf": plain,
                f"{second.reference}/nomination_letter-1.pdf": plain}
    assert set(archive.namelist()) == set(expected) | {"manifest.csv"}
    assert {name: hashlib.sha256(archive.read(name)).hexdigest() for name in expected} == expected
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert manifest[0] == ["File in the archive", "Reference number", "Applicant",
                           "Kind of document", "Original file name", "Size (bytes)", "SHA-256",
                           "Question"]
    assert {row[0]: (row[1], int(row[5]), row[6]) for row in manifest[1:]} == {
        name: (name.split("/")[0], len(archive.read(name)), sha256)
        for name, sha256 in expected.items()}
    rows = {row[0]: row for row in manifest[1:]}
    assert rows[f"{first.reference}/certificate-1.pdf"][2:5] == [
        "'=cmd|' /C calc'!A0", "Certificate", "Сертификат.pdf"]
    assert rows[f"{first.reference}/certificate-2.pdf"][4] == "cert (final) №2.pdf"


def test_documents_zip_survives_a_file_lost_from_storage_and_says_so(
        download, app, client, login_as, create_user, create_call, create_application, db):
    from portal.storage import storage

    call = create_call()
    lost = create_application(call=call, submit=True)
    kept = create_application(call=call, submit=True)
    db.session.commit()
    with app.test_request_context():
        for document in lost.documents:
            storage().delete(document.storage_key)
        db.session.commit()
    login_as(create_user(roles=("coordinator",)))
    response = download(f"/manage/calls/{call.id}/exports/documents.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert not any(n.startswith(lost.reference) for n in names)
    assert any(n.startswith(kept.reference) for n in names)
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert f"missing from storage: {lost.reference}/" in manifest


def test_archive_names_a_document_by_its_verified_type_and_every_download_is_sandboxed(
        download, client, login_as, create_user, create_call, create_application, db):
    call = create_call()
    application = create_application(call=call, submit=True)
    document = application.documents[0]
    document.original_name = "cv\u202efdp.html"  # as stored before names were cleaned
    db.session.commit()
    login_as(create_user(roles=("coordinator",)))
    response = download(f"/manage/calls/{call.id}/exports/documents.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    entry = f"{application.reference}/{document.kind.value}-1.pdf"
    assert entry in archive.namelist()
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {row[0]: row[4] for row in manifest[1:]}[entry] == "cvfdp.pdf"
    for url in (f"/manage/calls/{call.id}/exports/documents.zip",
                f"/manage/calls/{call.id}/exports/applications.csv",
                f"/manage/calls/{call.id}/exports/reviews.csv",
                f"/manage/calls/{call.id}/exports/applications.xlsx",
                f"/manage/applications/{application.id}/dossier.pdf"):
        response = download(url) if "/exports/" in url else client.get(url)
        assert (response.status_code, response.headers["Content-Security-Policy"]) == (
            200, "sandbox"), url
