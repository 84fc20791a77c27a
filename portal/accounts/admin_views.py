"""The admin's pages about people: the list of users and one user's account."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import bp, services
from portal.accounts.forms import UserAdminForm
from portal.accounts.models import Role, User
from portal.extensions import db
from portal.forms import form_view
from portal.pagination import requested_page
from portal.permissions import can_manage_users, require
from portal.search import matches


@bp.route("/admin/users")
@require(can_manage_users)
def list_users():
    search = (request.args.get("q") or "").strip()[:100]
    query = sa.select(User).order_by(User.full_name, User.id)
    if search:
        query = query.where(matches(search, User.search_text))
    page = db.paginate(query, page=requested_page(), per_page=50, error_out=False)
    return render_template("accounts/admin_users.html", page=page, search=search)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@form_view
@require(can_manage_users)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserAdminForm(data={"roles": sorted(user.roles), "is_active": user.is_active_account})
    if form.validate_on_submit():
        try:
            services.set_roles(user, {Role(r) for r in form.roles.data}, actor=current_user)
            services.set_active(user, form.is_active.data, actor=current_user)
        except services.LastAdmin:
            db.session.rollback()
            form.roles.errors.append(_("The portal needs at least one active administrator."))
        else:
            db.session.commit()
            flash(_("Changes to %(name)s saved.", name=user.full_name), "success")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template("accounts/admin_user.html", form=form, user=user)
