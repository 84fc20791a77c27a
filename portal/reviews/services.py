"""The rules of reviewing: assigning without conflicts, scoring, declaring conflicts (inviting
reviewers and their profiles: reviewers.py)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User, UserRole
from portal.applications.models import Application, ApplicationState
from portal.audit.models import AuditEvent
from portal.audit.services import audit_row, record_event
from portal.calls.models import Call
from portal.database import add_first_row
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.reviews.models import (
    Assignment,
    AssignmentState,
    Recommendation,
    Review,
    keywords,
)

# Who reviews (invitations and profiles) is reached through this module too.
from portal.reviews.reviewers import (  # noqa: F401
    invite_reviewer,
    reviewer_profile,
    update_reviewer_profile,
)
from portal.stamps import raise_inputs
from portal.urls import public_url

REVIEWABLE_STATES = (ApplicationState.submitted, ApplicationState.under_review)


class ReviewError(Exception):
    """A rule was broken; `message` (lazy, localized) says which."""

    def __init__(self, message, problems=(), fields=()):
        super().__init__(str(message))
        self.message = message
        self.problems = list(problems)
        # The form field each problem belongs to (None: the review as a whole).
        self.fields = list(fields) or [None] * len(self.problems)


class ConflictOfInterest(ReviewError):
    def __init__(self):
        super().__init__(_l("This reviewer has a conflict of interest with this application "
                            "(same administration, or a declared conflict)."))


class StaleReview(ReviewError):
    def __init__(self):
        super().__init__(_l("This review was changed in another window after you opened it, "
                            "so your changes were not saved. Your entries are shown below."))


# Inviting reviewers -------------------------------------------------------------------------

def applicant_administrations(application: Application) -> frozenset[str]:
    """Every administration the applicant belongs to: the application's and the profile's."""
    codes = {application.administration_code, application.applicant.administration_code}
    return frozenset(code for code in codes if code)


def declared_conflicts(application: Application) -> set[int]:
    """Ids of the reviewers who declared a conflict with this application (one query)."""
    return set(db.session.scalars(sa.select(Assignment.reviewer_id).where(
        Assignment.application_id == application.id,
        Assignment.state == AssignmentState.conflict)))


def has_conflict(reviewer: User, application: Application,
                 declared: set[int] | None = None) -> bool:
    """Same administration as the applicant, or a conflict the reviewer declared.

    Pages that check many reviewers pass `declared` (declared_conflicts) to save a query each.
    """
    if reviewer.id == application.applicant_id:
        return True
    if reviewer.administration_code and \
            reviewer.administration_code in applicant_administrations(application):
        return True
    if declared is None:
        declared = declared_conflicts(application)
    return reviewer.id in declared


# Assigning ----------------------------------------------------------------------------------

_NOT_LOADED = object()


def assign_reviewer(application: Application, reviewer: User, *, actor, now: datetime,
                    automatic: bool = False, reasons: list | None = None,
                    declared: set[int] | None = None, existing=_NOT_LOADED,
                    flush: bool = True) -> Assignment:
    """Assign one reviewer; every path (by hand, in bulk, automatic) checks through here
    (`_check_assignable`).

    Raises ReviewError (not a reviewer, application not reviewable, already assigned) or
    ConflictOfInterest. Flushes, unless told not to.

    A caller that has loaded them already passes `declared` (see has_conflict) and `existing`
    (this reviewer's assignment to this application, or None); thousands at once go through
    `assign_reviewers`.
    """
    assignment = existing if existing is not _NOT_LOADED else db.session.scalar(
        sa.select(Assignment).where(Assignment.application_id == application.id,
                                    Assignment.reviewer_id == reviewer.id))
    _check_assignable(application, reviewer, declared, assignment)
    if assignment is None:
        assignment = Assignment(application=application, reviewer=reviewer)
        db.session.add(assignment)
    assignment.state = AssignmentState.active
    assignment.automatic = automatic
    assignment.reasons = reasons or []
    assignment.assigned_at = now
    assignment.assigned_by_id = actor.id if actor else None
    assignment.ended_at = None
    application.state = ApplicationState.under_review
    if flush:
        db.session.flush()
    record_event("assignment.created", actor=actor, obj=application, reviewer=reviewer.id,
                 automatic=automatic)
    return assignment


def _check_assignable(application: Application, reviewer: User, declared: set[int] | None,
                      assignment: Assignment | None) -> None:
    if Role.reviewer not in reviewer.roles or not reviewer.is_active:
        raise ReviewError(_l("This person is not an active reviewer."))
    if application.state not in REVIEWABLE_STATES:
        raise ReviewError(_l("Only submitted applications can be assigned for review."))
    if has_conflict(reviewer, application, declared):
        raise ConflictOfInterest()
    if assignment is not None and assignment.state == AssignmentState.active:
        raise ReviewError(_l("This reviewer is already assigned to this application."))


@dataclass(frozen=True)
class NewAssignment:
    application: Application
    reviewer: User
    reasons: list
    declared: set[int]  # reviewers who declared a conflict with the application
    existing: Assignment | None  # an ended or conflicting assignment of the same pair


def assign_reviewers(new: list[NewAssignment], *, actor, now: datetime, automatic: bool) -> None:
    """Many assignments at once (the automatic assignment), each checked as `assign_reviewer`
    checks one, all written with one INSERT per table: built as 14,000 objects and their audit
    events, they took most of the 20 seconds an automatic assignment of 5,000 applications did.
    Raises like assign_reviewer before anything is written. Flushes."""
    rows, events, reviewed, calls = [], [], set(), set()
    for item in new:
        _check_assignable(item.application, item.reviewer, item.declared, item.existing)
        if item.existing is not None:  # a pair seen before: the row is there to be reused
            assign_reviewer(item.application, item.reviewer, actor=actor, now=now,
                            automatic=automatic, reasons=item.reasons, declared=item.declared,
                            existing=item.existing, flush=False)
            continue
        rows.append({"application_id": item.application.id, "reviewer_id": item.reviewer.id,
                     "state": AssignmentState.active, "automatic": automatic,
                     "reasons": item.reasons or [], "assigned_at": now,
                     "assigned_by_id": actor.id if actor else None})
        events.append(audit_row("assignment.created", actor=actor, obj=item.application,
                                reviewer=item.reviewer.id, automatic=automatic))
        reviewed.add(item.application)
        calls.add(item.application.call_id)
    db.session.flush()
    if rows:
        db.session.execute(sa.insert(Assignment), rows)
        db.session.execute(sa.insert(AuditEvent), events)
    for application in reviewed:
        application.state = ApplicationState.under_review
    db.session.flush()
    for call_id in calls:  # the INSERTs above are not seen by the session's listener
        raise_inputs(call_id)


def release_assignment(assignment: Assignment, *, actor, now: datetime) -> None:
    """The coordinator takes an assignment back; a draft review is kept but no longer counts."""
    if assignment.state != AssignmentState.active:
        raise ReviewError(_l("This assignment is no longer active."))
    assignment.state = AssignmentState.released
    assignment.ended_at = now
    record_event("assignment.released", actor=actor, obj=assignment.application,
                 reviewer=assignment.reviewer_id)
    db.session.flush()


def declare_conflict(assignment: Assignment, *, reviewer, reason: str, now: datetime) -> None:
    """The reviewer steps back: the assignment is released and the coordinators are told."""
    if assignment.state != AssignmentState.active:
        raise ReviewError(_l("This assignment is no longer active."))
    assignment.state = AssignmentState.conflict
    assignment.ended_at = now
    assignment.conflict_reason = reason.strip()
    record_event("assignment.conflict_declared", actor=reviewer, obj=assignment.application,
                 reviewer=reviewer.id)
    db.session.flush()
    application = assignment.application
    for coordinator in coordinators():
        queue_email(kind="conflict_declared", recipient=coordinator.email,
                    language=coordinator.preferred_language,
                    subject=_l("Conflict of interest declared on %(reference)s",
                               reference=application.reference),
                    user=coordinator, reviewer=reviewer, application=application,
                    reason=assignment.conflict_reason,
                    link=public_url("reviews.manage_assignments", call_id=application.call_id))


def release_conflicting_assignments(user: User, *, now: datetime) -> int:
    """After an administration changed: end every active assignment that is now a conflict.

    Checks the user both as a reviewer and as an applicant. Returns how many ended.
    """
    candidates = db.session.scalars(
        sa.select(Assignment).join(Application)
        .where(Assignment.state == AssignmentState.active,
               sa.or_(Assignment.reviewer_id == user.id, Application.applicant_id == user.id))
        .options(so.joinedload(Assignment.application).joinedload(Application.applicant),
                 so.joinedload(Assignment.reviewer))
    ).all()
    ended = 0
    for assignment in candidates:
        reviewer, application = assignment.reviewer, assignment.application
        if reviewer.administration_code and \
                reviewer.administration_code in applicant_administrations(application):
            assignment.state = AssignmentState.released
            assignment.ended_at = now
            record_event("assignment.released_for_conflict", obj=application,
                         reviewer=reviewer.id)
            ended += 1
    db.session.flush()
    return ended


def on_administration_changed(user: User, *, now: datetime, **_details) -> None:
    """Receiver of accounts.signals.administration_changed (connected in reviews/__init__)."""
    release_conflicting_assignments(user, now=now)


def coordinators() -> list[User]:
    return db.session.scalars(
        sa.select(User).join(UserRole).where(UserRole.role == Role.coordinator,
                                             User.is_active_account)).all()


def active_assignments(call: Call) -> list[Assignment]:
    return db.session.scalars(
        sa.select(Assignment).join(Application)
        .where(Application.call_id == call.id, Assignment.state == AssignmentState.active)
    ).all()


# Reviewing ----------------------------------------------------------------------------------

def review_for(assignment: Assignment) -> Review:
    """The assignment's review, its empty draft made first if it has none. Flushes.

    Made at once from two windows, both drafts are the same row: the second window gets the first's.
    """
    if assignment.review is None:
        review = Review(assignment_id=assignment.id, scores={}, version=0)
        if add_first_row(db.session, review, twin_exists=lambda: db.session.scalar(
                sa.select(Review.id).where(Review.assignment_id == assignment.id)) is not None):
            so.attributes.set_committed_value(assignment, "review", review)
        else:
            db.session.expire(assignment, ["review"])  # read the other window's on next use
    return assignment.review


def save_review(assignment: Assignment, *, scores: dict, comments: str,
                recommendation: str | None, confidence: int | None, expected_version: int,
                submit: bool, now: datetime) -> Review:
    """Save a draft, or submit. Raises ReviewError listing what is wrong or missing.

    Reviews can be edited (and resubmitted) until the call's review deadline. Flushes.
    """
    application = assignment.application
    call = application.call
    if assignment.state != AssignmentState.active:
        raise ReviewError(_l("This assignment is no longer active."))
    if application.state not in REVIEWABLE_STATES:
        raise ReviewError(_l("This application is no longer in review (it was withdrawn or "
                             "found ineligible), so reviews of it are closed."))
    if call.review_deadline is not None and now >= call.review_deadline:
        raise ReviewError(_l("The review deadline has passed; reviews can no longer be "
                             "changed."))
    criteria = {str(c.id): c for c in call.criteria}
    problems, fields = [], []

    def problem(field, message):
        fields.append(field)
        problems.append(message)

    clean_scores = {}
    for key, value in scores.items():
        criterion = criteria.get(str(key))
        if criterion is None or value in (None, ""):
            continue
        if not isinstance(value, int) or not criterion.scale_min <= value <= criterion.scale_max:
            problem(f"score_{criterion.id}", _l(
                "%(criterion)s: the score must be from %(low)d to %(high)d.",
                criterion=criterion.text("name"), low=criterion.scale_min,
                high=criterion.scale_max))
            continue
        clean_scores[str(key)] = value
    if confidence is not None and not 1 <= confidence <= 5:
        problem("confidence", _l("Confidence must be from 1 to 5."))
    if recommendation not in (None, "") and recommendation not in Recommendation.__members__:
        problem("recommendation", _l("Choose a recommendation from the list."))
    if submit:
        for key, criterion in criteria.items():
            if key not in clean_scores:
                problem(f"score_{criterion.id}", _l("%(criterion)s: a score is needed.",
                                   criterion=criterion.text("name")))
        if not recommendation:
            problem("recommendation", _l("An overall recommendation is needed."))
        if confidence is None:
            problem("confidence", _l("Your confidence is needed."))
    if problems:
        raise ReviewError(_l("The review was not saved."), problems, fields)
    review = review_for(assignment)
    counted_before = review.submitted_at is not None
    updated = db.session.execute(
        sa.update(Review).where(Review.id == review.id, Review.version == expected_version)
        .values(scores=clean_scores, comments=comments.strip(),
                recommendation=Recommendation(recommendation) if recommendation else None,
                confidence=confidence, updated_at=now, version=expected_version + 1,
                submitted_at=now if submit else Review.submitted_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(review)
    if updated != 1:
        raise StaleReview()
    if submit or counted_before:  # a draft never counts in the ranking
        raise_inputs(call.id)
    if submit:
        record_event("review.submitted", actor=assignment.reviewer, obj=application,
                     review=review.id)
    return review


def other_reviews_visible(assignment: Assignment) -> list[Review]:
    """Other submitted reviews of the application, once the reviewer has submitted their own
    and only if the call shows them."""
    own = assignment.review
    if not assignment.application.call.show_other_reviews or own is None \
            or not own.is_submitted:
        return []
    return db.session.scalars(
        sa.select(Review).join(Assignment)
        .where(Assignment.application_id == assignment.application_id,
               Assignment.id != assignment.id, Assignment.state == AssignmentState.active,
               Review.submitted_at.is_not(None))
    ).all()


def send_reminders(call: Call, *, actor) -> int:
    """E-mail each reviewer with reviews of this call still to submit. Returns how many."""
    due: dict[int, list[Assignment]] = {}
    for assignment in active_assignments(call):
        if assignment.review is None or not assignment.review.is_submitted:
            due.setdefault(assignment.reviewer_id, []).append(assignment)
    for assignments in due.values():
        reviewer = assignments[0].reviewer
        queue_email(kind="review_reminder", recipient=reviewer.email,
                    language=reviewer.preferred_language,
                    subject=_l("Reminder: reviews due for %(call)s",
                               call=call.text("title", reviewer.preferred_language)),
                    user=reviewer, call=call, count=len(assignments),
                    link=public_url("reviews.dashboard"))
    record_event("reviews.reminders_sent", actor=actor, obj=call, reviewers=len(due))
    db.session.flush()
    return len(due)


def expertise_of(application: Application) -> frozenset[str]:
    return keywords(application.answers("professional").get("expertise"))
