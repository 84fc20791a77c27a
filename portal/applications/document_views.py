"""The applicant's documents page: uploading, removing and downloading files."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications import bp, services
from portal.applications.forms import ConfirmForm, UploadForm
from portal.applications.layout import call_form
from portal.applications.models import Application, Document, DocumentKind
from portal.applications.views import own_application_by_id
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_view_application
from portal.storage import send_stored


@bp.route("/applications/<int:application_id>/documents", methods=["GET", "POST"])
@form_view
@login_required
def documents(application_id: int):
    application = own_application_by_id(application_id)
    if request.method == "GET" and services.missed_deadline(application, utcnow()):
        return redirect(url_for("applications.view_application", application_id=application.id))
    form = UploadForm()
    layout = call_form(application.call)
    if form.validate_on_submit():
        try:
            kind = DocumentKind(form.kind.data)
        except ValueError:
            abort(400)
        if kind == DocumentKind.answer:
            abort(400)  # answered on the question's own section page
        upload = request.files.get("file")
        try:
            services.add_document(application, kind=kind, stream=upload.stream if upload else None,
                                  filename=upload.filename if upload else "",
                                  actor=current_user, now=utcnow())
        except services.ApplicationError as exc:
            db.session.rollback()
            form.file.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("%(document)s uploaded.", document=kind.label), "success")
            return redirect(url_for("applications.documents", application_id=application.id))
    return render_template("applications/documents.html", application=application, form=form,
                           progress=layout.progress(application),
                           kinds=layout.document_kinds(),
                           required_kinds=layout.required_documents(),
                           failed_kind=form.kind.data if form.errors else None,
                           editable=services.is_editable(application, utcnow()))


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/remove",
          methods=["GET", "POST"])
@form_view
@login_required
def remove_document(application_id: int, document_id: int):
    """Asks first, on a page of its own (so without any script), then removes the file."""
    application = own_application_by_id(application_id)
    document = _document_of(application, document_id)
    layout = call_form(application.call)
    back = _document_page(application, document)
    if request.method == "GET" and not services.is_editable(application, utcnow()):
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_document(application, document, actor=current_user, now=utcnow())
        except services.ApplicationError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("%(document)s removed.", document=document.file_name
                    if document.question is not None else document.kind.label), "info")
        return redirect(back)
    required = (document.question.required if document.question is not None
                else document.kind in layout.required_documents())
    return render_template("applications/remove_document.html", application=application,
                           document=document, form=form, required=required, back=back)


def _document_page(application: Application, document: Document) -> str:
    """The page a document was uploaded on: its question's section, or the documents."""
    if document.question is not None:
        return url_for("applications.edit_section", application_id=application.id,
                       key=document.question.section_key)
    return url_for("applications.documents", application_id=application.id)


def _document_of(application: Application, document_id: int) -> Document:
    document = next((d for d in application.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return document


@bp.route("/applications/<int:application_id>/documents/<int:document_id>")
@login_required
def download_document(application_id: int, document_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not can_view_application(current_user, application):
        abort(404)
    document = _document_of(application, document_id)
    return send_stored(document.storage_key, mimetype=document.content_type,
                       as_attachment=True, download_name=document.file_name,
                       max_age=0, conditional=True, etag=document.sha256)
