"""A person's new e-mail address: asked for on their own account page (or by an admin), it
takes effect when the link sent to the new address is followed."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts import bp, people
from portal.accounts.admin_forms import EmailChangeForm
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view


@bp.route("/account/email", methods=["GET", "POST"])
@form_view
@login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            changed = people.request_email_change(current_user, form.email.data,
                                                  actor=current_user)
        except people.EmailTaken:
            db.session.rollback()
            form.email.errors.append(_("Another account has this e-mail address."))
        else:
            db.session.commit()
            if changed:
                flash(_("We have sent a link to %(email)s. Your address changes when you open "
                        "it.", email=current_user.pending_email), "info")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        user = people.confirm_email_change(token, now=utcnow())
    except (people.TokenExpired, people.TokenInvalid, people.EmailTaken) as exc:
        db.session.rollback()
        return render_template("accounts/email_change_problem.html",
                               problem=type(exc).__name__), 400
    db.session.commit()
    flash(_("Thank you: your e-mail address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.profile") if current_user.is_authenticated
                    else url_for("accounts.login"))
