"""Merging a duplicate account into the account kept: everything the duplicate holds moves, in
one transaction, audited; refused where the two cannot be one person's.

The accounts package comes first in the domain's order, so it does not import the packages
whose tables point at users: it walks the foreign keys to `user.id` in the metadata instead, one
UPDATE per column. A column in a uniqueness (one application per call, one assignment per
reviewer and application, …) has a rule here: "union" drops the duplicate's row where the kept
account holds the same one already (a role, a message received, a focal point of the same
administration), "refuse" stops the merge and says where (both applied to the same call).
tests/accounts/test_merge.py fails when a foreign key to user.id is not in RULES.

The duplicate stays, deactivated, with `merged_into_id` set, so that audit records naming it
keep their meaning; its sessions end. Its e-mail address is freed (replaced by a non-routable
placeholder, the old one kept in the audit event): the row cannot sign in any more, and freed,
the address can become the kept account's or be registered again without a clash.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User
from portal.accounts.sign_in import end_sessions
from portal.accounts.signals import administration_changed
from portal.audit.services import record_event
from portal.extensions import db

MOVE, UNION, REFUSE, STAY = "move", "union", "refuse", "stay"


@dataclass(frozen=True)
class Rule:
    how: str  # MOVE, UNION, REFUSE or STAY
    label: object = None  # what the preview calls these rows (lazy text); None: not shown
    keys: tuple[str, ...] = ()  # UNION and REFUSE: the other columns of the uniqueness
    refusal: object = None  # REFUSE: the sentence, with %(items)s naming where


# Every foreign key to user.id: (table, column) → what a merge does with it.
RULES = {
    ("application", "applicant_id"): Rule(
        REFUSE, _l("Applications"), ("call_id",),
        _l("Both accounts applied to the same call: %(items)s. An applicant has one application "
           "per call; withdrawing one does not remove it.")),
    ("application", "screened_by_id"): Rule(MOVE, _l("Applications they marked as ineligible")),
    ("assignment", "reviewer_id"): Rule(
        REFUSE, _l("Review assignments, with their reviews"), ("application_id",),
        _l("Both accounts are assigned to review the same application: %(items)s. Release one "
           "of the assignments first.")),
    ("assignment", "assigned_by_id"): Rule(MOVE, _l("Assignments they made")),
    ("call", "published_by_id"): Rule(MOVE, _l("Calls whose results they published")),
    ("deadline_extension", "user_id"): Rule(
        REFUSE, _l("Deadline extensions"), ("call_id",),
        _l("Both accounts have a deadline extension in the same call: %(items)s. Remove one of "
           "them first.")),
    ("deadline_extension", "created_by_id"): Rule(MOVE, _l("Deadline extensions they granted")),
    ("decision", "decided_by_id"): Rule(MOVE, _l("Decisions they made")),
    ("endorsement", "decided_by_id"): Rule(MOVE, _l("Endorsement decisions")),
    ("focal_point", "user_id"): Rule(UNION, _l("Focal point of an administration"),
                                     ("administration_code",)),
    ("focal_point", "created_by_id"): Rule(MOVE, _l("Focal points they added")),
    ("job", "started_by_id"): Rule(MOVE, _l("Background work they started")),
    ("message", "person_id"): Rule(MOVE, _l("Messages written to them alone")),
    ("message", "sender_id"): Rule(MOVE, _l("Messages they sent")),
    ("message_recipient", "user_id"): Rule(UNION, _l("Messages received"), ("message_id",)),
    ("privacy_notice", "created_by_id"): Rule(MOVE, _l("Versions of the privacy notice they wrote")),
    ("reviewer_profile", "user_id"): Rule(UNION, _l("Reviewer profile")),
    ("reviewer_profile", "invited_by_id"): Rule(MOVE, _l("Reviewers they invited")),
    ("user", "merged_into_id"): Rule(MOVE, _l("Accounts merged into this one before")),
    ("user_role", "user_id"): Rule(UNION, _l("Roles"), ("role",)),
    # Ended by the merge, and kept with the duplicate: they were its sign-ins.
    ("sign_in_session", "user_id"): Rule(STAY),
}


class MergeRefused(Exception):
    """The accounts cannot be merged; `reasons` says why, each a sentence."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Moving:
    """One kind of row in the preview: how many move, how many the kept account holds already
    (a union: the duplicate's copy is dropped)."""

    key: str
    label: str
    moving: int
    dropped: int = 0


