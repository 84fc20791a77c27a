"""Automatic assignment of a call: the database in, the solver (reviews.assignment) between,
assignments (through the same service as by hand) out, and localized explanations."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from portal.accounts.models import Role, User, UserRole
from portal.applications.models import Application, ApplicationSection
from portal.calls.models import Call
from portal.database import start_writing
from portal.extensions import db
from portal.phrases import LANGUAGE_NAMES
from portal.reviews import assignment as solver
from portal.reviews.models import Assignment, AssignmentState, keywords
from portal.reviews.services import (
    REVIEWABLE_STATES,
    NewAssignment,
    applicant_administrations,
    assign_reviewers,
    reviewer_profile,
)

# Assignments written per INSERT when a progress is reported (saving N of M).
SAVE_CHUNK = 2000


def assign_call_automatically(call: Call, *, actor, now: datetime,
                              progress=None) -> solver.AssignmentResult:
    """Give every submitted application of the call its number of reviewers, as far as the
    rules allow. Existing assignments are kept. Flushes, never commits (the job of kind
    "assignment", portal/reviews/jobs.py, commits with its end).

    `progress` (portal.jobs.registry.Progress), when given, hears the steps "reading",
    "solving" and "saving" (with how many assignments of how many are written)."""
    if progress is not None:
        progress.step("reading")
    # Neither the call (the caller's own) nor the documents; of the sections only the expertise
    # the applicant gave, read as plain rows (5,000 applications: 35,000 objects fewer).
    reviewable = sa.and_(Application.call_id == call.id, Application.state.in_(REVIEWABLE_STATES))
    applications = db.session.scalars(
        sa.select(Application).where(reviewable)
        .options(so.joinedload(Application.applicant), so.lazyload(Application.call),
                 so.lazyload(Application.sections), so.lazyload(Application.documents))).all()
    expertise = {application_id: keywords((answers or {}).get("expertise"))
                 for application_id, answers in db.session.execute(
                     sa.select(ApplicationSection.application_id, ApplicationSection.answers)
                     .join(Application, Application.id == ApplicationSection.application_id)
                     .where(reviewable, ApplicationSection.key == "professional"))}
    reviewers = db.session.scalars(
        sa.select(User).join(UserRole)
        .where(UserRole.role == Role.reviewer, User.is_active_account)).all()
    assignments = db.session.scalars(
        sa.select(Assignment).join(Application).where(Application.call_id == call.id)).all()

    active = {}
    conflicts = set()
    for a in assignments:
        if a.state == AssignmentState.active:
            active.setdefault(a.application_id, set()).add(a.reviewer_id)
        elif a.state == AssignmentState.conflict:
            conflicts.add((a.application_id, a.reviewer_id))
    load = {}
    for reviewer_ids in active.values():
        for reviewer_id in reviewer_ids:
            load[reviewer_id] = load.get(reviewer_id, 0) + 1

    if progress is not None:
        progress.step("solving")
    result = solver.solve(
        [solver.AssignmentApplication(
            id=a.id, language=a.language, administrations=applicant_administrations(a),
            needed=max(0, call.reviewers_per_application - len(active.get(a.id, ()))),
            existing_reviewers=frozenset(active.get(a.id, ())) | {a.applicant_id},
            expertise=expertise.get(a.id, frozenset())) for a in applications],
        [_reviewer_input(r, load.get(r.id, 0)) for r in reviewers],
        conflicts,
    )
    by_id = {a.id: a for a in applications}
    people = {r.id: r for r in reviewers}
    declared = {}
    for application_id, reviewer_id in conflicts:
        declared.setdefault(application_id, set()).add(reviewer_id)
    existing = {(a.application_id, a.reviewer_id): a for a in assignments}
    new = [NewAssignment(by_id[pair.application_id], people[pair.reviewer_id],
                         [reason.to_json() for reason in pair.reasons],
                         declared.get(pair.application_id, set()),
                         existing.get((pair.application_id, pair.reviewer_id)))
           for pair in result.pairs]
    if progress is None:
        assign_reviewers(new, actor=actor, now=now, automatic=True)
        return result
    progress.step("saving", total=len(new))
    start_writing(db.session())  # on SQLite the count is then written with the job's end
    for start in range(0, len(new), SAVE_CHUNK):
        chunk = new[start:start + SAVE_CHUNK]
        assign_reviewers(chunk, actor=actor, now=now, automatic=True)
        progress.advance(len(chunk))
    return result


def _reviewer_input(user: User, current_load: int) -> "solver.AssignmentReviewer":
    profile = reviewer_profile(user)
    return solver.AssignmentReviewer(
        id=user.id, administration=user.administration_code, languages=profile.languages,
        capacity=max(0, profile.max_reviews_per_call - current_load),
        current_load=current_load, expertise=profile.expertise_keywords)


def describe_reason(reason: dict) -> str:
    """One stored reason (why a reviewer was chosen) as text in the viewer's language."""
    code, value = reason.get("code"), reason.get("value")
    if code == "reads_language":
        return _("reads %(language)s", language=LANGUAGE_NAMES.get(value, value))
    if code == "other_administration":
        if not value:
            return _("belongs to no member administration")
        from portal.administrations.models import Administration

        administration = db.session.get(Administration, value)
        name = administration.name(get_locale()) if administration else value
        return _("from another administration (%(name)s)", name=name)
    if code == "no_conflict":
        return _("no conflict of interest declared")
    if code == "load":
        total, limit = value
        return ngettext("%(total)d of at most %(num)d review in this call",
                        "%(total)d of at most %(num)d reviews in this call", limit, total=total)
    if code == "expertise":
        return _("expertise: %(areas)s", areas=", ".join(value))
    return str(code)


def assignment_reasons(assignment: Assignment) -> list[str]:
    if not assignment.automatic:
        return [_("assigned by hand")]
    return [describe_reason(reason) for reason in assignment.reasons or []]


def describe_shortfalls(shortfalls) -> list[str]:
    """What the automatic assignment could not do, in the coordinator's words."""
    messages = []
    for shortfall in shortfalls:
        values = dict(language=LANGUAGE_NAMES.get(shortfall.language, shortfall.language),
                      missing=shortfall.missing_reviews)
        if shortfall.cause == "no_eligible_reviewer":
            messages.append(ngettext(
                "%(language)s: %(num)d application lacks reviewers without a conflict of "
                "interest (missing reviews: %(missing)d). Invite more reviewers who read "
                "this language.",
                "%(language)s: %(num)d applications lack reviewers without a conflict of "
                "interest (missing reviews: %(missing)d). Invite more reviewers who read "
                "this language.",
                shortfall.applications, **values))
        else:
            messages.append(ngettext(
                "%(language)s: %(num)d application could not get all its reviewers because "
                "the reviewers who read this language reached their limits (missing reviews: "
                "%(missing)d). Raise their limits or invite more reviewers.",
                "%(language)s: %(num)d applications could not get all their reviewers because "
                "the reviewers who read this language reached their limits (missing reviews: "
                "%(missing)d). Raise their limits or invite more reviewers.",
                shortfall.applications, **values))
    return messages
