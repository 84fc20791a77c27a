"""An applicant's application to a call, its sections and its documents."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.database import UTCDateTime, utcnow
from portal.extensions import db
from portal.search import keep_search_columns, search_column
from portal.storage import document_name


class ApplicationState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"
    screened_out = "screened_out"
    under_review = "under_review"
    accepted = "accepted"
    waitlisted = "waitlisted"
    not_selected = "not_selected"
    declined = "declined"  # selected, then declined the offer or let it expire

    @property
    def label(self) -> str:
        return str(APPLICATION_STATE_LABELS[self])


APPLICATION_STATE_LABELS = {
    ApplicationState.draft: _l("Draft"),
    ApplicationState.submitted: _l("Submitted"),
    ApplicationState.withdrawn: _l("Withdrawn"),
    ApplicationState.screened_out: _l("Ineligible"),
    ApplicationState.under_review: _l("Under review"),
    ApplicationState.accepted: _l("Selected"),
    ApplicationState.waitlisted: _l("On the waiting list"),
    ApplicationState.not_selected: _l("Not selected"),
    ApplicationState.declined: _l("Place declined"),
}


class DocumentKind(enum.StrEnum):
    cv = "cv"
    # A copy of the CV without what identifies the applicant, for blind review (optional).
    anonymised_cv = "anonymised_cv"
    nomination_letter = "nomination_letter"
    certificate = "certificate"
    # The file that answers one of the call's own questions (Document.question_id).
    answer = "answer"

    @property
    def label(self) -> str:
        return str(DOCUMENT_KIND_LABELS[self])


DOCUMENT_KIND_LABELS = {
    DocumentKind.cv: _l("CV"),
    DocumentKind.anonymised_cv: _l("Anonymised CV"),
    DocumentKind.nomination_letter: _l("Nomination letter"),
    DocumentKind.certificate: _l("Certificate"),
    DocumentKind.answer: _l("File answering a question"),
}


class Application(db.Model):
    __tablename__ = "application"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id"), index=True)
    applicant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    state: so.Mapped[ApplicationState] = so.mapped_column(
        sa.Enum(ApplicationState, native_enum=False, length=16),
        default=ApplicationState.draft, index=True)
    # The language the applicant writes in: en or ru.
    language: so.Mapped[str] = so.mapped_column(sa.String(8), index=True)
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(20), unique=True)

    # Copies of answers that lists filter, search and sort on (kept in step by the services).
    applicant_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
    applicant_native_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="",
                                                             server_default="")
    administration_code: so.Mapped[str | None] = so.mapped_column(
        sa.ForeignKey("administration.code"), index=True)

    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Why it was found ineligible, in English and in Russian: the applicant reads the one of
    # their language (screening_reason_in).
    screening_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    screening_reason_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    screened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    screened_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # The names folded, for the coordinator's search in any script (portal/search.py).
    search_text: so.Mapped[str] = search_column("applicant_name", "applicant_native_name")
    # When the call's retention rule (or the applicant's deletion of their account) removed
    # the personal data and documents: the row stays for the call's statistics.
    purged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    call: so.Mapped["Call"] = so.relationship(lazy="joined")  # noqa: F821
    applicant: so.Mapped["User"] = so.relationship(foreign_keys=[applicant_id])  # noqa: F821
    administration: so.Mapped["Administration | None"] = so.relationship()  # noqa: F821
    sections: so.Mapped[list["ApplicationSection"]] = so.relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin")
    documents: so.Mapped[list["Document"]] = so.relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin",
        order_by="Document.id")

    __table_args__ = (
        sa.UniqueConstraint("call_id", "applicant_id"),
        # One per sort of the coordinator's list, so that a page of 50 is read from the index
        # in order rather than sorted out of the whole call (see applications/queries.py).
        # (read backwards for the newest first)
        sa.Index("ix_application_call_submitted", "call_id", "submitted_at", "id"),
        sa.Index("ix_application_call_name", "call_id", "applicant_name", "id"),
        sa.Index("ix_application_call_administration", "call_id", "administration_code",
                 "applicant_name"),
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.state}>"

    def section(self, key: str) -> "ApplicationSection | None":
        return next((s for s in self.sections if s.key == key), None)

    def answers(self, key: str) -> dict:
        section = self.section(key)
        return dict(section.answers) if section else {}

    def documents_of(self, kind: "DocumentKind") -> list["Document"]:
        return [d for d in self.documents if d.kind == kind]

    @property
    def is_draft(self) -> bool:
        return self.state == ApplicationState.draft

    def screening_reason_in(self, language: str) -> str:
        """The reason for ineligibility in `language` (en or ru); one given before both were
        asked for is shown in either."""
        if language == "ru":
            return self.screening_reason_ru or self.screening_reason
        return self.screening_reason or self.screening_reason_ru


keep_search_columns(Application)


class ApplicationSection(db.Model):
    """One section's answers; its version refuses a save made from a stale page."""

    __tablename__ = "application_section"

    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    version: so.Mapped[int] = so.mapped_column(default=0)
    complete: so.Mapped[bool] = so.mapped_column(default=False)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    application: so.Mapped[Application] = so.relationship(back_populates="sections")


class Document(db.Model):
    """An uploaded file: stored outside the web root under a random key."""

    __tablename__ = "document"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[DocumentKind] = so.mapped_column(
        sa.Enum(DocumentKind, native_enum=False, length=32))
    # The question a file of kind `answer` answers (a question with answers is never deleted).
    question_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("question.id"),
                                                          index=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column()
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    application: so.Mapped[Application] = so.relationship(back_populates="documents")
    question: so.Mapped["Question | None"] = so.relationship(lazy="joined")  # noqa: F821

    @property
    def file_name(self) -> str:
        """The name it is shown, served and archived under: storage.document_name, with the
        verified type's extension (also for a file stored before names were made so)."""
        return document_name(self.original_name, self.content_type)

    @property
    def shown_to_reviewers(self) -> bool:
        """All of an application's files, or in a blind call only the kinds declared safe
        for blind review in portal/applications/sections.py and the answers to questions
        marked for blind reviewers."""
        from portal.applications.sections import SECTIONS_BY_KEY, blind_reason

        if not self.application.call.blind_review:
            return True
        if self.kind == DocumentKind.answer:
            return self.question is not None and self.question.blind_visible
        return blind_reason(SECTIONS_BY_KEY["documents"], self.kind.value) is None


class ReferenceCounter(db.Model):
    """The last reference number given in a year: FEL-2027-0042."""

    __tablename__ = "reference_counter"

    year: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    last_number: so.Mapped[int] = so.mapped_column(default=0)
