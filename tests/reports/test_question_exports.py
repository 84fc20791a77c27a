"""The exports carry a column per question of the call, in the coordinator's language."""

import csv
import io
from datetime import UTC, datetime

import sqlalchemy as sa
from openpyxl import load_workbook

from portal.questions.models import Question, QuestionKind
from portal.reports.exports import applications_export
from tests.reports.call_questions import FULL, THEMES, add_questions, answer, attach

QUESTION_HEADERS_EN = ["Years in risk management", "Fellow before?", "Theme", "Describe a case",
                       "Unit", "Start date", "Activities", "Report"]
QUESTION_HEADERS_RU = ["Лет в управлении рисками", "Были стажёром?", "Тема", "Опишите случай",
                       "Подразделение", "Дата начала", "Мероприятия", "Отчёт"]


def _rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_applications_csv_has_a_column_per_question_in_form_order(download, client, login_as, coordinator,
                                                                  reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["first"], questions, FULL)
    attach(apps["first"], questions["report"])
    login_as(coordinator)
    rows = _rows(download(f"/manage/calls/{call.id}/exports/applications.csv"))
    assert rows[0][18:] == QUESTION_HEADERS_EN
    by_reference = {row[1]: row[18:] for row in rows[1:]}
    assert by_reference[apps["first"].reference] == [
        "7", "No", "E-commerce", "'=cmd|' /C calc'!A0 a case", "Risk unit", "2027-09-01",
        "Risk management; E-commerce", "my report.pdf"]
    assert by_reference[apps["second"].reference] == [""] * 8
    assert by_reference[apps["ineligible"].reference] == [""] * 8


def test_applications_csv_headers_and_choices_in_russian(download, client, login_as, coordinator, db,
                                                         reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["ineligible"], questions, FULL)
    coordinator.preferred_language = "ru"
    db.session.commit()
    login_as(coordinator)
    rows = _rows(download(f"/manage/calls/{call.id}/exports/applications.csv"))
    assert rows[0][18:] == QUESTION_HEADERS_RU
    row = next(r for r in rows if r[1] == apps["ineligible"].reference)
    assert row[18:25] == ["7", "Нет", "Электронная торговля", "'=cmd|' /C calc'!A0 a case",
                          "Risk unit", "2027-09-01",
                          "Управление рисками; Электронная торговля"]


def test_applications_xlsx_keeps_numbers_as_numbers(download, client, login_as, coordinator,
                                                    reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["first"], questions, FULL)
    login_as(coordinator)
    response = download(f"/manage/calls/{call.id}/exports/applications.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Applications"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][18:]) == QUESTION_HEADERS_EN
    first = next(r for r in rows if r[1] == apps["first"].reference)
    assert first[18] == 7 and isinstance(first[18], int)
    assert first[21] == "'=cmd|' /C calc'!A0 a case"


def test_retired_question_is_exported_only_with_answers(app, db, reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["first"], questions, {"years": 3})
    questions["years"].retired_at = questions["unit"].retired_at = datetime.now(UTC)
    db.session.commit()
    table, _reviews = applications_export(call)
    assert table.headers[18:] == [h for h in QUESTION_HEADERS_EN if h != "Unit"]


def test_export_queries_do_not_grow_with_questions(download, client, login_as, coordinator, db,
                                                   reviewed_call):
    call, apps = reviewed_call
    questions = add_questions(call)
    answer(apps["first"], questions, FULL)
    attach(apps["first"], questions["report"])
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

    queries()  # the first request after signing in does a session's chores
    queries()  # the first export: from the second on, each replaces the file before
    few = queries()
    for n in range(30):
        db.session.add(Question(call_id=call.id, section_key="extra-1", position=10 + n,
                                kind=list(QuestionKind)[n % 8], text_en=f"Q{n}",
                                text_ru=f"В{n}", choices=THEMES))
    db.session.commit()
    assert queries() == few
