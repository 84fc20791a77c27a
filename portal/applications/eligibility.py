"""A call's checked eligibility rules against an application: warnings, never refusals.

The call states its rules in words (its eligibility text) and, for those the portal can check,
in fields (`Call.min_years_in_service`, `Call.former_fellows_excluded`). `eligibility_problems`
compares them with what is known of an application; the applicant reads the result on the check
page before submitting, the coordinators as a flag on the list and the application's page. The
coordinators decide: an application is never refused for it.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.applications.models import Application, ApplicationSection, ApplicationState
from portal.extensions import db


def eligibility_problems(call, *, years_in_service, former_fellow: bool) -> list:
    """What contradicts the call's rules, as sentences for the applicant and the coordinators
    alike (lazy). Empty when nothing does, or when the call checks nothing. An answer not given
    yet contradicts nothing: the check page lists it as missing instead."""
    problems = []
    minimum = call.min_years_in_service
    if minimum is not None and isinstance(years_in_service, int) and years_in_service < minimum:
        problems.append(lazy_ngettext(
            "Years in customs service: %(years)d; the call asks for at least %(num)d.",
            "Years in customs service: %(years)d; the call asks for at least %(num)d.",
            minimum, years=years_in_service))
    if call.former_fellows_excluded and former_fellow:
        problems.append(_l("An application from this account was selected for a ROCB Europe "
                           "fellowship in an earlier call; this call is not open to former "
                           "fellows."))
    return problems


def application_problems(application: Application) -> list:
    """`eligibility_problems` of one application (one query when the call excludes former
    fellows, none otherwise)."""
    call = application.call
    former = bool(call.former_fellows_excluded) and db.session.scalar(sa.select(
        Application.applicant_id.in_(_fellows_elsewhere(call.id)))
        .where(Application.id == application.id))
    return eligibility_problems(
        call, years_in_service=application.answers("professional").get("years_in_service"),
        former_fellow=bool(former))


def flagged_applications(call, application_ids: list[int]) -> set[int]:
    """Those of the applications (of the call) that contradict its rules: for a list page, at
    most two queries whatever the number of rows, none when the call checks nothing."""
    if not application_ids or (call.min_years_in_service is None
                               and not call.former_fellows_excluded):
        return set()
    years = {}
    if call.min_years_in_service is not None:
        years = dict(db.session.execute(
            sa.select(ApplicationSection.application_id, ApplicationSection.answers)
            .where(ApplicationSection.application_id.in_(application_ids),
                   ApplicationSection.key == "professional")).all())
    former = set()
    if call.former_fellows_excluded:
        former = set(db.session.scalars(sa.select(Application.id).where(
            Application.id.in_(application_ids),
            Application.applicant_id.in_(_fellows_elsewhere(call.id)))))
    return {application_id for application_id in application_ids if eligibility_problems(
        call, years_in_service=(years.get(application_id) or {}).get("years_in_service"),
        former_fellow=application_id in former)}


def _fellows_elsewhere(call_id: int):
    """A select of the applicants selected in another call whose place stands (an application
    is `accepted` once the results are published, `declined` if its offer was turned down)."""
    other = so.aliased(Application)
    return sa.select(other.applicant_id).where(other.call_id != call_id,
                                               other.state == ApplicationState.accepted)
