"""E-mail: an outbox in the database, a mailer, and a background sender.

The blueprint has no pages; it carries the e-mail templates.
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates")
