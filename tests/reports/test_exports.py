"""The spreadsheets a coordinator takes to the selection committee."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.reports.exports import applications_export, csv_bytes, neutralize, xlsx_bytes

APPLICATION_HEADERS_EN = [
    "Rank", "Reference number", "Applicant", "Administration", "Language of the application",
    "Status", "Reviews submitted", "Reviews expected", "Mean score (points)",
    "Normalized score (points)", "Standard deviation (points)", "Lowest total (points)",
    "Highest total (points)", "Reviews missing", "Disagreement", "Decision",
    "Waiting list position", "Decision note"]
REVIEW_HEADERS_EN = ["Reference number", "Reviewer", "Experience", "Motivation",
                     "Weighted total (points)", "Overall recommendation",
                     "Reviewer's confidence (1–5)", "Comments", "Submitted at (UTC)"]
HYPERLINK = '=HYPERLINK("http://x")'


@pytest.fixture
def decided(db, reviewed_call, coordinator):
    """The first application selected, the second on the waiting list."""
    from portal.selection.models import Decision, Outcome

    call, apps = reviewed_call
    db.session.add_all([
        Decision(application_id=apps["first"].id, call_id=call.id, outcome=Outcome.accepted,
                 note="Strong project", decided_by_id=coordinator.id),
        Decision(application_id=apps["second"].id, call_id=call.id,
                 outcome=Outcome.waitlisted, waitlist_position=1, note="-discuss",
                 decided_by_id=coordinator.id)])
    db.session.commit()
    return call, apps


def read_csv(response):
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Cyrillic
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_applications_csv_rows_and_numbers(download, client, login_as, coordinator, decided):
    call, apps = decided
    login_as(coordinator)
    response = download(f"/manage/calls/{call.id}/exports/applications.csv")
    rows = read_csv(response)
    ref = {key: a.reference for key, a in apps.items()}
    assert rows == [
        APPLICATION_HEADERS_EN,
        # Normalized by hand: Anna's totals 100, 33.33, 50; Boris's 75, 100 (see conftest).
        ["1", ref["first"], "Ivan Petrov", "Russia", "English", "Under review", "2", "2",
         "87.5", "76.64", "12.5", "75.0", "100.0", "No", "No", "Selected", "", "Strong project"],
        ["2", ref["second"], "Ivan Petrov", "Russia", "English", "Under review", "2", "2",
         "66.67", "71.93", "33.33", "33.33", "100.0", "No", "Yes", "Waiting list", "1",
         "'-discuss"],
        ["3", ref["third"], "'" + HYPERLINK, "Russia", "English", "Under review", "1", "2",
         "50.0", "61.21", "0.0", "50.0", "50.0", "Yes", "No", "", "", ""],
        ["", ref["ineligible"], "Ivan Petrov", "Russia", "English", "Ineligible",
         *[""] * 12],
    ]
    assert re.fullmatch(rf"attachment; filename=FEL-{call.slug}-applications-"
                        r"\d{4}-\d\d-\d\d\.csv", response.headers["Content-Disposition"])


def test_reviews_csv_one_row_per_submitted_review(download, client, login_as, coordinator,
                                                  submitted_at_a_known_moment):
    call, apps = submitted_at_a_known_moment
    login_as(coordinator)
    rows = read_csv(download(f"/manage/calls/{call.id}/exports/reviews.csv"))
    assert rows[0] == REVIEW_HEADERS_EN
    body = [row[:8] for row in rows[1:]]
    anna = "'" + HYPERLINK + " Сильный кандидат"
    assert body == [
        [apps["first"].reference, "Anna Reviewer", "5", "5", "100.0", "Recommend", "4", anna],
        [apps["first"].reference, "Boris Reviewer", "4", "4", "75.0", "Recommend", "4",
         "Clear project plan"],
        [apps["second"].reference, "Anna Reviewer", "1", "3", "33.33", "Recommend", "4", anna],
        [apps["second"].reference, "Boris Reviewer", "5", "5", "100.0", "Recommend", "4",
         "Clear project plan"],
        [apps["third"].reference, "Anna Reviewer", "3", "3", "50.0", "Recommend", "4", anna],
    ]
    assert [row[8] for row in rows[1:]] == ["2027-04-02 09:30"] * 5


@pytest.fixture
def submitted_at_a_known_moment(db, reviewed_call):
    """Every review of the call submitted at 09:30:15.123456 UTC on 2 April 2027."""
    from portal.reviews.models import Review

    for review in db.session.scalars(sa.select(Review)):
        review.submitted_at = datetime(2027, 4, 2, 9, 30, 15, 123456, tzinfo=UTC)
    db.session.commit()
    return reviewed_call


def test_review_times_are_a_date_cell_in_xlsx(download, client, login_as, coordinator,
                                              submitted_at_a_known_moment):
    call, _apps = submitted_at_a_known_moment
    login_as(coordinator)
    response = download(f"/manage/calls/{call.id}/exports/applications.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Reviews"]
    cells = [row[8] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.value, cell.number_format) for cell in cells] == [
        (datetime(2027, 4, 2, 9, 30, 15), "yyyy-mm-dd hh:mm")] * 5


def test_applications_xlsx_two_sheets_numbers_stay_numbers(download, client, login_as, coordinator,
                                                           decided):
    call, apps = decided
    login_as(coordinator)
    response = download(f"/manage/calls/{call.id}/exports/applications.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Applications", "Reviews"]
    applications = list(workbook["Applications"].iter_rows(values_only=True))
    assert list(applications[0]) == APPLICATION_HEADERS_EN
    assert applications[1][:3] == (1, apps["first"].reference, "Ivan Petrov")
    assert applications[1][6:13] == (2, 2, 87.5, 76.64, 12.5, 75, 100)
    assert applications[2][15:] == ("Waiting list", 1, "'-discuss")
    assert applications[3][2] == "'" + HYPERLINK
    assert applications[4][:2] == (None, apps["ineligible"].reference)
    reviews = list(workbook["Reviews"].iter_rows(values_only=True))
    assert list(reviews[0]) == REVIEW_HEADERS_EN
    assert reviews[1][:7] == (apps["first"].reference, "Anna Reviewer", 5, 5, 100, "Recommend", 4)
    assert len(reviews) == 6


def test_headers_and_labels_in_the_coordinators_language(download, client, login_as, create_user,
                                                         reviewed_call):
    call, apps = reviewed_call
    login_as(create_user(roles=("coordinator",), language="ru"))
    response = download(f"/manage/calls/{call.id}/exports/applications.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    applications = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert applications[0][1:3] == ("Регистрационный номер", "Кандидат")
    assert applications[1][3:5] == ("Россия", "Английский")
    reviews = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert reviews[0][1:4] == ("Эксперт", "Опыт", "Мотивация")
    csv_rows = read_csv(download(f"/manage/calls/{call.id}/exports/reviews.csv"))
    assert csv_rows[0][1:4] == ["Эксперт", "Опыт", "Мотивация"]


@pytest.mark.parametrize("text", [HYPERLINK, "+1", "-1", "@SUM(A1:A2)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralized_in_csv_and_xlsx(app, text):
    from portal.reports.exports import Table

    table = Table(["Name", "Count"], [[text, -3], ["Ivan", 2.5]])
    assert list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig")))) == [
        ["Name", "Count"], ["'" + text, "-3"], ["Ivan", "2.5"]]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("Sheet", table)]))).active
    # XML reads a carriage return back as a line feed; the quote in front is what matters.
    assert list(sheet.iter_rows(values_only=True))[1:] == [
        ("'" + text.replace("\r", "\n"), -3), ("Ivan", 2.5)]


def test_neutralize_leaves_ordinary_text_and_numbers():
    assert [neutralize(v) for v in ("Ivan", "a=b", "", -1, 2.5, None)] == [
        "Ivan", "a=b", "", -1, 2.5, None]


def test_every_export_is_audited(download, client, login_as, coordinator, reviewed_call, db):
    from portal.audit.models import AuditEvent

    call, apps = reviewed_call
    login_as(coordinator)
    for path in ("applications.csv", "reviews.csv", "applications.xlsx", "documents.zip"):
        assert download(f"/manage/calls/{call.id}/exports/{path}").status_code == 200
    assert client.get(f"/manage/applications/{apps['first'].id}/dossier.pdf").status_code == 200
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_type,
                  AuditEvent.object_id)
        .where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id)).all()
    on_call = ("call", str(call.id))
    assert [tuple(e) for e in events] == [
        ("export.applications_csv", coordinator.id, *on_call),
        ("export.reviews_csv", coordinator.id, *on_call),
        ("export.applications_xlsx", coordinator.id, *on_call),
        ("export.documents_zip", coordinator.id, *on_call),
        ("export.dossier_pdf", coordinator.id, "application", str(apps["first"].id))]


def test_export_queries_do_not_grow_with_applications(download, client, login_as, coordinator, db,
                                                      reviewed_call, create_application,
                                                      create_user):
    from portal.database import utcnow
    from portal.reviews import services as reviews

    call, apps = reviewed_call
    login_as(coordinator)
    url = f"/manage/calls/{call.id}/exports/applications.xlsx"

    def queries():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert download(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def add_reviewed_applications(count):
        for n in range(count):
            application = create_application(call=call, submit=True, applicant=create_user(
                administration=["GE", "TR", "KZ"][n % 3]))
            reviewer = create_user(roles=("reviewer",), administration="PL")
            assignment = reviews.assign_reviewer(application, reviewer, actor=None, now=utcnow())
            reviews.save_review(assignment, scores={str(c.id): 3 for c in call.criteria},
                                comments="ok", recommendation="neutral", confidence=3,
                                expected_version=0, submit=True, now=utcnow())
        db.session.commit()

    # Each measured export computes the changed ranking and replaces the file of the one before.
    queries()
    add_reviewed_applications(1)
    few = queries()
    add_reviewed_applications(6)
    assert queries() == few


def test_exports_of_a_call_without_applications_have_headers_only(app, create_call):
    applications, reviews = applications_export(create_call())
    assert (applications.rows, reviews.rows) == ([], [])
    assert len(applications.headers) == 18


def test_non_coordinators_cannot_export(client, forms, login_as, create_user, reviewed_call):
    call, _apps = reviewed_call
    assert client.get(f"/manage/calls/{call.id}/exports/applications.csv").status_code == 302
    login_as(create_user(roles=("reviewer",)))
    for path in ("applications.csv", "documents.zip"):
        url = f"/manage/calls/{call.id}/exports/{path}"
        assert client.get(url).status_code == 403
        assert forms.post(url, page="/").status_code == 403
    assert db_jobs() == 0


def db_jobs() -> int:
    from portal.extensions import db
    from portal.jobs.models import Job

    return db.session.scalar(sa.select(sa.func.count()).select_from(Job))


def test_reports_page_has_a_button_for_every_download_and_links_each_dossier(
        client, login_as, coordinator, reviewed_call):
    call, apps = reviewed_call
    login_as(coordinator)
    html = client.get(f"/manage/calls/{call.id}/reports").get_data(as_text=True)
    actions = re.findall(r'<form method="post" action="([^"]+)"', html)
    assert [action for action in actions if "/exports/" in action] == [
        f"/manage/calls/{call.id}/exports/{path}"
        for path in ("applications.xlsx", "applications.csv", "reviews.csv", "documents.zip")]
    for application in apps.values():
        assert f'href="/manage/applications/{application.id}/dossier.pdf"' in html
