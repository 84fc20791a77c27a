"""A call's applications and reviews as tables, written as CSV or XLSX.

Headers and labels are in the current locale. Text that a spreadsheet would read as a formula
is neutralized, so an applicant cannot plant one in the coordinator's Excel.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.accounts.models import User
from portal.applications.models import Application, ApplicationState
from portal.extensions import db
from portal.phrases import LANGUAGE_NAMES
from portal.reports.answers import call_answers, exported_questions
from portal.selection.queries import RankingRow, call_ranking

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula (or can start one) in Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How a moment reads in a CSV cell, and how a spreadsheet shows an XLSX date cell.
CSV_MOMENT = "%Y-%m-%d %H:%M"
XLSX_MOMENT = "yyyy-mm-dd hh:mm"
# Control characters that XLSX (XML 1.0) cannot hold; openpyxl refuses them.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Table:
    headers: list[str]
    rows: list[list]


def neutralize(value):
    """Text that would start a formula gets a leading quote; numbers and the rest pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def points(value) -> float | None:
    """A score in points (Fraction or float) rounded for a spreadsheet."""
    return None if value is None else round(float(value), 2)


def utc_cell(moment: datetime | None) -> datetime | None:
    """A moment for a "(UTC)" column: naive UTC to the second, which spreadsheets can hold."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def export_filename(call, kind: str, extension: str, today: date) -> str:
    """FEL-<call slug>-<kind>-<date>.<ext>, in ASCII whatever the slug holds."""
    slug = re.sub(r"[^a-z0-9]+", "-", call.slug.lower()).strip("-") or f"call-{call.id}"
    return f"FEL-{slug}-{kind}-{today.isoformat()}.{extension}"


# --- the applications table -------------------------------------------------------------------

def application_table(call, ranking: list[RankingRow]) -> Table:
    """One row per ranked application, then the ineligible ones (no rank, no scores)."""
    headers = [_("Rank"), _("Reference number"), _("Applicant"), _("Administration"),
               _("Language of the application"), _("Status"), _("Reviews submitted"),
               _("Reviews expected"), _("Mean score (points)"), _("Normalized score (points)"),
               _("Standard deviation (points)"), _("Lowest total (points)"),
               _("Highest total (points)"), _("Reviews missing"), _("Disagreement"),
               _("Decision"), _("Waiting list position"), _("Decision note")]
    applications = [row.application for row in ranking] + ineligible_applications(call.id)
    rows = [_ranked_row(row) for row in ranking]
    rows += [_unranked_row(application) for application in applications[len(ranking):]]
    # Then a column per question of the call (a retired one if it has answers), headed by its
    # text in the current language.
    answers = call_answers(call)
    questions = exported_questions(answers)
    headers += [question.text("text") for question in questions]
    for application, row in zip(applications, rows, strict=True):
        row += [answers.export_value(application.id, question) for question in questions]
    return Table(headers, rows)


def ineligible_applications(call_id: int) -> list[Application]:
    return db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call_id,
               Application.state == ApplicationState.screened_out)
        .options(so.joinedload(Application.administration), so.lazyload(Application.sections),
                 so.lazyload(Application.documents))
        .order_by(Application.reference)
    ).all()


def _application_cells(application: Application) -> list:
    administration = application.administration
    return [application.reference, application.applicant_name,
            administration.name(get_locale()) if administration else "",
            str(LANGUAGE_NAMES.get(application.language, application.language)),
            application.state.label]


def _ranked_row(row: RankingRow) -> list:
    score, decision = row.score, row.decision
    return [row.rank, *_application_cells(row.application), score.review_count,
            score.expected_reviews, points(score.raw_mean), points(score.normalized),
            points(score.std_dev), points(score.score_min), points(score.score_max),
            yes_no(score.missing_reviews), yes_no(score.disagreement),
            decision.outcome.label if decision else "",
            decision.waitlist_position if decision else None,
            decision.note if decision else ""]


def _unranked_row(application: Application) -> list:
    return [None, *_application_cells(application), *[None] * 9, "", None, ""]


# --- the reviews table ------------------------------------------------------------------------

def review_table(call, ranking: list[RankingRow]) -> Table:
    """One row per submitted review that counts in the ranking, in ranking order."""
    criteria = list(call.criteria)
    headers = [_("Reference number"), _("Reviewer"),
               *[criterion.text("name") for criterion in criteria],
               _("Weighted total (points)"), _("Overall recommendation"),
               _("Reviewer's confidence (1–5)"), _("Comments"), _("Submitted at (UTC)")]
    reviewers = reviewer_names(ranking)
    rows = []
    for row in ranking:
        for review in row.reviews:
            reviewer_id = review.assignment.reviewer_id
            rows.append([
                row.application.reference, reviewers.get(reviewer_id, ""),
                *[(review.scores or {}).get(str(c.id)) for c in criteria],
                points(row.score.totals.get(reviewer_id)),
                review.recommendation.label if review.recommendation else "",
                review.confidence, review.comments, utc_cell(review.submitted_at)])
    return Table(headers, rows)


def reviewer_names(ranking: list[RankingRow]) -> dict[int, str]:
    """The reviewers' names, in one query whatever the number of reviews."""
    ids = {review.assignment.reviewer_id for row in ranking for review in row.reviews}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all())


# --- writers ----------------------------------------------------------------------------------

def csv_bytes(table: Table, advance: Callable[[], None] | None = None) -> bytes:
    """UTF-8 with a byte order mark, which Excel needs to read Cyrillic correctly.
    `advance()` is called after each row (a job's progress)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([neutralize(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
        if advance is not None:
            advance()
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_MOMENT)
    return neutralize(value)


def xlsx_bytes(sheets: list[tuple[str, Table]], advance: Callable[[], None] | None = None
               ) -> bytes:
    """A workbook with one sheet per (title, table); numbers stay numbers. `advance()` is
    called after each row (a job's progress)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)  # streams rows instead of building a cell grid
    for title, table in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
            if advance is not None:
                advance()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value):
    """A date cell shown as a date for a moment; the value itself for the rest."""
    if not isinstance(value, datetime):
        return _xlsx_value(value)
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = XLSX_MOMENT
    return cell


def _xlsx_value(value):
    if isinstance(value, str):
        return neutralize(ILLEGAL_XML.sub("", value))
    return value


def applications_export(call) -> tuple[Table, Table]:
    """The applications and the reviews tables of a call, from one ranking."""
    ranking = call_ranking(call)
    return application_table(call, ranking), review_table(call, ranking)
