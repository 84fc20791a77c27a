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
    # The programme's practice: reviewers do not learn who applied unless a call says otherwise.
    blind_review: so.Mapped[bool] = so.mapped_column(default=True)
    # Whether a reviewer who has submitted sees the other reviews of the same application.
    show_other_reviews: so.Mapped[bool] = so.mapped_column(default=False)
    cap_per_administration: so.Mapped[int | None] = so.mapped_column()
    # The year of the fellowship programme (not of the deadline): it names the reference numbers
    # of the call's applications, FEL-2027-0042. Needed before the call opens.
    programme_year: so.Mapped[int | None] = so.mapped_column()
    # Eligibility the portal checks against the answers (the eligibility text says it in words).
    # Empty or off: not checked. A contradiction is shown, never refused: coordinators judge.
    min_years_in_service: so.Mapped[int | None] = so.mapped_column()
    former_fellows_excluded: so.Mapped[bool] = so.mapped_column(default=False,
                                                                server_default=sa.false())
    # Publication of the results, and how long a selected applicant has to answer an offer.
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    offer_response_days: so.Mapped[int] = so.mapped_column(default=14, server_default="14")
    # What the call makes of the built-in answers the programme lets it change: answer or
    # document name → "optional" or "hidden" (portal/applications/sections.py says which).
    form_settings: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # Endorsement by the applicant's administration (portal/endorsements): whether the call
    # needs it, until when its focal points may act (the deadline or later), how many
    # candidates one administration may endorse (none: no limit), whether an applicant may
    # ask for it before submitting, and whether a declined applicant reads the reason.
    endorsement_required: so.Mapped[bool] = so.mapped_column(default=False,
                                                             server_default=sa.false())
    endorsement_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    endorsement_quota: so.Mapped[int | None] = so.mapped_column()
    endorsement_before_submission: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false())
    endorsement_reason_shown: so.Mapped[bool] = so.mapped_column(default=False,
                                                                 server_default=sa.false())
    # Personal data retention (portal/privacy): the personal data and documents of the call's
    # applications that were not selected are removed this many months after publication.
    # None: kept until removed by hand.
    retention_months: so.Mapped[int | None] = so.mapped_column()

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

    @property
    def reference_year(self) -> int | None:
        """The year in the call's reference numbers: its programme year.

        Every call that can take applications has one (opening needs it; the migration gave
        one to older calls); a call made some other way falls back to its deadline's year.
        """
        if self.programme_year is not None:
            return self.programme_year
        return self.closes_at.year if self.closes_at is not None else None

    @property
    def endorsement_due_at(self) -> datetime | None:
        """Until when focal points may endorse: the endorsement deadline, else the call's."""
        return self.endorsement_deadline or self.closes_at

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


class DeadlineExtension(db.Model):
    """A later deadline for one applicant of a call, set by a coordinator with a reason.

    The applicant sees it wherever the call's deadline is shown to them, and the server holds
    them to it (to the second) instead of the call's `closes_at`.
    """

    __tablename__ = "deadline_extension"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"),
                                               index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    closes_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # Optimistic locking: two coordinators changing the same extension cannot overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __table_args__ = (sa.UniqueConstraint("call_id", "user_id"),)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<DeadlineExtension call {self.call_id} user {self.user_id}>"
