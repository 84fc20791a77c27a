"""The retention rule of calls: the personal data of the applications not selected is removed
a number of months (Call.retention_months) after the results were published.

`flask privacy purge` applies it (from cron, daily, like the other periodic work);
`--dry-run` lists what it would remove and changes nothing.

Which applications: every application of a published call whose rule has come due, except
those of the selected fellows who hold their place (state `accepted`: the offer accepted or
still awaiting an answer). So drafts, withdrawn, ineligible, not selected, on the waiting list,
and places declined or expired all lose their data. Each application once: a purged one has
`purged_at`, and a second run finds nothing more (idempotent).

What goes: the names copied onto the application, the reasons for ineligibility, every answer
except those to the call's choice and yes/no questions (which the statistics count), every
document (rows, then the files in storage once the transaction has committed), the statement,
reason and letter (a file too) of its endorsement, the reviewers' comments and conflict reasons,
the note of its decision. What stays, so that the statistics keep their figures: the row, its
state, reference, language, administration and dates, the scores and recommendations, the
decision's outcome, the offer's state, the endorsement's state and priority. The applicant's
account is theirs and stays (deleting it is the person's right, portal/privacy's deletion); the
audit log is append-only and stays.
"""

import calendar
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.applications.models import Application, ApplicationState
from portal.audit.services import record_event
from portal.calls.models import Call, CallState
from portal.endorsements.models import Endorsement
from portal.extensions import db
from portal.jobs.files import jobs_keeping_files, retire_files
from portal.questions.models import questions_of
from portal.reviews.models import Assignment, Review
from portal.selection.models import Decision
from portal.stamps import raise_inputs
from portal.statistics.queries import COUNTED_KINDS
from portal.storage import delete_after_commit

# The applications a retention rule keeps: the selected fellows holding their place.
KEPT_STATES = (ApplicationState.accepted,)


@dataclass(frozen=True)
class PurgedApplication:
    """What the rule removes (or, in a dry run, would remove) of one application."""

    id: int
    reference: str | None
    state: ApplicationState
    documents: int


@dataclass
class CallPurge:
    call: Call
    due_at: datetime
    applications: list[PurgedApplication] = field(default_factory=list)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day where it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_calls(now: datetime) -> list[tuple[Call, datetime]]:
    """The published calls with a retention rule that has come due, with the moment it did."""
    calls = db.session.scalars(
        sa.select(Call).where(Call.state == CallState.published, Call.published_at.is_not(None),
                              Call.retention_months.is_not(None)).order_by(Call.published_at))
    due = [(call, add_months(call.published_at, call.retention_months)) for call in calls]
    return [(call, moment) for call, moment in due if moment <= now]


def purgeable(call: Call) -> list[Application]:
    """The call's applications the rule removes the data of, not yet purged, in id order."""
    return list(db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call.id, Application.purged_at.is_(None),
               Application.state.not_in(KEPT_STATES))
        .order_by(Application.id)))


def purge(now: datetime, *, dry_run: bool = False) -> list[CallPurge]:
    """Apply every due retention rule: per call, what was (or would be) removed.

    A dry run reads only. Otherwise each application's data goes (remove_personal_data), one
    `application.personal_data_removed` and one `call.retention_applied` event are recorded,
    the call's ranking stamp is raised (its cached table holds the names), and the files leave
    storage after the caller commits. Flushes; the caller commits.
    """
    done = []
    for call, due_at in due_calls(now):
        applications = purgeable(call)
        if not applications:
            continue
        result = CallPurge(call, due_at)
        kept_answers = statistics_answer_keys(call.id)
        for application in applications:
            result.applications.append(PurgedApplication(
                application.id, application.reference, application.state,
                len(application.documents)))
            if not dry_run:
                remove_personal_data(application, now=now, kept_answers=kept_answers)
        if not dry_run:
            # The call's exports and documents archive hold the same data.
            retire_files(jobs_keeping_files(call_id=call.id), reason="removed")
            record_event("call.retention_applied", obj=call,
                         applications=len(result.applications),
                         retention_months=call.retention_months)
            raise_inputs(call.id)
        done.append(result)
    if not dry_run:
        db.session.flush()
    return done


def statistics_answer_keys(call_id: int) -> dict[str, set[str]]:
    """{section key: answer keys} of the call's choice and yes/no questions (retired ones too),
    whose answers the statistics count and the rule therefore keeps."""
    kept: dict[str, set[str]] = {}
    for question in questions_of(call_id, include_retired=True):
        if question.kind in COUNTED_KINDS:
            kept.setdefault(question.section_key, set()).add(question.answer_key)
    return kept


def remove_personal_data(application: Application, *, now: datetime,
                         kept_answers: dict[str, set[str]]) -> None:
    """Remove an application's personal data and documents, keeping what the statistics count
    (see the module's docstring); set `purged_at` and record the event. The files leave storage
    after the commit (a rollback keeps rows and files). Flushes."""
    keys = [document.storage_key for document in application.documents]
    documents = len(keys)
    application.documents.clear()
    for section in application.sections:
        kept = kept_answers.get(section.key, set())
        section.answers = {k: v for k, v in (section.answers or {}).items() if k in kept}
        section.version += 1
    application.applicant_name = application.applicant_native_name = ""
    application.screening_reason = application.screening_reason_ru = ""
    application.purged_at = now
    keys += _clear_endorsement(application.id)
    _clear_reviews_and_decision(application.id)
    db.session.flush()
    delete_after_commit(keys)
    record_event("application.personal_data_removed", obj=application, documents=documents,
                 reference=application.reference)


def _clear_endorsement(application_id: int) -> list[str]:
    """Blank the endorsement's texts and letter; the letter's storage key, if any."""
    keys = []
    for endorsement in db.session.scalars(
            sa.select(Endorsement).where(Endorsement.application_id == application_id)):
        if endorsement.letter_key:
            keys.append(endorsement.letter_key)
        endorsement.statement = endorsement.reason = endorsement.letter_name = ""
        endorsement.letter_key, endorsement.letter_size, endorsement.letter_sha256 = None, None, ""
    return keys


def _clear_reviews_and_decision(application_id: int) -> None:
    for assignment in db.session.scalars(
            sa.select(Assignment).where(Assignment.application_id == application_id)):
        assignment.conflict_reason = ""
    for review in db.session.scalars(
            sa.select(Review).join(Assignment, Assignment.id == Review.assignment_id)
            .where(Assignment.application_id == application_id)):
        review.comments = ""
    decision = db.session.scalar(sa.select(Decision)
                                 .where(Decision.application_id == application_id))
    if decision is not None:
        decision.note = ""
