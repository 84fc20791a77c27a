"""Who a message goes to: each audience a coordinator may choose, as one query of people.

- `drafts`: owners of a call's applications still in draft (not yet submitted);
- `submitted`: owners of a call's applications that were submitted and not withdrawn (whatever
  has happened to them since: under review, ineligible, decided);
- `selected` and `waitlisted`: owners of a call's applications whose published result is a
  place or the waiting list (decisions not yet published are never used: the applicant has not
  been told);
- `reviewers`: reviewers with an active assignment of the call whose review is not submitted;
- `person`: one person.
Deactivated, deleted and merged accounts never receive a message.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.applications.models import Application, ApplicationState
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Review

AUDIENCE_LABELS = {
    "drafts": _l("Applicants with a draft not yet submitted"),
    "submitted": _l("Applicants who submitted an application"),
    "selected": _l("Selected applicants"),
    "waitlisted": _l("Applicants on the waiting list"),
    "reviewers": _l("Reviewers with reviews still to submit"),
    "person": _l("One person"),
}
CALL_AUDIENCES = ("drafts", "submitted", "selected", "waitlisted", "reviewers")
AUDIENCES = (*CALL_AUDIENCES, "person")

_APPLICATION_STATES = {
    "drafts": (ApplicationState.draft,),
    "submitted": tuple(s for s in ApplicationState
                       if s not in (ApplicationState.draft, ApplicationState.withdrawn)),
    "selected": (ApplicationState.accepted,),
    "waitlisted": (ApplicationState.waitlisted,),
}


def audience_label(audience: str) -> str:
    label = AUDIENCE_LABELS.get(audience)
    return str(label) if label is not None else audience


def recipients_query(audience: str, *, call_id: int | None = None,
                     person_id: int | None = None) -> sa.Select:
    """A select of the User rows the audience holds (each once), ordered by id."""
    if audience == "person":
        chosen = User.id == person_id
    elif audience == "reviewers":
        chosen = User.id.in_(
            sa.select(Assignment.reviewer_id).join(Application)
            .outerjoin(Review, Review.assignment_id == Assignment.id)
            .where(Application.call_id == call_id, Assignment.state == AssignmentState.active,
                   Review.submitted_at.is_(None)))
    elif audience in _APPLICATION_STATES:
        chosen = User.id.in_(
            sa.select(Application.applicant_id)
            .where(Application.call_id == call_id,
                   Application.state.in_(_APPLICATION_STATES[audience])))
    else:
        raise ValueError(f"unknown audience {audience!r}")
    return (sa.select(User).where(chosen, User.is_active_account.is_(True),
                                  User.deleted_at.is_(None), User.merged_into_id.is_(None))
            .order_by(User.id))


def recipients(audience: str, **where) -> list[User]:
    return list(db.session.scalars(recipients_query(audience, **where)).unique())


def count_recipients(audience: str, **where) -> int:
    query = recipients_query(audience, **where).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        query.with_only_columns(User.id).subquery()))
