"""Accounts: registration, e-mail verification, sign-in, passwords and profiles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from portal.accounts import admin_views, email_views, merge_views, views  # noqa: E402,F401
