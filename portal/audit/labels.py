"""Readable names for the audit log's action codes and object types.

An action missing here (a new one) is shown by its code, which stays beside the label anyway.
"""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.activated": _l("Account reactivated"),
    "account.created_by_command": _l("Account created by command"),
    "account.email_verified": _l("E-mail address confirmed"),
    "account.profile_updated": _l("Account details changed"),
    "account.register_existing": _l("Registration attempted with an existing address"),
    "account.registered": _l("Account registered"),
    "account.roles_changed": _l("Roles changed"),
    "account.suspended": _l("Account suspended"),
    "administration.updated": _l("Administration changed"),
    "application.document_added": _l("Document uploaded"),
    "application.document_removed": _l("Document removed"),
    "application.screened_out": _l("Application marked as ineligible"),
    "application.started": _l("Application started"),
    "application.submitted": _l("Application submitted"),
    "application.withdrawn": _l("Application withdrawn"),
    "assignment.conflict_declared": _l("Conflict of interest declared"),
    "assignment.created": _l("Reviewer assigned"),
    "assignment.released": _l("Assignment released"),
    "assignment.released_for_conflict": _l("Assignment released for a conflict of interest"),
    "call.closed": _l("Call closed"),
    "call.created": _l("Call created"),
    "call.criterion_added": _l("Criterion added"),
    "call.criterion_removed": _l("Criterion removed"),
    "call.criterion_updated": _l("Criterion changed"),
    "call.opened": _l("Call opened"),
    "call.published": _l("Results published"),
    "call.updated": _l("Call changed"),
    "decision.changed_after_publication": _l("Decision changed after publication"),
    "decision.filled_places": _l("Places filled in rank order"),
    "decision.set": _l("Decision made"),
    "login.failed": _l("Failed sign-in"),
    "login.succeeded": _l("Signed in"),
    "offer.accepted": _l("Offer accepted"),
    "offer.declined": _l("Offer declined"),
    "offer.expired": _l("Offer expired"),
    "offer.made_from_waitlist": _l("Place offered from the waiting list"),
    "password.change_failed": _l("Failed password change"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset"),
    "password.reset_requested": _l("Password reset requested"),
    "password.reset_requested_unknown": _l("Password reset requested for an unknown address"),
    "password.set_from_invitation": _l("Password set from an invitation"),
    "review.submitted": _l("Review submitted"),
    "reviewer.invited": _l("Reviewer invited"),
    "reviewer.profile_updated": _l("Reviewer profile changed"),
    "reviews.reminders_sent": _l("Reminders sent to reviewers"),
}

OBJECT_TYPE_LABELS = {
    "administration": _l("Administration"),
    "application": _l("Application"),
    "assignment": _l("Assignment"),
    "call": _l("Call"),
    "criterion": _l("Criterion"),
    "user": _l("User"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def object_type_label(code: str) -> str:
    label = OBJECT_TYPE_LABELS.get(code)
    return str(label) if label is not None else code
