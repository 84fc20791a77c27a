"""The admin's pages about people: the list of users, a new user by invitation, one user's
account (details, e-mail, roles) and its actions (confirmation, password reset, deactivate)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import bp, people, queries, services
from portal.accounts.admin_forms import EditUserForm, NewUserForm
from portal.accounts.forms import ConfirmForm
from portal.accounts.invitations import has_usable_password
from portal.accounts.models import Role, User
from portal.administrations.services import administration_choices
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.pagination import requested_page
from portal.permissions import can_manage_users, require


@bp.route("/admin/users")
@require(can_manage_users)
def list_users():
    filters = queries.UserFilters.from_args(request.args)
    query = queries.users_query(filters, now=utcnow())
    page = db.paginate(query, page=requested_page(), per_page=50, error_out=False)
    return render_template(
        "accounts/admin_users.html", page=page, filters=filters, search=filters.search,
        role_choices=_choices(Role), state_choices=_choices(queries.AccountState),
        sign_in_choices=_choices(queries.LastSignIn), account_states=queries.account_states,
        administration_choices=administration_choices(get_locale(),
                                                      keep=filters.administration))


def _choices(values) -> list[tuple[str, str]]:
    return [(value.value, value.label) for value in values]


def _details(form) -> people.AccountDetails:
    return people.AccountDetails(
        full_name=form.full_name.data.strip(),
        native_name=(form.native_name.data or "").strip() or None,
        administration_code=form.administration_code.data or None,
        preferred_language=form.preferred_language.data,
        roles={Role(r) for r in form.roles.data})


@bp.route("/admin/users/new", methods=["GET", "POST"])
@form_view
@require(can_manage_users)
def new_user():
    form = NewUserForm()
    if request.method == "GET":
        form.preferred_language.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = people.create_by_invitation(email=form.email.data, details=_details(form),
                                               actor=current_user, now=utcnow())
        except people.EmailTaken:
            db.session.rollback()
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            db.session.commit()
            flash(_("%(name)s has been invited: the invitation has been sent to %(email)s.",
                    name=user.full_name, email=user.email), "success")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template("accounts/admin_user_new.html", form=form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@form_view
@require(can_manage_users)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user, keep_administration=user.administration_code,
                        data={"roles": sorted(user.roles)})
    if form.validate_on_submit():
        try:
            people.update_account(user, _details(form), actor=current_user)
            changed = people.request_email_change(user, form.email.data, actor=current_user)
        except services.LastAdmin:
            db.session.rollback()
            form.roles.errors.append(_("The portal needs at least one active administrator."))
        except people.EmailTaken:
            db.session.rollback()
            form.email.errors.append(_("Another account has this e-mail address."))
        else:
            db.session.commit()
            flash(_("Changes to %(name)s saved.", name=user.full_name), "success")
            if changed:
                flash(_("The address changes once the link sent to %(email)s is followed.",
                        email=user.pending_email), "info")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template("accounts/admin_user.html", form=form, user=user,
                           action_form=ConfirmForm(), states=queries.account_states(user),
                           invited=not has_usable_password(user))


@bp.route("/admin/users/<int:user_id>/resend-confirmation", methods=["POST"])
@form_view
@require(can_manage_users)
def resend_confirmation(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        sent = people.resend_confirmation(user, actor=current_user, now=utcnow())
        db.session.commit()
        if sent == "invitation":
            flash(_("The invitation has been sent again to %(email)s.", email=user.email),
                  "success")
        elif sent:
            flash(_("The confirmation link has been sent again to %(email)s.",
                    email=user.pending_email or user.email), "success")
        else:
            flash(_("%(name)s has nothing to confirm.", name=user.full_name), "info")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password-reset", methods=["POST"])
@form_view
@require(can_manage_users)
def send_password_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        people.send_password_reset(user, actor=current_user)
        db.session.commit()
        flash(_("A password reset link has been sent to %(email)s.", email=user.email),
              "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@form_view
@require(can_manage_users)
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@form_view
@require(can_manage_users)
def reactivate_user(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_active(user, active, actor=current_user)
        except services.LastAdmin:
            db.session.rollback()
            flash(_("The portal needs at least one active administrator."), "danger")
        else:
            db.session.commit()
            flash(_("%(name)s can sign in again.", name=user.full_name) if active else
                  _("%(name)s has been deactivated and signed out everywhere.",
                    name=user.full_name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
