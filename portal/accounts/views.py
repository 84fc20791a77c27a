"""Account pages. Each view: load, check, validate, call one service, commit, redirect."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, invitations, notices, services, sessions
from portal.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegistrationForm,
    SetPasswordForm,
)
from portal.accounts.models import User
from portal.administrations.services import administration_time_zone
from portal.database import utcnow
from portal.extensions import db, limiter
from portal.forms import form_view
from portal.i18n import refresh_locale, select_locale
from portal.security import safe_next_url


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _profile_from(form) -> services.Profile:
    return services.Profile(
        full_name=form.full_name.data.strip(),
        native_name=(form.native_name.data or "").strip() or None,
        administration_code=form.administration_code.data,
        position=form.position.data.strip(),
        preferred_language=form.preferred_language.data,
        # Left to the administration's at registration: that one's main zone.
        time_zone=form.time_zone.data or administration_time_zone(form.administration_code.data),
    )


@bp.route("/register", methods=["GET", "POST"])
@form_view
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    form.privacy_version = notices.version_in_force()
    if request.method == "GET":
        form.preferred_language.data = select_locale()
        form.time_zone.data = ""  # the administration's
    if form.validate_on_submit():
        user = services.register(email=form.email.data, password=form.password.data,
                                 profile=_profile_from(form))
        if user is not None and form.privacy_version is not None:
            notices.record_acceptance(user, form.privacy_version, now=utcnow())
        db.session.commit()
        session["registered_email"] = services.normalize_email(form.email.data)
        return redirect(url_for("accounts.registered"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/check-your-email")
def registered():
    email = session.get("registered_email")
    if not email:
        return redirect(url_for("accounts.register"))
    return render_template("accounts/registered.html", email=email)


@bp.route("/verify-email/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token)
    except services.TokenExpired:
        db.session.rollback()
        return render_template("accounts/token_problem.html", expired=True,
                               purpose="verify"), 400
    except services.TokenInvalid:
        db.session.rollback()
        return render_template("accounts/token_problem.html", expired=False,
                               purpose="verify"), 400
    db.session.commit()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(url_for("main.index") if current_user.is_authenticated
                    else url_for("accounts.login"))


@bp.route("/account/resend-verification", methods=["POST"])
@form_view
@login_required
def resend_verification():
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.email_verified:
        services.send_verification_email(current_user)
        db.session.commit()
        flash(_("We have sent the link again to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
@form_view
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, scope="login-email")
def login():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.start_session(user, now=utcnow())
            _start_session(user)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
        db.session.commit()  # the audit event of a failure is kept too
        if user is not None:
            return redirect(next_url or url_for("main.index"))
        form.password.errors.append(_("The e-mail address or the password is not right."))
    # Why the last session ended, said once (on the page a timed-out user is sent to).
    ended = sessions.ended_message(session.pop(sessions.ENDED_KEY, None))
    return render_template("accounts/login.html", form=form, next_url=next_url,
                           ended_message=ended)


def _start_session(user: User) -> None:
    """A fresh cookie for the new sign-in session: nothing from before survives but the
    language."""
    sessions.keep_only_language()
    login_user(user)
    session.permanent = True


@bp.route("/logout", methods=["POST"])
@form_view
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(form.csrf_error_message, "warning")
        return redirect(url_for("main.index"))
    if current_user.is_authenticated:
        # The session's row ends: a copy of the cookie, wherever it is, no longer signs in.
        services.end_session(current_user.sign_in_session, now=utcnow())
        db.session.commit()
        logout_user()
        sessions.keep_only_language()
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@form_view
@limiter.limit(_reset_limit, methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data.strip())
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@form_view
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except (services.TokenExpired, services.TokenInvalid) as exc:
        return render_template("accounts/token_problem.html", purpose="reset",
                               expired=isinstance(exc, services.TokenExpired)), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@form_view
@limiter.limit(_reset_limit, methods=["POST"])
def accept_invitation(token: str):
    try:
        user = invitations.user_for_invitation(token)
    except (invitations.TokenExpired, invitations.TokenInvalid,
            invitations.InvitationUsed) as exc:
        return render_template("accounts/invitation_problem.html",
                               problem=type(exc).__name__), 400
    form = SetPasswordForm()
    form.privacy_version = notices.version_in_force()
    if form.validate_on_submit():
        invitations.accept_invitation(token, form.password.data)
        if form.privacy_version is not None:
            notices.record_acceptance(user, form.privacy_version, now=utcnow())
        db.session.commit()
        logout_user()
        flash(_("Your password is set and your e-mail address confirmed. Sign in with them "
                "now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/accept_invitation.html", form=form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@form_view
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, _profile_from(form))
        db.session.commit()
        refresh_locale()  # the next page may be in the account's new language or zone
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, confirm_form=ConfirmForm())


@bp.route("/account/password", methods=["GET", "POST"])
@form_view
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current_password=form.current_password.data,
                                     new_password=form.password.data,
                                     current_session=current_user.sign_in_session)
        except services.WrongPassword:
            db.session.commit()  # keep the audit event
            form.current_password.errors.append(_("This is not your current password."))
        else:
            db.session.commit()  # this session goes on; every other one has ended
            flash(_("Your password has been changed. Other sessions have been signed out."),
                  "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)