@dataclass
class MergePreview:
    duplicate: User
    kept: User
    moving: list[Moving] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    def counts(self) -> dict[str, int]:
        return {row.key: row.moving for row in self.moving if row.moving}


def user_foreign_keys() -> set[tuple[str, str]]:
    """Every (table, column) of the metadata with a foreign key to user.id."""
    user = db.metadata.tables["user"]
    return {(table.name, fk.parent.name) for table in db.metadata.sorted_tables
            for fk in table.foreign_keys if fk.column is user.c.id}


def preview_merge(duplicate: User, kept: User, *, actor: User | None = None) -> MergePreview:
    """What merging `duplicate` into `kept` would move, drop and refuse. Writes nothing."""
    preview = MergePreview(duplicate=duplicate, kept=kept, roles=duplicate.roles | kept.roles)
    preview.refusals = _account_refusals(duplicate, kept, actor)
    if preview.refusals:
        return preview
    unknown = user_foreign_keys() - RULES.keys()
    if unknown:  # a new table points at users: merging would leave its rows behind
        raise RuntimeError(f"accounts.merge.RULES misses {sorted(unknown)}")
    for (table_name, column), rule in RULES.items():
        if rule.how == STAY:
            continue
        table = db.metadata.tables[table_name]
        total = _count(table, column, duplicate.id)
        if rule.how == REFUSE:
            clashes = _clashes(table, column, rule.keys, duplicate.id, kept.id)
            if clashes:
                preview.refusals.append(str(rule.refusal) % {
                    "items": ", ".join(_describe(rule.keys, clashes))})
        dropped = _count_shared(table, column, rule.keys, duplicate.id, kept.id) \
            if rule.how == UNION else 0
        if total and rule.label is not None:
            preview.moving.append(Moving(f"{table_name}.{column}", str(rule.label),
                                         total - dropped, dropped))
    preview.refusals += _own_application_refusals(duplicate, kept)
    return preview


def merge_accounts(duplicate: User, kept: User, *, actor: User, now: datetime) -> MergePreview:
    """Merge `duplicate` into `kept`: every row pointing at the duplicate points at the kept
    account (the duplicate's copy dropped where the kept one holds the same), the duplicate is
    deactivated, marked merged, its sessions ended and its e-mail address freed. Audited on
    both accounts with the counts. Where their administrations differ, sends
    administration_changed for the kept account (conflicts of interest checked again).
    Raises MergeRefused (nothing written) when the preview refuses. Flushes; the caller
    commits."""
    _lock(duplicate, kept)
    preview = preview_merge(duplicate, kept, actor=actor)
    if not preview.allowed:
        raise MergeRefused(preview.refusals)
    db.session.flush()
    for (table_name, column), rule in RULES.items():
        if rule.how in (MOVE, UNION, REFUSE):
            _move(db.metadata.tables[table_name], column, rule, duplicate.id, kept.id)
    old_email = duplicate.email
    duplicate.email = f"merged-{duplicate.id}@merged.invalid"
    duplicate.pending_email = None
    duplicate.is_active_account = False
    duplicate.merged_into_id = kept.id
    end_sessions(duplicate, now=now)
    counts = preview.counts()
    record_event("account.merged", actor=actor, obj=kept, user=duplicate.id, email=old_email,
                 moved=counts)
    record_event("account.merged_away", actor=actor, obj=duplicate, user=kept.id)
    moved_from = duplicate.administration_code
    db.session.flush()
    db.session.expire_all()  # the UPDATEs went past the objects loaded
    if moved_from != kept.administration_code:
        # The duplicate's reviews and applications are now of the kept account's
        # administration: reviews ends the assignments that became a conflict.
        administration_changed.send(kept, before=moved_from, now=now)
        db.session.flush()
    return preview


def _lock(duplicate: User, kept: User) -> None:
    """Both rows locked in the order of their ids (PostgreSQL), so that two merges or a merge
    and an edit of either account wait for each other, and read again: what the other one
    committed meanwhile (a merge the other way round) is seen."""
    ids = sorted((duplicate.id, kept.id))
    db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)
                       .with_for_update(of=User).execution_options(populate_existing=True)).all()


