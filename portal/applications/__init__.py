"""Applications: the applicant's multi-step form, documents, submission; the coordinator's lists."""

from flask import Blueprint

bp = Blueprint("applications", __name__, template_folder="templates")

from portal.applications import document_views, manage_views, views  # noqa: E402,F401
from portal.applications.sections import display_answers  # noqa: E402
from portal.applications.services import public_state  # noqa: E402
from portal.applications.views import own_application  # noqa: E402

bp.add_app_template_global(display_answers)
bp.add_app_template_global(public_state)
# The public call page (calls/view.html) asks it: calls come before applications, so their
# view cannot import it.
bp.add_app_template_global(own_application)
