"""Call pages: public ones under /calls/, the coordinator's under /manage/calls/.

Each view: load the object or 404, check permission (the `require` guard), validate the form,
call one service, commit, flash, redirect.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from portal.bilingual import CONTENT_LANGUAGES, current_language
from portal.calls import bp, services
from portal.calls.deadlines import accepts_from, extension_of
from portal.calls.forms import (
    CallForm,
    CloseCallForm,
    CopyCallForm,
    CriterionForm,
    DeleteCriterionForm,
    NewCallForm,
    NewCriterionForm,
    OpenCallForm,
    call_form_data,
    new_call_form_data,
    new_criterion_form_data,
)
from portal.calls.models import CALL_TEXT_FIELDS, Call, CallState, Criterion
from portal.calls.queries import calls_newest_first
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.i18n import format_moment
from portal.permissions import can_manage_calls, require

# --- The coordinator's pages -----------------------------------------------------------------


@bp.route("/manage/calls")
@require(can_manage_calls)
def list_calls():
    return render_template("calls/list.html", calls=calls_newest_first())


@bp.route("/manage/calls/new", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def create_call():
    form = NewCallForm(data=new_call_form_data(current_app.config["OFFICE_TIMEZONE"]))
    if form.validate_on_submit():
        call = services.create_call(actor=current_user, data=form.call_data())
        db.session.commit()
        flash(_("The draft call has been created."), "success")
        return redirect(url_for("calls.manage_call", call_id=call.id))
    return render_template("calls/edit.html", form=form, call=None, stale=None)


@bp.route("/manage/calls/<int:call_id>/edit", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def edit_call(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = CallForm(data=call_form_data(call), require_complete=call.state != CallState.draft)
    stale = None
    if form.validate_on_submit():
        try:
            services.update_call(call, actor=current_user, data=form.call_data(),
                                 expected_version=form.expected_version())
        except services.StaleCall:
            db.session.rollback()
            call = db.get_or_404(Call, call_id)
            # Their entries stay on the page; saving again now means "keep mine".
            stale = form.labels_differing_from(call)
            form.version.data = str(call.version)
        else:
            db.session.commit()
            flash(_("The call has been saved."), "success")
            return redirect(url_for("calls.manage_call", call_id=call.id))
    return render_template("calls/edit.html", form=form, call=call, stale=stale)


@bp.route("/manage/calls/<int:call_id>")
@require(can_manage_calls)
def manage_call(call_id: int):
    call = db.get_or_404(Call, call_id)
    is_draft = call.state == CallState.draft
    return render_template(
        "calls/manage.html", call=call, is_draft=is_draft,
        missing=services.missing_for_opening(call, utcnow()) if is_draft else [],
        criteria_editable=services.criteria_editable(call),
        open_form=OpenCallForm(), close_form=CloseCallForm(),
        total_weight=sum(c.weight for c in call.criteria))


@bp.route("/manage/calls/<int:call_id>/open", methods=["POST"])
@form_view
@require(can_manage_calls)
def open_call(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = OpenCallForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    else:
        try:
            services.open_call(call, actor=current_user, now=utcnow())
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The call has not been opened."), exc.problems)
        else:
            db.session.commit()
            flash(_("The call is open. Applications are accepted from %(moment)s.",
                    moment=format_moment(call.opens_at, call.time_zone)), "success")
    return redirect(url_for("calls.manage_call", call_id=call_id))


@bp.route("/manage/calls/<int:call_id>/close", methods=["POST"])
@form_view
@require(can_manage_calls)
def close_call(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = CloseCallForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    else:
        try:
            services.close_call(call, actor=current_user, now=utcnow())
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The call has not been closed."), exc.problems)
        else:
            db.session.commit()
            flash(_("The call is closed: no more applications are accepted."), "success")
    return redirect(url_for("calls.manage_call", call_id=call_id))


@bp.route("/manage/calls/<int:call_id>/copy", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def copy_call(call_id: int):
    source = db.get_or_404(Call, call_id)
    next_year = source.reference_year + 1 if source.reference_year is not None else None
    form = CopyCallForm(data={"programme_year": next_year})
    if form.validate_on_submit():
        try:
            copy = services.copy_call(source, actor=current_user,
                                      programme_year=form.programme_year.data)
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The call has not been copied."), exc.problems)
        else:
            db.session.commit()
            flash(_("This draft is a copy of %(title)s: set its dates, then check its texts, "
                    "criteria and questions.", title=source.text("title")), "success")
            return redirect(url_for("calls.edit_call", call_id=copy.id))
    return render_template("calls/copy.html", form=form, call=source)


@bp.route("/manage/calls/<int:call_id>/preview/<lang>")
@require(can_manage_calls)
def preview_call(call_id: int, lang: str):
    if lang not in CONTENT_LANGUAGES:
        abort(404)
    call = db.get_or_404(Call, call_id)
    # Only the call's page (the template's `in_language` block) is in the previewed language;
    # the coordinator's navigation and the preview's banner stay in the coordinator's.
    with force_locale(lang):
        page = _call_page(call, lang, preview=True)
    return render_template("calls/view.html", **page)


# --- Criteria --------------------------------------------------------------------------------


@bp.route("/manage/calls/<int:call_id>/criteria/new", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def add_criterion(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = NewCriterionForm(data=new_criterion_form_data())
    if form.validate_on_submit():
        try:
            services.add_criterion(call, actor=current_user, data=form.criterion_data())
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The criterion has not been added."), exc.problems)
        else:
            db.session.commit()
            flash(_("The criterion has been added."), "success")
        return redirect(url_for("calls.manage_call", call_id=call.id))
    return render_template("calls/criterion.html", form=form, call=call, criterion=None,
                           editable=services.criteria_editable(call))


@bp.route("/manage/calls/<int:call_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def edit_criterion(call_id: int, criterion_id: int):
    criterion = _criterion_of(call_id, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            services.update_criterion(criterion, actor=current_user, data=form.criterion_data())
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The criterion has not been saved."), exc.problems)
        else:
            db.session.commit()
            flash(_("The criterion has been saved."), "success")
        return redirect(url_for("calls.manage_call", call_id=call_id))
    return render_template("calls/criterion.html", form=form, call=criterion.call,
                           criterion=criterion,
                           editable=services.criteria_editable(criterion.call))


@bp.route("/manage/calls/<int:call_id>/criteria/<int:criterion_id>/delete",
          methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def delete_criterion(call_id: int, criterion_id: int):
    criterion = _criterion_of(call_id, criterion_id)
    form = DeleteCriterionForm()
    if form.validate_on_submit():
        try:
            services.remove_criterion(criterion, actor=current_user)
        except services.CallError as exc:
            db.session.rollback()
            _flash_problems(_("The criterion has not been deleted."), exc.problems)
        else:
            db.session.commit()
            flash(_("The criterion has been deleted."), "success")
        return redirect(url_for("calls.manage_call", call_id=call_id))
    return render_template("calls/criterion_delete.html", form=form, call=criterion.call,
                           criterion=criterion,
                           deletable=criterion.call.state == CallState.draft)


def _criterion_of(call_id: int, criterion_id: int) -> Criterion:
    """The criterion, if it belongs to that call (else 404: ids are not to be mixed)."""
    criterion = db.get_or_404(Criterion, criterion_id)
    if criterion.call_id != call_id:
        abort(404)
    return criterion


# --- The public page -------------------------------------------------------------------------


@bp.route("/calls/<slug>")
def view_call(slug: str):
    call = db.first_or_404(sa.select(Call).where(Call.slug == slug[:80]))
    if call.state == CallState.draft and not can_manage_calls(current_user):
        abort(404)
    return render_template("calls/view.html", **_call_page(call, current_language(), preview=False))


def _call_page(call: Call, language: str, *, preview: bool) -> dict:
    """What calls/view.html shows, in the given language (texts fall back to the other)."""
    now = utcnow()
    # The viewer's own deadline, when a coordinator extended it (never in a preview).
    extension = None if preview else extension_of(call, current_user)
    yours = extension.closes_at if extension and call.closes_at \
        and extension.closes_at > call.closes_at else None
    accepting = accepts_from(call, current_user, now, extension=extension)
    return {
        "call": call, "preview": preview, "language": language,
        "content": {name: _text_in(call, name, language) for name in CALL_TEXT_FIELDS},
        "criteria": [_text_in(c, "name", language) for c in call.criteria],
        "checked_rules": services.checked_eligibility(call),
        "missing_here": [services.FIELD_LABELS[name] for name in CALL_TEXT_FIELDS
                         if not getattr(call, f"{name}_{language}").strip()],
        "status": availability(call, now, yours if accepting else None),
        "your_deadline": yours,
        "accepting": accepting,
        "apply_url": url_for("applications.start_application", call_id=call.id)
        if accepting or preview else None,
        "show_viewer_zone": str(get_timezone()) != call.time_zone,
    }


def _text_in(obj, name: str, language: str) -> tuple[str, str]:
    """(text, the language it is really in): the other language stands in for a missing one."""
    if getattr(obj, f"{name}_{language}"):
        return getattr(obj, f"{name}_{language}"), language
    other = "ru" if language == "en" else "en"
    return getattr(obj, f"{name}_{other}") or "", other


def availability(call: Call, now: datetime, extended_until: datetime | None = None) -> str:
    """One line on whether and how long applications are accepted (until the viewer's
    extended deadline when they have one and it still runs)."""
    if call.closes_at is None:
        return ""
    if extended_until is not None and now < extended_until:
        return time_left(extended_until - now)
    if call.state not in (CallState.draft, CallState.open) or call.closes_at <= now:
        return _("Applications are closed.")
    if call.opens_at is not None and now < call.opens_at:
        return _("Applications open on %(moment)s.", moment=format_moment(call.opens_at))
    return time_left(call.closes_at - now)


def time_left(remaining: timedelta) -> str:
    """'3 days and 4 hours left', rounded down to whole hours."""
    hours_total = int(remaining.total_seconds() // 3600)
    if hours_total < 1:
        return _("Closes in less than an hour.")
    days, hours = divmod(hours_total, 24)
    if days == 0:
        return ngettext("%(num)d hour left.", "%(num)d hours left.", hours)
    if hours == 0:
        return ngettext("%(num)d day left.", "%(num)d days left.", days)
    # i18n: e.g. "3 days and 4 hours left."; the parts are "%(num)d day(s)" and
    # "%(num)d hour(s)". In Russian «Осталось: …» avoids agreeing the verb with the number.
    return _("%(days)s and %(hours)s left.",
             days=ngettext("%(num)d day", "%(num)d days", days),
             hours=ngettext("%(num)d hour", "%(num)d hours", hours))


# --- Helpers ---------------------------------------------------------------------------------


def _flash_problems(lead: str, problems) -> None:
    flash(lead, "danger")
    for problem in problems:
        flash(str(problem), "danger")


def _flash_form_errors(form) -> None:
    for _field_id, _label, message in form.error_items:
        flash(str(message), "warning")
