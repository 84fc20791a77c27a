"""Fellowship calls and the criteria their applications are scored against."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.bilingual import Bilingual
from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class CallState(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    in_review = "in_review"
    decided = "decided"
    published = "published"

    @property
    def label(self) -> str:
        return str(CALL_STATE_LABELS[self])


CALL_STATE_LABELS = {
    CallState.draft: _l("Draft"),
    CallState.open: _l("Open"),
    CallState.closed: _l("Closed"),
    CallState.in_review: _l("In review"),
    CallState.decided: _l("Decided"),
    CallState.published: _l("Results published"),
}

# Every text of a call, each stored in English and Russian.
CALL_TEXT_FIELDS = ("title", "summary", "description", "eligibility")
CRITERION_TEXT_FIELDS = ("name", "guidance")


class Call(Bilingual, db.Model):
    __tablename__ = "call"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    state: so.Mapped[CallState] = so.mapped_column(
        sa.Enum(CallState, native_enum=False, length=16), default=CallState.draft, index=True)

    title_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    title_ru: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    summary_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown
    description_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    eligibility_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown
    eligibility_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    # Stored in UTC; shown in the viewer's zone and in the call's own (the office's).
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    review_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64), default="Asia/Baku")

    places: so.Mapped[int] = so.mapped_column(default=1)
    reviewers_per_application: so.Mapped[int] = so.mapped_column(default=3)
    blind_review: so.Mapped[bool] = so.mapped_column(default=False)
    # Whether a reviewer who has submitted sees the other reviews of the same application.
    show_other_reviews: so.Mapped[bool] = so.mapped_column(default=False)
    cap_per_administration: so.Mapped[int | None] = so.mapped_column()
    # Publication of the results, and how long a selected applicant has to answer an offer.
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    offer_response_days: so.Mapped[int] = so.mapped_column(default=14, server_default="14")

    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow,
                                                       onupdate=utcnow)
    # Optimistic locking: two coordinators saving the same call cannot overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    # Loaded when asked for (one query), not with every call: most pages that load a call, the
    # lists of applications and the ranking among them, never show its criteria.
    criteria: so.Mapped[list["Criterion"]] = so.relationship(
        back_populates="call", order_by="Criterion.position", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.slug} {self.state}>"

    def is_open_at(self, moment: datetime) -> bool:
        return (self.state == CallState.open and self.opens_at is not None
                and self.closes_at is not None and self.opens_at <= moment < self.closes_at)


class Criterion(Bilingual, db.Model):
    __tablename__ = "criterion"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"),
                                               index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_ru: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    guidance_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    guidance_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    weight: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(6, 2), default=Decimal("1"))
    scale_min: so.Mapped[int] = so.mapped_column(default=1)
    scale_max: so.Mapped[int] = so.mapped_column(default=5)

    call: so.Mapped[Call] = so.relationship(back_populates="criteria")
