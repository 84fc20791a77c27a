"""The list of member administrations (admins edit them) and their focal points (admins and
coordinators manage them)."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.invitations import InvitationUsed, has_usable_password
from portal.administrations import bp, services
from portal.administrations.forms import (
    AdministrationForm,
    FocalPointActionForm,
    FocalPointForm,
    NewAdministrationForm,
)
from portal.administrations.models import Administration, FocalPoint
from portal.administrations.services import update_administration
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import (
    can_manage_administrations,
    can_manage_focal_points,
    can_view_administrations,
    require,
)


@bp.route("/admin/administrations")
@require(can_view_administrations)
def list_administrations():
    locale = get_locale()
    rows = db.session.scalars(sa.select(Administration)).all()
    rows.sort(key=lambda a: a.name(locale))
    return render_template("administrations/list.html", administrations=rows, locale=locale,
                           focal_point_counts=services.focal_point_counts())


@bp.route("/admin/administrations/new", methods=["GET", "POST"])
@form_view
@require(can_manage_administrations)
def new_administration():
    form = NewAdministrationForm(territories=services.territories_to_add(get_locale()))
    if form.validate_on_submit():
        administration = services.add_administration(
            code=form.code.data, actor=current_user, name_en=form.name_en.data,
            name_ru=form.name_ru.data, note=form.note.data or "")
        db.session.commit()
        flash(_("%(name)s has been added to the member administrations.",
                name=administration.name(get_locale())), "success")
        return redirect(url_for("administrations.edit_administration", code=administration.code))
    return render_template("administrations/new.html", form=form)


@bp.route("/admin/administrations/<code>", methods=["GET", "POST"])
@form_view
@require(can_manage_administrations)
def edit_administration(code: str):
    administration = db.get_or_404(Administration, code.upper()[:2])
    form = AdministrationForm(obj=administration)
    if form.validate_on_submit():
        update_administration(administration, actor=current_user, name_en=form.name_en.data,
                              name_ru=form.name_ru.data, note=form.note.data or "",
                              is_active=form.is_active.data)
        db.session.commit()
        flash(_("The administration has been saved."), "success")
        return redirect(url_for("administrations.list_administrations"))
    return render_template("administrations/edit.html", form=form, administration=administration,
                           focal_points=services.focal_points_of(administration.code))


@bp.route("/admin/administrations/<code>/focal-points", methods=["GET", "POST"])
@form_view
@require(can_manage_focal_points)
def focal_points(code: str):
    administration = db.get_or_404(Administration, code.upper()[:2])
    form = FocalPointForm()
    if form.validate_on_submit():
        try:
            focal_point = services.add_focal_point(
                administration, full_name=form.full_name.data, title=form.title.data,
                email=form.email.data, language=form.language.data, actor=current_user,
                now=utcnow())
        except services.FocalPointError as exc:
            db.session.rollback()
            form.email.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("%(name)s is now a focal point of this administration and has been told by "
                    "e-mail.", name=focal_point.user.full_name), "success")
            return redirect(url_for("administrations.focal_points", code=administration.code))
    rows = services.focal_points_of(administration.code)
    return render_template("administrations/focal_points.html", administration=administration,
                           focal_points=rows, form=form, confirm_form=FocalPointActionForm(),
                           invited={fp.id for fp in rows if not has_usable_password(fp.user)})


def _focal_point_or_404(code: str, focal_point_id: int) -> FocalPoint:
    focal_point = db.session.get(FocalPoint, focal_point_id)
    if focal_point is None or focal_point.administration_code != code.upper()[:2]:
        abort(404)
    return focal_point


@bp.route("/admin/administrations/<code>/focal-points/<int:focal_point_id>/remove",
          methods=["POST"])
@form_view
@require(can_manage_focal_points)
def remove_focal_point(code: str, focal_point_id: int):
    focal_point = _focal_point_or_404(code, focal_point_id)
    if FocalPointActionForm().validate_on_submit():
        name = focal_point.user.full_name
        services.remove_focal_point(focal_point, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is no longer a focal point of this administration.", name=name),
              "success")
    return redirect(url_for("administrations.focal_points", code=code.upper()))


@bp.route("/admin/administrations/<code>/focal-points/<int:focal_point_id>/resend",
          methods=["POST"])
@form_view
@require(can_manage_focal_points)
def resend_focal_point_invitation(code: str, focal_point_id: int):
    focal_point = _focal_point_or_404(code, focal_point_id)
    if FocalPointActionForm().validate_on_submit():
        try:
            services.resend_focal_point_invitation(focal_point, actor=current_user, now=utcnow())
        except InvitationUsed:
            db.session.rollback()
            flash(_("%(name)s has already set a password: there is no invitation to send again.",
                    name=focal_point.user.full_name), "info")
        else:
            db.session.commit()
            flash(_("The invitation has been sent again to %(email)s.",
                    email=focal_point.user.email), "success")
    return redirect(url_for("administrations.focal_points", code=focal_point.administration_code))
