"""The coordinator's downloads of a call: every one is logged, since personal data leaves."""

import io

from flask import abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.models import Application, ApplicationState
from portal.audit.services import record_event
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.permissions import can_manage_applications, require
from portal.reports import bp
from portal.reports.archive import documents_archive
from portal.reports.dossier import dossier_applications, dossier_pdf
from portal.reports.exports import applications_export, csv_bytes, export_filename, xlsx_bytes

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/manage/calls/<int:call_id>/reports")
@require(can_manage_applications)
def index(call_id: int):
    call = db.get_or_404(Call, call_id)
    return render_template("reports/index.html", call=call, rows=dossier_applications(call.id))


@bp.route("/manage/calls/<int:call_id>/exports/applications.csv")
@require(can_manage_applications)
def applications_csv(call_id: int):
    call = db.get_or_404(Call, call_id)
    applications, _reviews = applications_export(call)
    return _download(call, "export.applications_csv", csv_bytes(applications),
                     export_filename(call, "applications", "csv", utcnow().date()), CSV)


@bp.route("/manage/calls/<int:call_id>/exports/reviews.csv")
@require(can_manage_applications)
def reviews_csv(call_id: int):
    call = db.get_or_404(Call, call_id)
    _applications, reviews = applications_export(call)
    return _download(call, "export.reviews_csv", csv_bytes(reviews),
                     export_filename(call, "reviews", "csv", utcnow().date()), CSV)


@bp.route("/manage/calls/<int:call_id>/exports/applications.xlsx")
@require(can_manage_applications)
def applications_xlsx(call_id: int):
    call = db.get_or_404(Call, call_id)
    applications, reviews = applications_export(call)
    content = xlsx_bytes([(_("Applications"), applications), (_("Reviews"), reviews)])
    return _download(call, "export.applications_xlsx", content,
                     export_filename(call, "applications", "xlsx", utcnow().date()), XLSX)


@bp.route("/manage/calls/<int:call_id>/exports/documents.zip")
@require(can_manage_applications)
def documents_zip(call_id: int):
    call = db.get_or_404(Call, call_id)
    archive = documents_archive(call)
    record_event("export.documents_zip", actor=current_user, obj=call)
    db.session.commit()
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=export_filename(call, "documents", "zip", utcnow().date()))


@bp.route("/manage/applications/<int:application_id>/dossier.pdf")
@require(can_manage_applications)
def dossier(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.state == ApplicationState.draft:
        abort(404)  # drafts are the applicant's own business until submitted
    pdf = dossier_pdf(application)
    record_event("export.dossier_pdf", actor=current_user, obj=application)
    db.session.commit()
    return send_file(pdf, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{application.reference}-dossier.pdf")


def _download(call, action: str, content: bytes, filename: str, mimetype: str):
    record_event(action, actor=current_user, obj=call)
    db.session.commit()
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=filename)
