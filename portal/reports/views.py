"""The coordinator's downloads of a call: every one is logged, since personal data leaves."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.models import Application, ApplicationState
from portal.audit.services import record_event
from portal.calls.models import Call
from portal.extensions import db
from portal.jobs.files import file_key, send_job_file
from portal.jobs.models import Job
from portal.permissions import can_download_export, can_manage_applications, require
from portal.reports import bp
from portal.reports.dossier import dossier_applications, dossier_pdf
from portal.reports.jobs import BY_KIND, EXPORTS, export_links, start_export

EXPORT_NAMES = ", ".join(f'"{name}"' for name in EXPORTS)


@bp.route("/manage/calls/<int:call_id>/reports")
@require(can_manage_applications)
def index(call_id: int):
    call = db.get_or_404(Call, call_id)
    return render_template("reports/index.html", call=call, rows=dossier_applications(call.id),
                           exports=export_links(call))


# The old direct downloads' addresses: a GET shows the page with the buttons (it must start
# nothing: a link preview or a crawler would), a POST starts the job building the file.
@bp.route(f"/manage/calls/<int:call_id>/exports/<any({EXPORT_NAMES}):name>",
          methods=["GET", "POST"])
@require(can_manage_applications)
def export(call_id: int, name: str):
    call = db.get_or_404(Call, call_id)
    if request.method == "GET":
        return redirect(url_for("reports.index", call_id=call.id))
    job, started = start_export(call, name, user=current_user)
    db.session.commit()  # the job runs once this commits
    if not started:
        flash(_("This file is already being prepared: here is its progress."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/manage/calls/<int:call_id>/exports/files/<int:job_id>")
@require(can_manage_applications)
def download_export(call_id: int, job_id: int):
    """The file a done export job of this call made, under the name it always had."""
    job = db.session.get(Job, job_id)
    if (job is None or job.call_id != call_id or job.kind not in BY_KIND
            or file_key(job) is None or not can_download_export(current_user, job)):
        abort(404)
    try:
        response = send_job_file(job)
    except FileNotFoundError:
        abort(404)
    record_event(BY_KIND[job.kind].action, actor=current_user, obj=db.session.get(Call, call_id))
    db.session.commit()
    return response


@bp.route("/manage/applications/<int:application_id>/dossier.pdf")
@require(can_manage_applications)
def dossier(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.state == ApplicationState.draft:
        abort(404)  # drafts are the applicant's own business until submitted
    pdf = dossier_pdf(application)
    # The reading transaction ends first: the ranking it read may have been written meanwhile in
    # a transaction of its own, and on SQLite a write cannot follow from the older snapshot.
    db.session.commit()
    record_event("export.dossier_pdf", actor=current_user, obj=application)
    db.session.commit()
    return send_file(pdf, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{application.reference}-dossier.pdf")
