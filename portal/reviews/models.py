"""Reviewers, their assignments to applications, and their reviews."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class ReviewerProfile(db.Model):
    """What a reviewer reads and knows, and how much they will take on."""

    __tablename__ = "reviewer_profile"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"),
                                               primary_key=True)
    reads_en: so.Mapped[bool] = so.mapped_column(default=True)
    reads_ru: so.Mapped[bool] = so.mapped_column(default=False)
    expertise: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    max_reviews_per_call: so.Mapped[int] = so.mapped_column(default=20)
    invited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    invited_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    user: so.Mapped["User"] = so.relationship(  # noqa: F821
        foreign_keys=[user_id], backref=so.backref("reviewer_profile", uselist=False))

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(code for code, reads in (("en", self.reads_en), ("ru", self.reads_ru))
                         if reads)

    @property
    def expertise_keywords(self) -> frozenset[str]:
        return keywords(self.expertise)


def keywords(text: str | None) -> frozenset[str]:
    """Lower-case keywords of a comma- or line-separated list of areas of expertise."""
    parts = (text or "").replace("\n", ",").replace(";", ",").split(",")
    return frozenset(p.strip().lower() for p in parts if p.strip())


class AssignmentState(enum.StrEnum):
    active = "active"
    conflict = "conflict"  # the reviewer declared a conflict of interest
    released = "released"  # the coordinator took it back

    @property
    def label(self) -> str:
        return str(ASSIGNMENT_STATE_LABELS[self])


ASSIGNMENT_STATE_LABELS = {
    AssignmentState.active: _l("Assigned"),
    AssignmentState.conflict: _l("Conflict of interest declared"),
    AssignmentState.released: _l("Released"),
}


class Assignment(db.Model):
    __tablename__ = "assignment"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    state: so.Mapped[AssignmentState] = so.mapped_column(
        sa.Enum(AssignmentState, native_enum=False, length=16), default=AssignmentState.active,
        index=True)
    automatic: so.Mapped[bool] = so.mapped_column(default=False)
    # Why the reviewer was chosen: [{"code": ..., "value": ...}] (see reviews.assignment).
    reasons: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    assigned_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    conflict_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    application: so.Mapped["Application"] = so.relationship()  # noqa: F821
    reviewer: so.Mapped["User"] = so.relationship(foreign_keys=[reviewer_id])  # noqa: F821
    review: so.Mapped["Review | None"] = so.relationship(
        back_populates="assignment", uselist=False, cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer_id"),)


class Recommendation(enum.StrEnum):
    strongly_support = "strongly_support"
    support = "support"
    neutral = "neutral"
    oppose = "oppose"

    @property
    def label(self) -> str:
        return str(RECOMMENDATION_LABELS[self])


RECOMMENDATION_LABELS = {
    Recommendation.strongly_support: _l("Strongly recommend"),
    Recommendation.support: _l("Recommend"),
    Recommendation.neutral: _l("Neutral"),
    Recommendation.oppose: _l("Do not recommend"),
}


class Review(db.Model):
    __tablename__ = "review"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    # {criterion id (as text): score}
    scores: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    comments: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recommendation: so.Mapped[Recommendation | None] = so.mapped_column(
        sa.Enum(Recommendation, native_enum=False, length=24))
    confidence: so.Mapped[int | None] = so.mapped_column()
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=0)

    assignment: so.Mapped[Assignment] = so.relationship(back_populates="review")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
