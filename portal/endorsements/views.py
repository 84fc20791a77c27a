"""The focal point's pages under /endorsements/, and the applicant's early request.

Another administration's application, document or call does not exist here (404), and
nothing changes for it.
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications.models import Application
from portal.applications.sections import display_answers
from portal.calls.models import Call
from portal.database import utcnow
from portal.endorsements import bp, queries, services
from portal.endorsements.forms import DeclineForm, EndorseForm, MoveForm, PriorityForm, RequestForm
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_endorse, is_focal_point_for, is_owner, require
from portal.storage import send_stored


def _candidate(application_id: int):
    """(application, endorsement) the signed-in focal point may act on, or 404."""
    application = db.session.get(Application, application_id)
    if application is None or not is_focal_point_for(current_user, application):
        abort(404)
    return application, queries.endorsement_of(application.id)


@bp.route("/endorsements/")
@require(can_endorse)
def index():
    return render_template("endorsements/index.html",
                           rows=queries.calls_with_candidates(current_user))


@bp.route("/endorsements/calls/<int:call_id>")
@require(can_endorse)
def call_candidates(call_id: int):
    call = db.session.get(Call, call_id)
    candidates = queries.candidates_in(current_user, call_id) if call else []
    if not candidates:
        abort(404)
    groups = {}
    for endorsement in candidates:
        groups.setdefault(endorsement.administration_code, []).append(endorsement)
    quotas = {code: queries.quota_used(call_id, code) for code in groups}
    return render_template("endorsements/call.html", call=call, groups=groups, quotas=quotas,
                           open=services.accepts_decisions(call, utcnow()),
                           deadline=services.deadline(call))


@bp.route("/endorsements/applications/<int:application_id>")
@require(can_endorse)
def candidate(application_id: int):
    application, endorsement = _candidate(application_id)
    return _candidate_page(application, endorsement)


def _candidate_page(application, endorsement, *, endorse_form=None, decline_form=None,
                    priority_form=None):
    version = {"version": endorsement.version}
    call = application.call
    return render_template(
        "endorsements/candidate.html", application=application, endorsement=endorsement,
        call=call, answers=display_answers(application),
        used=queries.quota_used(call.id, endorsement.administration_code),
        open=services.accepts_decisions(call, utcnow()), deadline=services.deadline(call),
        endorse_form=endorse_form or EndorseForm(data={**version,
                                                       "statement": endorsement.statement}),
        decline_form=decline_form or DeclineForm(data={**version, "reason": endorsement.reason}),
        priority_form=priority_form or PriorityForm(data={**version,
                                                          "position": endorsement.priority}))


def _refused(application, endorsement, exc, form, **forms):
    db.session.rollback()
    db.session.refresh(endorsement)
    form.form_errors.append(str(exc.message))
    return _candidate_page(application, endorsement, **forms), 200


@bp.route("/endorsements/applications/<int:application_id>/endorse", methods=["POST"])
@form_view
@require(can_endorse)
def endorse(application_id: int):
    application, endorsement = _candidate(application_id)
    form = EndorseForm()
    if not form.validate_on_submit():
        return _candidate_page(application, endorsement, endorse_form=form), 200
    upload = form.letter.data
    letter = (upload.stream, upload.filename) if getattr(upload, "filename", "") else None
    try:
        services.endorse(endorsement, actor=current_user, statement=form.statement.data,
                         letter=letter, expected_version=form.expected_version, now=utcnow())
    except services.EndorsementError as exc:
        return _refused(application, endorsement, exc, form, endorse_form=form)
    db.session.commit()
    flash(_("The candidate is endorsed."), "success")
    return redirect(url_for("endorsements.candidate", application_id=application.id))


@bp.route("/endorsements/applications/<int:application_id>/decline", methods=["POST"])
@form_view
@require(can_endorse)
def decline(application_id: int):
    application, endorsement = _candidate(application_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _candidate_page(application, endorsement, decline_form=form), 200
    try:
        services.decline(endorsement, actor=current_user, reason=form.reason.data,
                         expected_version=form.expected_version, now=utcnow())
    except services.EndorsementError as exc:
        return _refused(application, endorsement, exc, form, decline_form=form)
    db.session.commit()
    flash(_("The endorsement is declined."), "success")
    return redirect(url_for("endorsements.candidate", application_id=application.id))


@bp.route("/endorsements/applications/<int:application_id>/priority", methods=["POST"])
@form_view
@require(can_endorse)
def set_priority(application_id: int):
    application, endorsement = _candidate(application_id)
    form = PriorityForm()
    if not form.validate_on_submit():
        return _candidate_page(application, endorsement, priority_form=form), 200
    try:
        services.place(endorsement, actor=current_user, position=form.position.data,
                       expected_version=form.expected_version, now=utcnow())
    except services.EndorsementError as exc:
        return _refused(application, endorsement, exc, form, priority_form=form)
    db.session.commit()
    flash(_("The priority is saved."), "success")
    return redirect(url_for("endorsements.call_candidates", call_id=application.call_id))


@bp.route("/endorsements/applications/<int:application_id>/move", methods=["POST"])
@form_view
@require(can_endorse)
def move(application_id: int):
    """Up or down by one in the priority, from the call's list (no script needed)."""
    application, endorsement = _candidate(application_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        try:
            services.move(endorsement, actor=current_user, direction=form.direction.data,
                          expected_version=form.expected_version, now=utcnow())
        except services.EndorsementError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
    elif form.errors:
        flash(" ".join(str(m) for messages in form.errors.values() for m in messages), "danger")
    return redirect(url_for("endorsements.call_candidates", call_id=application.call_id))


@bp.route("/endorsements/applications/<int:application_id>/documents/<int:document_id>")
@require(can_endorse)
def download_document(application_id: int, document_id: int):
    application, _endorsement = _candidate(application_id)
    document = next((d for d in application.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return send_stored(document.storage_key, mimetype=document.content_type,
                       as_attachment=True, download_name=document.file_name,
                       max_age=0, conditional=True, etag=document.sha256)


@bp.route("/endorsements/applications/<int:application_id>/pdf")
@require(can_endorse)
def download_pdf(application_id: int):
    from portal.applications.pdf import application_pdf

    application, _endorsement = _candidate(application_id)
    if application.reference is None:
        abort(404)
    return send_file(application_pdf(application), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{application.reference}.pdf",
                     max_age=0)


@bp.route("/endorsements/applications/<int:application_id>/letter")
@require(can_endorse)
def download_letter(application_id: int):
    _application, endorsement = _candidate(application_id)
    if not endorsement.letter_key:
        abort(404)
    return send_stored(endorsement.letter_key, mimetype="application/pdf",
                       as_attachment=True, download_name=endorsement.letter_name,
                       max_age=0, conditional=True, etag=endorsement.letter_sha256)


@bp.route("/applications/<int:application_id>/endorsement", methods=["POST"])
@login_required
def request_endorsement(application_id: int):
    """The applicant asks their administration before submitting, where the call allows it."""
    application = db.session.get(Application, application_id)
    if application is None or not is_owner(current_user, application):
        abort(404)
    if RequestForm().validate_on_submit():
        try:
            services.ask_before_submission(application, actor=current_user, now=utcnow())
        except services.EndorsementError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("Your administration's nominating officials have been asked to endorse "
                    "your application."), "success")
    back = "applications.check_answers" if request.form.get("next") == "check" \
        else "applications.view_application"
    return redirect(url_for(back, application_id=application.id))
