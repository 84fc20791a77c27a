"""Calls for applications: bilingual content, criteria, dates, and their states."""

from flask import Blueprint

bp = Blueprint("calls", __name__, template_folder="templates")

from portal.calls import commands, extension_views, views  # noqa: E402,F401
