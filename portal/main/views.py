"""Home page, language switcher and health check."""

import sqlalchemy as sa
from flask import (
    flash,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.calls.deadlines import deadlines_for
from portal.calls.services import open_calls
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.i18n import SESSION_LANGUAGE_KEY, is_supported_language, refresh_locale
from portal.main import bp
from portal.main.forms import LanguageForm
from portal.security import safe_next_url


@bp.route("/")
def index():
    role_names = ""
    if current_user.is_authenticated:
        role_names = ", ".join(sorted(role.label for role in current_user.roles))
    calls = open_calls(utcnow())
    # The viewer's own deadlines (a coordinator may have extended one), in one query.
    return render_template("main/index.html", role_names=role_names, calls=calls,
                           deadlines=deadlines_for(calls, current_user))


# What the switcher says to someone whose e-mails stay in their account's language.
EMAIL_LANGUAGE_NOTES = {
    "en": _l("E-mails to you are still written in English; you can change their language in "
             "your profile."),
    "ru": _l("E-mails to you are still written in Russian; you can change their language in "
             "your profile."),
}


@bp.route("/language", methods=["POST"])
@form_view
def set_language_choice():
    form = LanguageForm()
    back = safe_next_url(form.next.data) or url_for("main.index")
    if not form.validate_on_submit():
        flash(form.csrf_error_message, "warning")
        return redirect(back)
    # An unknown language is ignored, never an error: the page stays as it was.
    if is_supported_language(form.lang.data):
        # The pages' language only: the account's, that of its e-mails, is set in the profile.
        session[SESSION_LANGUAGE_KEY] = form.lang.data
        refresh_locale()
        if current_user.is_authenticated and current_user.preferred_language != form.lang.data:
            note = EMAIL_LANGUAGE_NOTES.get(current_user.preferred_language)
            if note is not None:
                flash(str(note), "info")
    return redirect(back)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.app_context_processor
def language_switcher():
    if not has_request_context():  # e-mails rendered by the background sender
        return {}
    # The switcher is written out in base.html rather than built as a LanguageForm: a form
    # object on every page cost more than the rest of the base template.
    return {"current_path": request.full_path.rstrip("?")}
