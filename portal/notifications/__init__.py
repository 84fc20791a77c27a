"""E-mail: an outbox in the database, a mailer, and a background sender.

The blueprint has no pages; it carries the e-mail templates and what they share.
"""

from flask import Blueprint

from portal.bilingual import current_language
from portal.notifications.names import name_in_language

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.app_template_global()
def person_name(person) -> str:
    """A person's name as the e-mail being rendered names them (see names.py): every e-mail greets
    and names people through this, in the language it is rendered in."""
    return name_in_language(person, current_language())
