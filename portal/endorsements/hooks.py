"""How endorsements take part in applying, without applications importing them.

- The receivers of applications.signals: a submitted application's administration is asked
  for endorsement; a withdrawn one's endorsement is dropped.
- `endorsement_panel(application)`, a template global that the applicant's pages call if it is
  defined: the endorsement's state (and the reason of a refusal, if the call shows it), the
  warning that the administration has no nominating official, the button to ask early.
"""

from flask import render_template
from markupsafe import Markup

from portal.applications.models import ApplicationState
from portal.applications.signals import application_submitted, application_withdrawn
from portal.database import utcnow
from portal.endorsements import queries, services
from portal.endorsements.forms import RequestForm
from portal.endorsements.models import EndorsementState


def endorsement_panel(application, page: str = "overview") -> Markup:
    """What the applicant sees of their endorsement on `page` (overview or check)."""
    call = application.call
    if not call.endorsement_required or application.state == ApplicationState.withdrawn:
        return Markup("")
    endorsement = queries.endorsement_of(application.id)
    now = utcnow()
    # The template's own output, escaped by Jinja as it rendered.
    return Markup(render_template(  # noqa: S704
        "endorsements/_applicant_panel.html", application=application, call=call,
        endorsement=endorsement, page=page, deadline=services.deadline(call),
        no_focal_point=endorsement is None and application.administration_code is not None
        and not queries.has_focal_point(application.administration_code),
        can_ask=services.can_ask_early(application, now), form=RequestForm(),
        reason_shown=bool(endorsement and endorsement.state == EndorsementState.declined
                          and call.endorsement_reason_shown and endorsement.reason)))


def init_app(app) -> None:
    application_submitted.connect(services.on_submitted)
    application_withdrawn.connect(services.on_withdrawn)
    app.add_template_global(endorsement_panel)
