"""The admin's list of member administrations."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.administrations import bp
from portal.administrations.forms import AdministrationForm
from portal.administrations.models import Administration
from portal.administrations.services import update_administration
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_manage_administrations, require


@bp.route("/admin/administrations")
@require(can_manage_administrations)
def list_administrations():
    locale = get_locale()
    rows = db.session.scalars(sa.select(Administration)).all()
    rows.sort(key=lambda a: a.name(locale))
    return render_template("administrations/list.html", administrations=rows, locale=locale)


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
    return render_template("administrations/edit.html", form=form, administration=administration)
