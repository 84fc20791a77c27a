"""The selection committee's PDF dossier of one application (WeasyPrint, in the current locale)."""

import io

import sqlalchemy as sa
from flask import render_template

from portal.applications.models import Application
from portal.extensions import db
from portal.i18n import format_number
from portal.reports.exports import points, reviewer_names
from portal.selection.queries import call_ranking


def dossier_context(application: Application) -> dict:
    """What the dossier shows: answers come from the template; scores and reviews from here.

    The ranking of the whole call is loaded because a normalized score depends on every review
    of the reviewers concerned. An application outside the ranking (ineligible) has no row.
    """
    ranking = call_ranking(application.call)
    row = next((r for r in ranking if r.application.id == application.id), None)
    criteria = list(application.call.criteria)
    reviews = row.reviews if row else []
    names = reviewer_names([row]) if row else {}
    return {
        "application": application,
        "row": row,
        "score": row.score if row else None,
        "criteria": criteria,
        "reviews": [{
            "reviewer": names.get(review.assignment.reviewer_id, ""),
            "scores": [(c, (review.scores or {}).get(str(c.id))) for c in criteria],
            "total": points_text(row.score.totals.get(review.assignment.reviewer_id)),
            "review": review,
        } for review in reviews],
        "decision": application.decision,
        "points": points_text,
    }


def points_text(value) -> str:
    """A score in points as the dossier's language writes it (87,5 in Russian)."""
    return format_number(points(value))


def dossier_pdf(application: Application) -> io.BytesIO:
    """Render the dossier; takes a few hundred ms (WeasyPrint)."""
    from weasyprint import HTML  # heavy, and only the PDFs need it

    html = render_template("reports/dossier.html", **dossier_context(application))
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    buffer.seek(0)
    return buffer


def dossier_applications(call_id: int) -> list:
    """(id, reference, applicant_name) of the applications that have a dossier, by reference."""
    from portal.reports.archive import EXCLUDED_STATES

    return db.session.execute(
        sa.select(Application.id, Application.reference, Application.applicant_name)
        .where(Application.call_id == call_id, Application.state.not_in(EXCLUDED_STATES))
        .order_by(Application.reference)
    ).all()
