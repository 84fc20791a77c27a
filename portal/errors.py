"""Localized error pages; no stack trace ever reaches a user.

An unexpected error gets an incident id: the page shows it, the log has it beside the traceback,
so that an operator finds the one a user quotes (`grep incident=3F9A0C7B2E`).
"""

import secrets

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

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
CSRF_MESSAGE = (_l("Form expired"), _l(
    "This form had expired or was sent from another site, so nothing was saved. "
    "Please go back, reload the page and send it again."))


def render_error(code: int, title, message, incident: str | None = None):
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        body = {"error": str(title), "message": str(message)}
        if incident:
            body["incident"] = incident
        return body, code
    return render_template("errors/error.html", code=code, title=title, message=message,
                           incident=incident), code


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_error(code, title, message)


def handle_csrf_error(error: CSRFError):
    return render_error(400, *CSRF_MESSAGE)


def new_incident_id() -> str:
    return secrets.token_hex(5).upper()


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    original = getattr(error, "original_exception", error)
    incident = new_incident_id()
    current_app.logger.error("unhandled error incident=%s %s %s", incident, request.method,
                             request.path, exc_info=original)
    return render_error(500, *MESSAGES[500], incident=incident)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    if not app.debug:
        app.register_error_handler(Exception, handle_unexpected_error)
