"""The dossier shows every answer to the call's questions; the archive holds the files that
answer them, named by the question's number."""

import csv
import io
import zipfile

from tests.reports.call_questions import FULL, add_questions, answer, attach
from tests.reports.test_dossier_and_archive import pdf_text


def test_dossier_shows_every_answer_to_the_questions(client, login_as, coordinator,
                                                     reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["first"], questions, {**FULL, "case": "We found undervalued engines."})
    attach(apps["first"], questions["report"], name="study.pdf")
    login_as(coordinator)
    response = client.get(f"/manage/applications/{apps['first'].id}/dossier.pdf")
    text = pdf_text(response.data)
    for expected in ("Further questions", "Theme", "E-commerce", "Years in risk management",
                     "Fellow before?", "Describe a case", "We found undervalued engines.",
                     "Unit", "Risk unit", "Start date", "September 1, 2027", "Activities",
                     "Risk management; E-commerce", "Report", "study.pdf",
                     "File answering a question: Report"):
        assert expected in text, expected


def test_documents_zip_names_files_by_their_question_number(download, client, login_as, coordinator,
                                                            reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    attach(apps["first"], questions["report"], name="study.pdf")
    attach(apps["second"], questions["report"], name="other.pdf")
    login_as(coordinator)
    response = download(f"/manage/calls/{call.id}/exports/documents.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    # The report is the form's 8th question: 2 professional, 1 motivation, then 5 of its own.
    first, second = apps["first"].reference, apps["second"].reference
    assert {f"{first}/question-8-1.pdf", f"{second}/question-8-1.pdf"} <= set(archive.namelist())
    manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    rows = {row[0]: row for row in manifest[1:]}
    assert rows[f"{first}/question-8-1.pdf"][3:5] + rows[f"{first}/question-8-1.pdf"][7:] == [
        "File answering a question", "study.pdf", "8. Report"]
    assert rows[f"{first}/cv-1.pdf"][7] == ""
