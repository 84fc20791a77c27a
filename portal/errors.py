"""Localized error pages; no stack trace ever reaches a user.

An unexpected error gets an incident id: the page shows it, the log has it beside the traceback,
so that an operator finds the one a user quotes (`grep incident=3F9A0C7B2E`).

A database that cannot be reached (stopped, restarting, locked for too long) is an outage, not a
fault: the answer is 503 with Retry-After, and a form's text is shown back so that it is not lost.
"""

import re
import secrets
from contextlib import nullcontext

import sqlalchemy as sa
from flask import Flask, current_app, g, make_response, render_template, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from wtforms import HiddenField, PasswordField, StringField

from portal.extensions import db, login_manager
from portal.i18n import SESSION_LANGUAGE_KEY

MESSAGES = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"),
          _l("There is no page at this address. It may have been moved, or the link may be "
             "mistyped.")),
    405: (_l("This action is not possible here"), _l("This page cannot be used in this way.")),
    413: (_l("Too large"),
          _l("What you sent is larger than the portal accepts. Nothing was saved from this "
             "request: please go back and send a smaller file.")),
    429: (_l("Too many attempts"),
          _l("There were too many attempts in a short time. Please wait a few minutes and try "
             "again.")),
    500: (_l("Something went wrong"),
          _l("The portal could not complete your request. The error has been recorded; please "
             "try again in a few minutes.")),
}
OUTAGE_MESSAGE = (_l("The portal is briefly unavailable"), _l(
    "The portal cannot reach its database at the moment, so nothing was saved from this request. "
    "Please try again in a few minutes."))
# Seconds a client is asked to wait after a 503: a database restart takes about that long.
RETRY_AFTER_SECONDS = 30
# SQLite's result codes for "not now" rather than "wrong": busy, locked, I/O error, full, cannot open.
_SQLITE_UNAVAILABLE = {5, 6, 10, 13, 14}
# Fields never shown back on the outage page, whatever their form: secrets and tokens.
_SECRET_FIELD = re.compile(r"pass|token|secret|csrf|confirm", re.IGNORECASE)
CSRF_MESSAGE = (_l("Form expired"), _l(
    "This form had expired or was sent from another site, so nothing was saved. "
    "Please go back, reload the page and send it again."))


def render_error(code: int, title, message, incident: str | None = None,
                 template: str = "errors/error.html", **context):
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        body = {"error": str(title), "message": str(message)}
        if incident:
            body["incident"] = incident
        return body, code
    return render_template(template, code=code, title=title, message=message,
                           incident=incident, **context), code


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_error(code, title, message)


def handle_csrf_error(error: CSRFError):
    return render_error(400, *CSRF_MESSAGE)


def new_incident_id() -> str:
    return secrets.token_hex(5).upper()


def handle_unexpected_error(error: Exception):
    original = getattr(error, "original_exception", error)
    if isinstance(original, sa.exc.DBAPIError | sa.exc.TimeoutError) and is_database_outage(original):
        return handle_database_error(original)  # raised before any handler could see it
    db.session.rollback()
    incident = new_incident_id()
    current_app.logger.error("unhandled error incident=%s %s %s", incident, request.method,
                             request.path, exc_info=original)
    return render_error(500, *MESSAGES[500], incident=incident)


def is_database_outage(error: sa.exc.DBAPIError | sa.exc.TimeoutError) -> bool:
    """Whether the database could not be used at all (lost, refused, busy), as opposed to refusing
    what was asked of it (a bug, a broken constraint)."""
    if isinstance(error, sa.exc.TimeoutError) or error.connection_invalidated:
        return True  # no connection free in the pool; a connection lost
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:  # SQLite calls a syntax error "operational" too
        return code & 0xFF in _SQLITE_UNAVAILABLE
    return isinstance(error, sa.exc.OperationalError)  # refused, shut down, timed out


def handle_database_error(error: sa.exc.DBAPIError | sa.exc.TimeoutError):
    """503 while the database is out of reach, with the text the user sent shown back to copy."""
    if isinstance(error, sa.exc.DBAPIError) and not is_database_outage(error):
        if current_app.debug:
            raise error  # to the debugger, as any other fault
        return handle_unexpected_error(error)
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    current_app.logger.warning("database unavailable %s %s: %s", request.method, request.path,
                               reason)
    entries = typed_entries(_forms_in(error))
    language = _account_language()
    _forget_the_database()
    # The page's language as i18n.select_locale decides it, with the account's read beforehand.
    forced = force_locale(language) if language and not session.get(SESSION_LANGUAGE_KEY) \
        else nullcontext()
    with forced:
        body, code = render_error(503, *OUTAGE_MESSAGE, template="errors/outage.html",
                                  entries=entries)
    response = make_response(body, code)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _forms_in(error: BaseException) -> list[FlaskForm]:
    """The forms the failing request had built (a view's `form`), found in the traceback's frames.
    (`type`, not isinstance: a proxy such as `current_user` would load its object to answer.)"""
    forms, frame = [], error.__traceback__
    while frame is not None:
        forms += [value for value in frame.tb_frame.f_locals.values()
                  if issubclass(type(value), FlaskForm)]
        frame = frame.tb_next
    return forms


def typed_entries(forms=()) -> list[tuple[str, str]]:
    """(label, text) of each non-empty text field the request sent; passwords, tokens and hidden
    fields left out. With the request's forms known, their text fields are named by their labels;
    without, every field sent is shown by its name."""
    fields = {field.name: field for form in forms for field in form}
    entries = []
    for name, value in request.form.items(multi=True):
        field = fields.get(name)
        if not value.strip() or _SECRET_FIELD.search(name):
            continue
        if not fields:
            entries.append((name, value))
        elif isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField):
            entries.append((str(field.label.text), value))
    return entries


def _account_language() -> str | None:
    """The signed-in account's language if its row was read before the outage (never read now)."""
    state = sa.inspect(g.get("_login_user"), raiseerr=False)
    return state.dict.get("preferred_language") if state is not None else None


def _forget_the_database() -> None:
    """Let the page render with nothing more from the database: the session's transaction given
    up, the visitor shown as signed out (their account would have to be read again)."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.close()
    g._login_user = login_manager.anonymous_user()  # where Flask-Login keeps the request's user


def init_app(app: Flask) -> None:
    app.register_error_handler(sa.exc.DBAPIError, handle_database_error)
    app.register_error_handler(sa.exc.TimeoutError, handle_database_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    if not app.debug:
        app.register_error_handler(Exception, handle_unexpected_error)
