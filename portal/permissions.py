"""Every rule about who may do what, as named predicates.

Views guard themselves with `require(...)`, templates call the same predicates (they are
Jinja globals), and tests/test_permissions.py checks them against every route.
"""

from functools import wraps

from flask import abort
from flask_login import current_user


class Role:
    """Role names (the values of portal.accounts.models.Role, a StrEnum, compare equal).

    Kept as plain strings here so that this module imports nothing of the domains.
    """

    applicant = "applicant"
    reviewer = "reviewer"
    coordinator = "coordinator"
    admin = "admin"
    nominator = "nominator"


def _has(user, role: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(role))


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_manage_users(user) -> bool:
    return _has(user, Role.admin)


def can_manage_administrations(user) -> bool:
    return _has(user, Role.admin)


def can_view_administrations(user) -> bool:
    """The list of administrations: admins edit them, coordinators reach their focal points."""
    return _has(user, Role.admin) or _has(user, Role.coordinator)


def can_manage_focal_points(user) -> bool:
    """Add, remove and re-invite an administration's focal points (nominating officials)."""
    return _has(user, Role.admin) or _has(user, Role.coordinator)


def can_view_audit_log(user) -> bool:
    return _has(user, Role.admin) or _has(user, Role.coordinator)


def can_manage_privacy_notice(user) -> bool:
    """Write and publish the versions of the privacy notice."""
    return _has(user, Role.admin)


def can_change_roles(user, target) -> bool:
    """Admins change roles, but never remove their own admin role by accident."""
    return _has(user, Role.admin)


def can_manage_calls(user) -> bool:
    return _has(user, Role.coordinator)


def can_review(user) -> bool:
    return _has(user, Role.reviewer)


def can_apply(user) -> bool:
    """Anyone signed in with a confirmed e-mail address may apply."""
    return is_signed_in(user) and bool(user.email_verified)


def is_owner(user, application) -> bool:
    return is_signed_in(user) and application.applicant_id == user.id


def can_view_application(user, application) -> bool:
    return is_owner(user, application) or can_manage_applications(user)


def can_manage_applications(user) -> bool:
    return _has(user, Role.coordinator)


def can_manage_reviews(user) -> bool:
    return _has(user, Role.coordinator)


def can_send_messages(user) -> bool:
    """Write to applicants and reviewers (portal/messages), and read what was sent."""
    return _has(user, Role.coordinator)


def can_export_travel(user) -> bool:
    """The selected fellows' travel and visa details (name as in the passport, date of birth,
    telephone): coordinators only, each download audited (portal/privacy/travel.py)."""
    return _has(user, Role.coordinator)


def is_assigned_reviewer(user, assignment) -> bool:
    """The reviewer holding this assignment, while it is active."""
    return (_has(user, Role.reviewer) and assignment.reviewer_id == user.id
            and assignment.state == "active")


def can_download_for_review(user, assignment, document) -> bool:
    """The assigned reviewer downloads the application's files that reviewers are shown: in a
    blind call only the kinds declared safe for it (Document.shown_to_reviewers)."""
    return (is_assigned_reviewer(user, assignment)
            and document.application_id == assignment.application_id
            and document.shown_to_reviewers)


def can_endorse(user) -> bool:
    """A nominating official: reaches the endorsement pages, which show only the candidates of
    the administrations they are a focal point of (is_focal_point_for)."""
    return _has(user, Role.nominator)


def is_focal_point_for(user, application) -> bool:
    """A focal point of the application's administration, in a call that asks for endorsement,
    once the endorsement was asked for, and not the applicant: reads the application and its
    files, endorses or declines it."""
    if not can_endorse(user) or application.applicant_id == user.id \
            or not application.call.endorsement_required:
        return False
    from portal.endorsements.queries import candidate_for  # a later domain, read on demand

    return candidate_for(user, application.id) is not None


def can_view_jobs(user) -> bool:
    """The list of the office's background work (coordinators see the calls' jobs, admins all)."""
    return _has(user, Role.admin) or _has(user, Role.coordinator)


def can_view_job(user, job) -> bool:
    """A job's progress and result: whoever started it, and the office for a call's work
    (coordinators) or anything (admins)."""
    if not is_signed_in(user):
        return False
    if job.started_by_id is not None and job.started_by_id == user.id:
        return True
    return _has(user, Role.admin) or (job.call_id is not None and _has(user, Role.coordinator))


def can_download_export(user, job) -> bool:
    """The file a job made of a call's data (an export, the documents archive): coordinators."""
    return job.call_id is not None and _has(user, Role.coordinator)


def can_download_own_data(user, job) -> bool:
    """The file of a person's own data: that person only, whoever started the job."""
    return (is_signed_in(user) and job.call_id is None
            and (job.params or {}).get("user_id") == user.id)


def require(predicate):
    """View decorator: 401 (to the login page) for visitors, 403 for the signed-in."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = predicate
        return guarded

    return decorator


TEMPLATE_PREDICATES = {
    name: obj
    for name, obj in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(obj)
}
