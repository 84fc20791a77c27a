"""Messages from the programme office to groups of people chosen by filters, in both languages."""

from flask import Blueprint, g

bp = Blueprint("messages", __name__, template_folder="templates")

from portal.messages import views  # noqa: E402,F401


@bp.app_template_global()
def unread_messages() -> int:
    """How many messages the signed-in person has not read yet (for the header), counted once
    per request and only when a page asks."""
    from flask_login import current_user

    from portal.messages.services import unread_count

    if not current_user.is_authenticated:
        return 0
    if "unread_messages" not in g:
        g.unread_messages = unread_count(current_user)
    return g.unread_messages


@bp.app_template_global()
def audience_label(audience: str) -> str:
    from portal.messages.audiences import audience_label as label

    return label(audience)
