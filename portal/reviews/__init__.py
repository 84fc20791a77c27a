"""Reviewing: reviewers, conflict-aware assignment, blind scoring, progress."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, template_folder="templates")

from portal.accounts.signals import administration_changed  # noqa: E402
from portal.reviews import jobs, manage_views, services, views  # noqa: E402,F401

# A user moved to another administration: the assignments that became a conflict end.
administration_changed.connect(services.on_administration_changed)


@bp.app_template_global()
def assignment_reasons(assignment) -> list[str]:
    """Why a reviewer was chosen, in the viewer's language (for the coordinator's pages)."""
    from portal.reviews.automatic import assignment_reasons as describe

    return describe(assignment)
