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

    @property
    def label(self) -> str:
        from portal.phrases import ROLE_LABELS

        return str(ROLE_LABELS[self.value])


def new_session_token() -> str:
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
    # Part of the login cookie: changing it (password change, reset) ends every session.
    session_token: so.Mapped[str] = so.mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
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

    def get_id(self) -> str:
        return self.session_token

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
