"""The coordinator's pages of a call's deadline extensions: the list (with a search for the
person, who may have no application yet) and one person's extension, set, changed or removed."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import User
from portal.calls import bp, deadlines
from portal.calls.extension_forms import ExtensionForm, RemoveExtensionForm, extension_form_data
from portal.calls.models import Call, DeadlineExtension
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.i18n import format_moment
from portal.permissions import can_manage_calls, require
from portal.search import matches

MAX_FOUND = 20


@bp.route("/manage/calls/<int:call_id>/extensions")
@require(can_manage_calls)
def list_extensions(call_id: int):
    call = db.get_or_404(Call, call_id)
    search = request.args.get("q", "").strip()[:100]
    found = []
    if search:
        found = db.session.scalars(
            sa.select(User).where(matches(search, User.search_text), User.is_active_account)
            .order_by(User.full_name, User.id).limit(MAX_FOUND)).all()
    extensions = db.session.execute(
        sa.select(DeadlineExtension, User).join(User, User.id == DeadlineExtension.user_id)
        .where(DeadlineExtension.call_id == call.id)
        .order_by(DeadlineExtension.closes_at, User.full_name)).all()
    return render_template("calls/extensions.html", call=call, extensions=extensions,
                           search=search, found=found,
                           extended_ids={user.id for _extension, user in extensions},
                           extensible=call.state in deadlines.EXTENSIBLE_STATES)


@bp.route("/manage/calls/<int:call_id>/extensions/<int:user_id>", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def edit_extension(call_id: int, user_id: int):
    call, person = db.get_or_404(Call, call_id), db.get_or_404(User, user_id)
    extension = deadlines.extension_of(call, person)
    form = ExtensionForm(data=extension_form_data(call, extension))
    if form.validate_on_submit():
        moment = form.moment_in(call)
        if moment is not None:
            try:
                deadlines.set_extension(call, person, closes_at=moment, reason=form.reason.data,
                                        actor=current_user, now=utcnow(),
                                        expected_version=form.expected_version())
            except deadlines.ExtensionError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc.message))
            else:
                db.session.commit()
                flash(_("%(name)s may now apply until %(moment)s.", name=person.full_name,
                        moment=format_moment(moment, call.time_zone)), "success")
                return redirect(url_for("calls.list_extensions", call_id=call.id))
    return _extension_page(call, person, form, RemoveExtensionForm(
        data={"version": str(extension.version) if extension else ""}))


@bp.route("/manage/calls/<int:call_id>/extensions/<int:user_id>/remove", methods=["POST"])
@form_view
@require(can_manage_calls)
def remove_extension(call_id: int, user_id: int):
    call, person = db.get_or_404(Call, call_id), db.get_or_404(User, user_id)
    form = RemoveExtensionForm()
    if form.validate_on_submit():
        try:
            deadlines.remove_extension(call, person, reason=form.removal_reason.data,
                                       actor=current_user,
                                       expected_version=_int(form.version.data))
        except deadlines.ExtensionError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("%(name)s is held to the call's deadline again.", name=person.full_name),
                  "success")
            return redirect(url_for("calls.list_extensions", call_id=call.id))
    return _extension_page(call, person, ExtensionForm(
        data=extension_form_data(call, deadlines.extension_of(call, person))), form)


def _int(value) -> int:
    return int(value) if (value or "").isdigit() else -1


def _extension_page(call: Call, person: User, form, remove_form):
    extension = deadlines.extension_of(call, person)
    return render_template("calls/extension.html", call=call, person=person, form=form,
                           extension=extension, remove_form=remove_form,
                           set_by=db.session.get(User, extension.created_by_id)
                           if extension and extension.created_by_id else None,
                           extensible=call.state in deadlines.EXTENSIBLE_STATES)
