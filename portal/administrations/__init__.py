"""Member administrations: the reference list every user belongs to."""

from flask import Blueprint

bp = Blueprint("administrations", __name__, template_folder="templates")

from portal.administrations import views  # noqa: E402,F401
