"""Member administrations of the WCO Europe region."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel import Locale

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class Administration(db.Model):
    __tablename__ = "administration"

    # ISO 3166-1 alpha-2 code of the country (XK for Kosovo, as CLDR has it).
    code: so.Mapped[str] = so.mapped_column(sa.String(2), primary_key=True)
    # Names come from CLDR; these override it only where an admin corrected them.
    name_en: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    name_ru: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    def name(self, locale: Locale | str) -> str:
        return administration_name(self.code, self.name_en, self.name_ru, locale)

    def __repr__(self) -> str:
        return f"<Administration {self.code}>"


def administration_name(code: str, name_en: str | None, name_ru: str | None, locale: Locale | str) -> str:
    """The name in the locale: an admin's correction, else CLDR's name of the territory."""
    locale = Locale.parse(locale)
    override = name_ru if locale.language == "ru" else name_en
    return override or locale.territories.get(code, code)


class FocalPoint(db.Model):
    """A nominating official of an administration: a user (role `nominator`) who endorses and
    ranks the administration's candidates, for this administration only.

    The person's name, e-mail and language are their account's; the title is the one they
    hold in the administration ("Head of the training unit").
    """

    __tablename__ = "focal_point"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    administration_code: so.Mapped[str] = so.mapped_column(
        sa.ForeignKey("administration.code"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    administration: so.Mapped[Administration] = so.relationship()
    user: so.Mapped["User"] = so.relationship(foreign_keys=[user_id],  # noqa: F821
                                              lazy="joined")

    __table_args__ = (sa.UniqueConstraint("administration_code", "user_id"),)

    def __repr__(self) -> str:
        return f"<FocalPoint {self.administration_code} {self.user_id}>"
