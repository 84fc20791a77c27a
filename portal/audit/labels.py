"""Readable names for the audit log's action codes, details and object types.

tests/audit/test_labels.py reads every action and detail the code records and checks that each
has a label here; one still missing is shown by its code.
"""

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.activated": _l("Account reactivated"),
    "account.administration_changed": _l("Moved to another administration"),
    "account.confirmation_resent": _l("Confirmation link sent again"),
    "account.created_by_command": _l("Account created by command"),
    "account.deleted": _l("Account deleted at its owner's request"),
    "account.email_verified": _l("E-mail address confirmed"),
    "account.email_change_requested": _l("New e-mail address asked for"),
    "account.email_changed": _l("E-mail address changed"),
    "account.invitation_resent": _l("Invitation sent again"),
    "account.invited": _l("Invited to the portal"),
    "account.merged": _l("Duplicate account merged into this one"),
    "account.merged_away": _l("Account merged into another as a duplicate"),
    "account.profile_updated": _l("Account details changed"),
    "account.register_existing": _l("Registration attempted with an existing address"),
    "account.registered": _l("Account registered"),
    "account.roles_changed": _l("Roles changed"),
    "account.suspended": _l("Account suspended"),
    "account.updated_by_admin": _l("Account details changed by an administrator"),
    "administration.added": _l("Administration added"),
    "administration.reference_names": _l("Administration's names taken from the reference list"),
    "administration.updated": _l("Administration changed"),
    "focal_point.added": _l("Focal point added"),
    "focal_point.removed": _l("Focal point removed"),
    "application.document_added": _l("Document uploaded"),
    "application.document_removed": _l("Document removed"),
    "application.personal_data_removed": _l("Personal data and documents removed by the retention rule"),
    "application.screened_out": _l("Application marked as ineligible"),
    "application.started": _l("Application started"),
    "application.submitted": _l("Application submitted"),
    "application.withdrawn": _l("Application withdrawn"),
    "assignment.conflict_declared": _l("Conflict of interest declared"),
    "assignment.created": _l("Reviewer assigned"),
    "assignment.released": _l("Assignment released"),
    "assignment.released_for_conflict": _l("Assignment released for a conflict of interest"),
    "call.closed": _l("Call closed"),
    "call.copied": _l("Call copied from another"),
    "call.created": _l("Call created"),
    "call.criterion_added": _l("Criterion added"),
    "call.criterion_removed": _l("Criterion removed"),
    "call.criterion_updated": _l("Criterion changed"),
    "call.form_settings_changed": _l("Built-in answers of the form changed"),
    "call.opened": _l("Call opened"),
    "call.published": _l("Results published"),
    "call.retention_applied": _l("Retention rule applied"),
    "call.updated": _l("Call changed"),
    "deadline_extension.changed": _l("Applicant's deadline extension changed"),
    "deadline_extension.removed": _l("Applicant's deadline extension removed"),
    "deadline_extension.set": _l("Applicant's deadline extended"),
    "decision.changed_after_publication": _l("Decision changed after publication"),
    "decision.filled_places": _l("Places filled in rank order"),
    "decision.set": _l("Decision made"),
    "endorsement.non_endorsed_screened_out": _l("Candidates not endorsed marked as ineligible"),
    "endorsement.declined": _l("Endorsement declined by the administration"),
    "endorsement.dropped": _l("Endorsement dropped: application withdrawn"),
    "endorsement.endorsed": _l("Endorsed by the administration"),
    "endorsement.reminders_sent": _l("Reminders sent to focal points"),
    "endorsement.reordered": _l("Administration's priority changed"),
    "endorsement.requested": _l("Endorsement requested from the administration"),
    "export.applications_csv": _l("Applications exported (CSV)"),
    "form_section.added": _l("Section added to the form"),
    "form_section.changed": _l("Section of the form changed"),
    "form_section.deleted": _l("Section of the form deleted"),
    "form_section.moved": _l("Section of the form moved"),
    "export.applications_xlsx": _l("Applications and reviews exported (XLSX)"),
    "export.documents_zip": _l("Documents of the call downloaded (ZIP)"),
    "export.dossier_pdf": _l("Dossier downloaded (PDF)"),
    "export.reviews_csv": _l("Reviews exported (CSV)"),
    "export.travel_csv": _l("Selected fellows' travel and visa details exported (CSV)"),
    "export.travel_xlsx": _l("Selected fellows' travel and visa details exported (XLSX)"),
    "login.failed": _l("Failed sign-in"),
    "message.sent": _l("Message sent"),
    "login.succeeded": _l("Signed in"),
    "offer.accepted": _l("Offer accepted"),
    "offer.declined": _l("Offer declined"),
    "offer.expired": _l("Offer expired"),
    "offer.extended": _l("Offer's answer deadline extended"),
    "offer.made_from_waitlist": _l("Place offered from the waiting list"),
    "password.change_failed": _l("Failed password change"),
    "privacy.accepted": _l("Privacy notice accepted"),
    "privacy.data_downloaded": _l("Own data downloaded (ZIP)"),
    "privacy.notice_created": _l("New version of the privacy notice started"),
    "privacy.notice_edited": _l("Draft of the privacy notice changed"),
    "privacy.notice_published": _l("Privacy notice published"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset"),
    "password.reset_requested": _l("Password reset requested"),
    "password.reset_sent_by_admin": _l("Password reset link sent by an administrator"),
    "password.reset_requested_unknown": _l("Password reset requested for an unknown address"),
    "password.reset_requested_too_often": _l("Password reset e-mail held back: too many for this address"),
    "password.set_from_invitation": _l("Password set from an invitation"),
    "question.added": _l("Question added to the form"),
    "question.changed": _l("Question of the form changed"),
    "question.deleted": _l("Question of the form deleted"),
    "question.moved": _l("Question of the form moved"),
    "question.restored": _l("Retired question asked again"),
    "question.retired": _l("Question of the form retired"),
    "review.submitted": _l("Review submitted"),
    "reviewer.invited": _l("Reviewer invited"),
    "reviewer.profile_updated": _l("Reviewer profile changed"),
    "reviews.reminders_sent": _l("Reminders sent to reviewers"),
}