def _account_refusals(duplicate: User, kept: User, actor: User | None) -> list[str]:
    if duplicate.id == kept.id:
        return [_("An account cannot be merged into itself.")]
    reasons = []
    if duplicate.merged_into_id is not None:
        reasons.append(_("%(name)s has been merged into another account already.",
                         name=duplicate.full_name))
    if kept.merged_into_id is not None or kept.deleted_at is not None:
        reasons.append(_("%(name)s has been merged or deleted: choose the account it was "
                         "merged into.", name=kept.full_name))
    elif not kept.is_active_account:
        reasons.append(_("%(name)s is deactivated: reactivate the account to keep first.",
                         name=kept.full_name))
    if duplicate.deleted_at is not None:
        reasons.append(_("%(name)s was deleted at its owner's request.", name=duplicate.full_name))
    if actor is not None and actor.id == duplicate.id:
        reasons.append(_("You cannot merge away the account you are signed in with."))
    return reasons


def _own_application_refusals(duplicate: User, kept: User) -> list[str]:
    """One account assigned to review the other's application: after the merge the person
    would review their own."""
    assignment, application = (db.metadata.tables[name] for name in ("assignment", "application"))
    ids = (duplicate.id, kept.id)
    references = db.session.scalars(
        sa.select(application.c.id).join(assignment, assignment.c.application_id == application.c.id)
        .where(assignment.c.reviewer_id.in_(ids), application.c.applicant_id.in_(ids),
               assignment.c.reviewer_id != application.c.applicant_id)
        .order_by(application.c.id)).all()
    if not references:
        return []
    return [_("One account is assigned to review an application of the other: %(items)s. "
              "Release the assignment first.",
              items=", ".join(_describe(("application_id",), [(ref,) for ref in references])))]


def _count(table: sa.Table, column: str, user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table)
                             .where(table.c[column] == user_id))


def _shared(table: sa.Table, column: str, keys: tuple[str, ...], duplicate_id: int,
            kept_id: int) -> sa.Exists:
    """The kept account holds a row like this one of the duplicate (same keys)."""
    other = table.alias("kept_row")
    return sa.exists().where(other.c[column] == kept_id,
                             *(other.c[key] == table.c[key] for key in keys))


def _count_shared(table, column, keys, duplicate_id, kept_id) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(table)
        .where(table.c[column] == duplicate_id,
               _shared(table, column, keys, duplicate_id, kept_id)))


def _clashes(table, column, keys, duplicate_id, kept_id) -> list[tuple]:
    return db.session.execute(
        sa.select(*(table.c[key] for key in keys))
        .where(table.c[column] == duplicate_id,
               _shared(table, column, keys, duplicate_id, kept_id))
        .order_by(*(table.c[key] for key in keys))).all()


def _move(table: sa.Table, column: str, rule: Rule, duplicate_id: int, kept_id: int) -> None:
    if rule.how == UNION:
        db.session.execute(sa.delete(table).where(
            table.c[column] == duplicate_id,
            _shared(table, column, rule.keys, duplicate_id, kept_id)))
    db.session.execute(sa.update(table).where(table.c[column] == duplicate_id)
                       .values({column: kept_id}))


def _describe(keys: tuple[str, ...], values: list[tuple]) -> list[str]:
    """Where a refusal applies, as a reader knows it: calls by title, applications by
    reference number and call."""
    from flask_babel import get_locale

    russian = str(get_locale() or "en") == "ru"
    call = db.metadata.tables["call"]
    title = call.c.title_ru if russian else call.c.title_en
    quote = "«%s»" if russian else "“%s”"
    if keys == ("call_id",):
        titles = dict(db.session.execute(
            sa.select(call.c.id, title).where(call.c.id.in_([v[0] for v in values]))).all())
        return [quote % (titles.get(v[0]) or v[0]) for v in values]
    if keys == ("application_id",):
        application = db.metadata.tables["application"]
        rows = dict((row[0], row[1:]) for row in db.session.execute(
            sa.select(application.c.id, application.c.reference, title)
            .join(call, call.c.id == application.c.call_id)
            .where(application.c.id.in_([v[0] for v in values]))).all())
        return [f"{rows[v[0]][0] or '#' + str(v[0])} ({quote % rows[v[0]][1]})" for v in values]
    return [", ".join(str(item) for item in v) for v in values]
