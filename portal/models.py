"""Imports every model, so that Alembic and create_all see the whole schema."""

from portal.accounts.models import PrivacyNotice, Role, User, UserRole
from portal.administrations.models import Administration, FocalPoint
from portal.applications.models import (
    Application,
    ApplicationSection,
    ApplicationState,
    Document,
    DocumentKind,
    ReferenceCounter,
)
from portal.audit.models import AuditEvent
from portal.calls.models import Call, CallState, Criterion, DeadlineExtension
from portal.endorsements.models import Endorsement, EndorsementState
from portal.jobs.models import Job, JobState
from portal.messages.models import Message, MessageRecipient
from portal.notifications.models import OutboxMessage, OutboxStatus
from portal.questions.models import FormSection, Question
from portal.reviews.models import Assignment, AssignmentState, Review, ReviewerProfile
from portal.selection.models import CallRanking, Decision, Offer, OfferState, Outcome
from portal.stamps import RankingStamp
from portal.stored_files import StoredChunk

__all__ = [
    "CallRanking", "Job", "JobState", "StoredChunk",
    "DeadlineExtension", "Message", "MessageRecipient", "PrivacyNotice",
    "Endorsement", "EndorsementState", "FocalPoint", "FormSection", "Question", "Decision",
    "RankingStamp", "Offer", "OfferState", "Outcome",
           "Assignment", "AssignmentState", "Review", "ReviewerProfile",
           "Application", "ApplicationSection", "ApplicationState", "Document", "DocumentKind",
           "ReferenceCounter", "Administration", "AuditEvent", "Call", "CallState", "Criterion", "OutboxMessage",
           "OutboxStatus", "Role", "User", "UserRole"]
