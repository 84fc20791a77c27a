"""The coordinators' pages of a call's endorsement: the overview per administration and the
screening out of the candidates not endorsed."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_login import current_user

from portal.applications.forms import ScreenOutForm
from portal.calls.models import Call
from portal.database import utcnow
from portal.endorsements import bp, office
from portal.endorsements.models import EndorsementState
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_manage_applications, require


@bp.route("/manage/calls/<int:call_id>/endorsements")
@require(can_manage_applications)
def call_endorsements(call_id: int):
    call = db.get_or_404(Call, call_id)
    overview = office.call_overview(call, get_locale()) if call.endorsement_required else None
    return render_template("endorsements/office_overview.html", call=call, overview=overview,
                           states=list(EndorsementState), not_requested=office.NOT_REQUESTED,
                           deadline=office.endorsement_deadline(call), now=utcnow())


@bp.route("/manage/calls/<int:call_id>/endorsements/screen-out", methods=["GET", "POST"])
@form_view
@require(can_manage_applications)
def screen_out_non_endorsed(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = ScreenOutForm(data=None if request.method == "POST" else _default_reasons())
    refusal = None
    try:
        office.check_screening_allowed(call, utcnow())
    except office.OfficeError as error:
        refusal = str(error.message)
    if form.validate_on_submit() and refusal is None:
        try:
            count = office.screen_out_non_endorsed(call, actor=current_user, reason=form.reason_en.data,
                                                   reason_ru=form.reason_ru.data, now=utcnow())
        except office.OfficeError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(ngettext("%(num)d application not endorsed marked as ineligible.",
                           "%(num)d applications not endorsed marked as ineligible.", count), "info")
            return redirect(url_for("endorsements.call_endorsements", call_id=call.id))
    candidates = office.not_endorsed(call) if refusal is None else []
    return render_template("endorsements/office_screen_out.html", call=call, form=form,
                           refusal=refusal, candidates=candidates,
                           deadline=office.endorsement_deadline(call),
                           not_requested_label=office.NOT_REQUESTED_LABEL)


def _default_reasons() -> dict:
    reasons = {}
    for language in ("en", "ru"):
        with force_locale(language):
            reasons[f"reason_{language}"] = str(office.DEFAULT_REASON)
    return reasons
