"""The audit trail: append-only events for everything security-relevant, and the log's page."""

from flask import Blueprint

bp = Blueprint("audit", __name__, template_folder="templates")

from portal.audit import views  # noqa: E402,F401