# The details recorded with the actions (keyword arguments of record_event).
DETAIL_LABELS = {
    "accepted": _l("Selected"),
    "after": _l("After"),
    "applications": _l("Applications"),
    "applications_anonymised": _l("Applications anonymised"),
    "administration": _l("Administration"),
    "audience": _l("Sent to"),
    "automatic": _l("Assigned automatically"),
    "before": _l("Before"),
    "call": _l("Call (number)"),
    "changed": _l("What changed"),
    "closes_at": _l("New deadline (UTC)"),
    "candidates": _l("Candidates awaiting endorsement"),
    "criterion": _l("Criterion (number)"),
    "direction": _l("Direction"),
    "documents": _l("Documents removed"),
    "drafts_removed": _l("Drafts removed"),
    "email": _l("E-mail address"),
    "filled": _l("By filling the places in rank order"),
    "job_title": _l("Job title"),
    "kind": _l("Document"),
    "message_kind": _l("Kind of message"),
    "missing_reviews": _l("Applications with reviews missing"),
    "moved": _l("What moved"),
    "new_account": _l("New account"),
    "not_selected": _l("Not selected"),
    "note": _l("Decision note"),
    "outcome": _l("Decision"),
    "override_reason": _l("Reason for publishing with reviews missing"),
    "previous": _l("Previous decision"),
    "previous_closes_at": _l("Deadline before (UTC)"),
    "previous_respond_by": _l("Answer deadline before (UTC)"),
    "priority": _l("Priority"),
    "question": _l("Question (number)"),
    "question_kind": _l("Kind of answer"),
    "reason": _l("Reason"),
    "reason_ru": _l("Reason, in Russian"),
    "recipients": _l("Recipients"),
    "reference": _l("Reference number"),
    "respond_by": _l("New answer deadline (UTC)"),
    "response_days": _l("Days to answer an offer"),
    "retention_months": _l("Retention (months after publication)"),
    "review": _l("Review (number)"),
    "reviewer": _l("Reviewer"),
    "reviewers": _l("Reviewers reminded"),
    "roles": _l("Roles"),
    "screened_out": _l("Ineligible"),
    "section": _l("Section"),
    "sha256": _l("SHA-256 checksum"),
    "skipped_for_cap": _l("Passed over for the cap per administration"),
    "source": _l("Copied from the call (number)"),
    "user": _l("Person"),
    "version": _l("Version of the privacy notice"),
    "waitlist_length": _l("Length of the waiting list"),
    "waitlisted": _l("Waiting list"),
}

# Values written in English by the services (the reasons of a failed sign-in).
VALUE_LABELS = {
    "unknown e-mail": _l("unknown e-mail address"),
    "wrong password": _l("wrong password"),
    "inactive account": _l("suspended account"),
}

OBJECT_TYPE_LABELS = {
    "administration": _l("Administration"),
    "application": _l("Application"),
    "assignment": _l("Assignment"),
    "call": _l("Call"),
    "criterion": _l("Criterion"),
    "message": _l("Message"),
    "privacy_notice": _l("Privacy notice"),
    "user": _l("User"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def object_type_label(code: str) -> str:
    label = OBJECT_TYPE_LABELS.get(code)
    return str(label) if label is not None else code


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key


def detail_text(key: str, value, names: dict[int, str]) -> str:
    """A detail's value as a reader understands it: decisions, documents and yes/no in words,
    a reviewer or a user by name (`names`: user ids to names), lists as lists; the rest as recorded."""
    if key in ("outcome", "previous") and isinstance(value, str):
        from portal.selection.models import Outcome

        return Outcome(value).label if value in Outcome.__members__ else value
    if key == "kind" and isinstance(value, str):
        from portal.applications.models import DocumentKind

        return DocumentKind(value).label if value in DocumentKind.__members__ else value
    if key == "audience" and isinstance(value, str):
        from portal.messages.audiences import audience_label

        return audience_label(value)
    if key in ("reviewer", "user") and isinstance(value, int) and value in names:
        return names[value]
    return _plain_text(value)


def _plain_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        label = VALUE_LABELS.get(value)
        return str(label) if label is not None else value
    if isinstance(value, list):
        return ", ".join(_plain_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
