"""Statistics of a call for coordinators: charts drawn on the server as SVG, with their tables."""

from flask import Blueprint

bp = Blueprint("statistics", __name__, template_folder="templates")

from portal.statistics import views  # noqa: E402,F401
