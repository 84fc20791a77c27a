"""The sign-in session of a request: which one the login cookie names, whether it is still alive,
and what a user whose session ended sees.

The cookie carries the id of a row of `sign_in_session` (portal/accounts/models.py), never
anything of the user: ending the row (signing out, a new password) makes every copy of the
cookie useless at once. A session also ends when left idle or when too old (config.py); the
sign-in page then says so, and a form sent into an ended session is shown back to copy.
"""

from flask import Flask, current_app, flash, g, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import login_url
from sqlalchemy.exc import SQLAlchemyError

from portal.accounts import services
from portal.database import utcnow
from portal.errors import typed_entries
from portal.extensions import db, login_manager
from portal.i18n import SESSION_LANGUAGE_KEY

# Why the last session ended ("idle", "lifetime"), kept in the cookie until the sign-in page.
ENDED_KEY = "session_ended"


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    app.teardown_request(_mark_session_used)


def keep_only_language() -> None:
    """Empty the Flask session (nothing carries across a sign-in or sign-out) but the language."""
    language = session.get(SESSION_LANGUAGE_KEY)
    session.clear()
    if language:
        session[SESSION_LANGUAGE_KEY] = language


def load_user(session_id: str):
    """Flask-Login's user loader: the user of the live session the cookie names, or None."""
    try:
        user = services.load_user(session_id)
    except services.SessionExpired as expired:
        _forget(expired.reason)
        return None
    if user is None:
        _forget("ended")  # signed out elsewhere, a new password, a suspension
        return None
    if services.session_needs_touch(user.sign_in_session, now=utcnow()):
        g.sign_in_to_touch = user.sign_in_session.id
    return user


def _forget(reason: str) -> None:
    keep_only_language()
    if reason in ("idle", "lifetime"):
        session[ENDED_KEY] = reason
    g.sign_in_lost = reason


def ended_message(reason: str | None) -> str | None:
    """What the sign-in page says about the session that timed out, if one did."""
    if reason == "idle":
        return _("You were signed out because the portal was not used for a while. "
                 "Please sign in again.")
    if reason == "lifetime":
        return _("You were signed out because you had been signed in for a long time. "
                 "Please sign in again.")
    return None


def unauthorized():
    """A page needs a signed-in user and there is none. A form sent into a session that has just
    ended is shown back, so that nothing typed is lost; anything else goes to the sign-in page,
    which says why the session ended if it timed out."""
    lost = g.get("sign_in_lost")
    next_url = login_url(login_manager.login_view, next_url=request.url)
    if lost and request.method == "POST":
        return render_template("accounts/session_ended.html", sign_in_url=next_url,
                               message=ended_message(lost) or _("Your session has ended. "
                                                                "Please sign in again."),
                               entries=typed_entries()), 401
    if session.get(ENDED_KEY) is None:
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(next_url)


def _mark_session_used(error: BaseException | None) -> None:
    """At most once a minute, record that the session was used (its idle timeout restarts).

    Done after the response, in a transaction of its own: what the request left uncommitted is
    dropped anyway, and a failure here costs the user nothing but a minute of idle time.
    """
    session_id = g.pop("sign_in_to_touch", None)
    if session_id is None or error is not None:
        return
    try:
        db.session.rollback()
        services.touch_session(session_id, now=utcnow())
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("could not record the use of a sign-in session",
                                   exc_info=True)

