"""How the privacy notice takes part in signing in, without accounts importing privacy.

At sign-in (Flask-Login's user_logged_in), a user who has not accepted the version in force is
marked in their session; until they accept it, every page sends them to /privacy/accept first
(a before_request hook). Pages that must stay reachable (the notice itself, signing out, the
language switch, static files) are let through. Only a marked session costs a look at the
user: the others pay nothing per request.
"""

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user, user_logged_in

from portal.privacy import notices

PENDING_KEY = "privacy_to_accept"
ALWAYS_REACHABLE = frozenset({
    "static", "accounts.logout", "main.set_language_choice", "main.healthz",
    "privacy.notice", "privacy.accept_notice",
})


def on_signed_in(_app, user, **_extra) -> None:
    """Mark the new session if the user accepted an older version than the one in force.

    Accounts that never accepted one (made by an admin's invitation or by command, before
    registration asked) are not stopped: registration is where a version is first accepted."""
    version = notices.needs_acceptance(user) if user.privacy_version is not None else None
    if version is not None:
        session[PENDING_KEY] = version
    else:
        session.pop(PENDING_KEY, None)


def ask_to_accept():
    """Send a marked, signed-in user to the notice before anything else."""
    endpoint = request.endpoint or ""
    if PENDING_KEY not in session or endpoint in ALWAYS_REACHABLE \
            or endpoint.endswith(".static"):  # Bootstrap's files, served by its blueprint
        return None
    if not current_user.is_authenticated:
        session.pop(PENDING_KEY, None)
        return None
    next_url = request.full_path if request.method == "GET" else None
    return redirect(url_for("privacy.accept_notice", next=next_url and next_url.rstrip("?")))


def accepted() -> None:
    session.pop(PENDING_KEY, None)


def init_app(app: Flask) -> None:
    user_logged_in.connect(on_signed_in, app)
    app.before_request(ask_to_accept)
