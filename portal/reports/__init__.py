"""Reports of a call for coordinators: spreadsheet exports, PDF dossiers, the documents archive."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")

from portal.reports import views  # noqa: E402,F401
