"""A PDF copy of a submitted application (WeasyPrint; Cyrillic through the DejaVu fonts)."""

import io

from flask import render_template
from flask_babel import force_locale

from portal.applications.layout import call_form
from portal.applications.models import Application


def application_pdf(application: Application) -> io.BytesIO:
    """Render the application in the applicant's language. Takes a few hundred ms."""
    from weasyprint import HTML  # imported here: it is heavy, and only this needs it

    with force_locale(application.applicant.preferred_language):
        html = render_template("applications/pdf.html", application=application,
                               answers=call_form(application.call).display_answers(application))
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    buffer.seek(0)
    return buffer
