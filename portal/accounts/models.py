"""People who use the portal and the roles they hold."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from portal.database import UTCDateTime, utcnow
from portal.extensions import db
from portal.search import keep_search_columns, search_column


class Role(enum.StrEnum):
    applicant = "applicant"
    reviewer = "reviewer"
    coordinator = "coordinator"
    admin = "admin"
    # A focal point of a member administration: endorses its own officers' applications
    # (administrations.models.FocalPoint says which administration).
    nominator = "nominator"

    @property
    def label(self) -> str:
        from portal.phrases import ROLE_LABELS

        return str(ROLE_LABELS[self.value])


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every backend.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    native_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    administration_code: so.Mapped[str | None] = so.mapped_column(
        sa.ForeignKey("administration.code"), index=True
    )
    position: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    preferred_language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64), default="Asia/Baku")
    email_verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    is_active_account: so.Mapped[bool] = so.mapped_column(default=True)
    # Part of the newest password-reset link: a new request or a new password spends older links.
    reset_nonce: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # A new address the user (or an admin) asked for: it replaces `email` only once a link sent
    # to it is followed, so a typo never locks anyone out.
    pending_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    # The version of the privacy notice the user accepted (PrivacyNotice.version) and when; a
    # newer published version is shown for acceptance at the next sign-in.
    privacy_version: so.Mapped[int | None] = so.mapped_column()
    privacy_accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Set when the account was deleted at its owner's request: the row stays, anonymised, for
    # what must be kept (a submitted application of a call in review, audit records).
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Set on a duplicate account merged into another (accounts/merge.py): it stays, deactivated,
    # so that audit records naming it keep their meaning.
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # What the admin's search looks in, folded for a search in any script (portal/search.py).
    search_text: so.Mapped[str] = search_column("full_name", "native_name", "email")

    administration: so.Mapped["Administration | None"] = so.relationship(  # noqa: F821
        lazy="joined"
    )
    role_rows: so.Mapped[list["UserRole"]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # The sign-in session this request runs in (set by load_user and at sign-in), not a column.
    sign_in_session = None

    def get_id(self) -> str | None:
        """What the login cookie carries: the sign-in session's id, never the user's."""
        return self.sign_in_session.id if self.sign_in_session is not None else None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


keep_search_columns(User)


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: so.Mapped[Role] = so.mapped_column(
        sa.Enum(Role, native_enum=False, length=20, validate_strings=True), primary_key=True
    )
    granted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    user: so.Mapped[User] = so.relationship(back_populates="role_rows")


class SignInSession(db.Model):
    """One sign-in of a user, named by a random id that the login cookie carries.

    Signing out, a new password or a suspension sets `ended_at`, which makes every copy of the
    cookie useless at once; an idle or too old session is refused without being written to.
    """

    __tablename__ = "sign_in_session"

    id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True, default=new_session_id)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Refreshed at most once a minute, so that a page view does not always write.
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<SignInSession of user {self.user_id}>"


class PrivacyNotice(db.Model):
    """One version of the portal's privacy notice, in both languages (Markdown).

    Versions are numbered 1, 2, …; the published one with the highest number is in force.
    Registration records the version accepted (User.privacy_version); a user who accepted an
    older one is asked to accept the new one at their next sign-in.
    """

    __tablename__ = "privacy_notice"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version: so.Mapped[int] = so.mapped_column(unique=True)
    text_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    text_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # What changed from the previous version, shown with the request to accept it.
    summary_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # None while a draft; a published version is never edited (a change is a new version).
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<PrivacyNotice v{self.version}>"
