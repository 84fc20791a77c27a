"""The selected fellows' travel and visa export: what the office needs to book their travel and
support their visas (name as in the passport, e-mail, telephone, date of birth, administration,
the offer's state), for coordinators only, as CSV or XLSX, every download audited.

Separate from the selection committee's exports (portal/reports), which never carry these
details: only the fellows holding a place (state `accepted`: the offer accepted or still
awaiting an answer) are listed, in one query for the applications, their applicants,
administrations and offers, and one for their sections.
"""

import io
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.models import Application, ApplicationState
from portal.audit.services import record_event
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.permissions import can_export_travel, require
from portal.privacy import bp
from portal.reports.exports import CSV, XLSX, Table, csv_bytes, export_filename, xlsx_bytes

# The selected fellows who hold their place.
TRAVEL_STATES = (ApplicationState.accepted,)


def travelling_fellows(call_id: int) -> list[Application]:
    """The call's fellows holding a place, by name, with what the export reads loaded."""
    return list(db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call_id, Application.state.in_(TRAVEL_STATES))
        .options(so.joinedload(Application.applicant), so.joinedload(Application.administration),
                 so.joinedload(Application.offer), so.lazyload(Application.documents))
        .order_by(Application.applicant_name, Application.id)))


def travel_table(call: Call) -> Table:
    """One row per fellow holding a place; headers and labels in the current language."""
    headers = [_("Reference number"), _("Name as in the passport"), _("E-mail address"),
               _("Telephone"), _("Date of birth"), _("Administration"), _("Offer")]
    return Table(headers, [_row(application) for application in travelling_fellows(call.id)])


def _row(application: Application) -> list:
    personal = application.answers("personal")
    administration = application.administration
    offer = application.offer
    return [application.reference,
            personal.get("full_name") or application.applicant_name,
            application.applicant.email,
            personal.get("phone") or "",
            _date(personal.get("date_of_birth")),
            administration.name(get_locale()) if administration else "",
            offer.state.label if offer else ""]


def _date(value) -> date | str:
    """A stored date of birth as a date (a spreadsheet's date cell), else as written."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""


@bp.route("/manage/calls/<int:call_id>/exports/travel.csv")
@require(can_export_travel)
def travel_csv(call_id: int):
    call = db.get_or_404(Call, call_id)
    return _download(call, "export.travel_csv", csv_bytes(travel_table(call)),
                     export_filename(call, "travel", "csv", utcnow().date()), CSV)


@bp.route("/manage/calls/<int:call_id>/exports/travel.xlsx")
@require(can_export_travel)
def travel_xlsx(call_id: int):
    call = db.get_or_404(Call, call_id)
    content = xlsx_bytes([(_("Travel and visas"), travel_table(call))])
    return _download(call, "export.travel_xlsx", content,
                     export_filename(call, "travel", "xlsx", utcnow().date()), XLSX)


def _download(call: Call, action: str, content: bytes, filename: str, mimetype: str):
    record_event(action, actor=current_user, obj=call)
    db.session.commit()
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=filename)
