"""The admin's list of users: filters by role, administration, state and last sign-in, and a
search by name in any script."""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.invitations import UNUSABLE_PREFIX
from portal.accounts.models import Role, User, UserRole
from portal.search import matches

RECENT = timedelta(days=30)


class AccountState(enum.StrEnum):
    active = "active"
    deactivated = "deactivated"
    invited = "invited"
    unconfirmed = "unconfirmed"

    @property
    def label(self) -> str:
        return str(ACCOUNT_STATE_LABELS[self])


ACCOUNT_STATE_LABELS = {
    AccountState.active: _l("Active"),
    AccountState.deactivated: _l("Deactivated"),
    AccountState.invited: _l("Invited, no password set yet"),
    AccountState.unconfirmed: _l("E-mail address not confirmed"),
}


class LastSignIn(enum.StrEnum):
    never = "never"
    recent = "recent"
    older = "older"

    @property
    def label(self) -> str:
        return str(LAST_SIGN_IN_LABELS[self])


LAST_SIGN_IN_LABELS = {
    LastSignIn.never: _l("Never signed in"),
    LastSignIn.recent: _l("Signed in within 30 days"),
    LastSignIn.older: _l("Last signed in more than 30 days ago"),
}


@dataclass
class UserFilters:
    search: str = ""
    role: str = ""
    administration: str = ""
    state: str = ""
    last_sign_in: str = ""

    @classmethod
    def from_args(cls, args) -> "UserFilters":
        """The filters of the list's query string; unknown values are ignored."""
        def pick(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(search=(args.get("q") or "").strip()[:100],
                   role=pick("role", {r.value for r in Role}),
                   administration=(args.get("administration") or "").strip().upper()[:2],
                   state=pick("state", {s.value for s in AccountState}),
                   last_sign_in=pick("last_sign_in", {s.value for s in LastSignIn}))


def users_query(filters: UserFilters, *, now: datetime) -> sa.Select:
    """The users the filters keep, by name."""
    query = sa.select(User).order_by(User.full_name, User.id)
    if filters.search:
        query = query.where(matches(filters.search, User.search_text))
    if filters.role:
        query = query.where(sa.exists().where(UserRole.user_id == User.id,
                                              UserRole.role == Role(filters.role)))
    if filters.administration:
        query = query.where(User.administration_code == filters.administration)
    if filters.state:
        query = query.where(_STATE_CONDITIONS[AccountState(filters.state)]())
    if filters.last_sign_in:
        query = query.where(_sign_in_condition(LastSignIn(filters.last_sign_in), now))
    return query


def _invited():
    return User.password_hash.startswith(UNUSABLE_PREFIX, autoescape=True)


_STATE_CONDITIONS = {
    AccountState.active: lambda: User.is_active_account.is_(True),
    AccountState.deactivated: lambda: User.is_active_account.is_(False),
    AccountState.invited: _invited,
    AccountState.unconfirmed: lambda: sa.and_(
        ~_invited(), sa.or_(User.email_verified_at.is_(None), User.pending_email.is_not(None))),
}


def _sign_in_condition(when: LastSignIn, now: datetime):
    if when == LastSignIn.never:
        return User.last_login_at.is_(None)
    if when == LastSignIn.recent:
        return User.last_login_at >= now - RECENT
    return User.last_login_at < now - RECENT


def account_states(user: User) -> list[AccountState]:
    """What the list shows of an account: deactivated or active, and what it waits for."""
    states = [AccountState.active if user.is_active_account else AccountState.deactivated]
    if user.password_hash.startswith(UNUSABLE_PREFIX):
        states.append(AccountState.invited)
    elif not user.email_verified or user.pending_email:
        states.append(AccountState.unconfirmed)
    return states
