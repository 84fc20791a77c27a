"""The rules of endorsement: asking the focal points, endorsing, declining, ordering, reminding.

Every function flushes and never commits; e-mails go through the outbox (sent after the
caller's commit). The moment is always the server's `now`: nothing changes at or after the
call's endorsement deadline (its closing moment when it names none).
"""

from datetime import datetime, timedelta

import filetype
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.applications.models import Application, ApplicationState
from portal.applications.services import DocumentRefused, clean_filename, is_editable
from portal.audit.services import record_event
from portal.endorsements import queries
from portal.endorsements.models import Endorsement, EndorsementState
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.pdf_structure import page_count
from portal.storage import TooLarge, delete_after_commit, document_name, local_copy, storage
from portal.urls import public_url

REMINDER_INTERVAL = timedelta(days=1)


class EndorsementError(Exception):
    """A rule was broken; `message` (lazy, localized) says which."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class TooLate(EndorsementError):
    def __init__(self):
        super().__init__(_l("The endorsement deadline has passed: endorsements can no longer "
                            "be changed. Nothing was changed."))


class OverQuota(EndorsementError):
    def __init__(self, quota: int):
        super().__init__(lazy_ngettext(
            "Your administration may endorse at most %(num)d candidate in this call, and has "
            "endorsed as many. Decline another candidate first. Nothing was changed.",
            "Your administration may endorse at most %(num)d candidates in this call, and has "
            "endorsed as many. Decline another candidate first. Nothing was changed.", quota))


class SelfEndorsement(EndorsementError):
    def __init__(self):
        super().__init__(_l("You cannot act on your own application. Nothing was changed."))


class StaleEndorsement(EndorsementError):
    def __init__(self):
        super().__init__(_l("Someone else changed this endorsement while you were reading the "
                            "page. Nothing was changed: check it again below."))


def deadline(call) -> datetime:
    """The moment from which endorsements no longer change."""
    return call.endorsement_deadline or call.closes_at


def accepts_decisions(call, now: datetime) -> bool:
    return bool(call.endorsement_required) and now < deadline(call)


def can_ask_early(application: Application, now: datetime) -> bool:
    """The applicant may ask for endorsement before submitting: the call allows it, the draft
    names its administration and can still be changed, and nobody was asked yet."""
    call = application.call
    return (bool(call.endorsement_required and call.endorsement_before_submission)
            and application.state == ApplicationState.draft
            and bool(application.administration_code) and is_editable(application, now)
            and queries.endorsement_of(application.id) is None)


def ask_before_submission(application: Application, *, actor, now: datetime) -> Endorsement:
    """The applicant's own request, where the call allows it (can_ask_early). Raises
    EndorsementError. Flushes; e-mails the focal points."""
    if not can_ask_early(application, now):
        raise EndorsementError(_l("Endorsement cannot be requested for this application now."))
    return request_endorsement(application, actor=actor, now=now)


def request_endorsement(application: Application, *, actor, now: datetime) -> Endorsement | None:
    """Ask the application's administration to endorse it, if its call needs endorsement:
    the endorsement is created (state requested) and each focal point gets an e-mail in their
    language. Asked again only if the application now names another administration. Flushes."""
    if not application.call.endorsement_required or not application.administration_code:
        return None
    endorsement = queries.endorsement_of(application.id)
    if endorsement is not None and \
            endorsement.administration_code == application.administration_code:
        return endorsement
    if endorsement is None:
        endorsement = Endorsement(application=application, call_id=application.call_id)
        db.session.add(endorsement)
    else:
        _forget_letter(endorsement)
        endorsement.state, endorsement.statement, endorsement.reason = \
            EndorsementState.requested, "", ""
        endorsement.priority = endorsement.decided_at = endorsement.decided_by_id = None
    endorsement.administration_code = application.administration_code
    endorsement.requested_at = now
    db.session.flush()
    record_event("endorsement.requested", actor=actor, obj=application,
                 administration=endorsement.administration_code)
    for person in queries.focal_points_of(endorsement.administration_code):
        _email_focal_point(person, endorsement, kind="endorsement_requested")
    return endorsement


def on_submitted(application: Application, *, actor, now: datetime, **_extra) -> None:
    """Receiver of applications.signals.application_submitted."""
    request_endorsement(application, actor=actor, now=now)


def on_withdrawn(application: Application, *, actor, now: datetime, **_extra) -> None:
    """Receiver of applications.signals.application_withdrawn: the endorsement is dropped (it
    no longer counts in the quota) and the administration's priorities close up."""
    endorsement = queries.endorsement_of(application.id)
    if endorsement is None:
        return
    was_endorsed = endorsement.state == EndorsementState.endorsed
    _forget_letter(endorsement)
    db.session.delete(endorsement)
    db.session.flush()
    if was_endorsed:
        _renumber(queries.endorsed_in(endorsement.call_id, endorsement.administration_code))
    record_event("endorsement.dropped", actor=actor, obj=application,
                 administration=endorsement.administration_code)


def endorse(endorsement: Endorsement, *, actor, statement: str = "", letter=None,
            expected_version: int, now: datetime) -> None:
    """Endorse the candidate (or change the statement or letter of an endorsement), placed
    last in the administration's priority. `letter`: (stream, file name) of a signed PDF,
    judged by content. Raises EndorsementError (TooLate, OverQuota, SelfEndorsement,
    StaleEndorsement, a refused letter). Flushes; e-mails the applicant if the state changed."""
    _check(endorsement, actor, expected_version, now)
    call = endorsement.application.call
    changed = endorsement.state != EndorsementState.endorsed
    if changed:
        used = queries.quota_used(call.id, endorsement.administration_code)
        if call.endorsement_quota is not None and used >= call.endorsement_quota:
            raise OverQuota(call.endorsement_quota)
        endorsement.priority = used + 1
    if letter is not None:
        _store_letter(endorsement, *letter)
    endorsement.state = EndorsementState.endorsed
    endorsement.statement = (statement or "").strip()
    endorsement.reason = ""
    _decided(endorsement, actor, now)
    record_event("endorsement.endorsed", actor=actor, obj=endorsement.application,
                 priority=endorsement.priority, sha256=endorsement.letter_sha256 or None)
    if changed:
        _email_applicant(endorsement)


def decline(endorsement: Endorsement, *, actor, reason: str, expected_version: int,
            now: datetime) -> None:
    """Decline the candidate, with a reason (shown to the applicant only if the call says so).
    An endorsement given before is taken back, with its statement and letter. Raises
    EndorsementError. Flushes; e-mails the applicant if the state changed."""
    _check(endorsement, actor, expected_version, now)
    if not (reason or "").strip():
        raise EndorsementError(_l("Please give the reason for declining."))
    changed = endorsement.state != EndorsementState.declined
    was_endorsed = endorsement.state == EndorsementState.endorsed
    _forget_letter(endorsement)
    endorsement.state = EndorsementState.declined
    endorsement.reason = reason.strip()
    endorsement.statement = ""
    endorsement.priority = None
    _decided(endorsement, actor, now)
    if was_endorsed:
        _renumber(queries.endorsed_in(endorsement.call_id, endorsement.administration_code))
    record_event("endorsement.declined", actor=actor, obj=endorsement.application,
                 reason=endorsement.reason)
    if changed:
        _email_applicant(endorsement)


def place(endorsement: Endorsement, *, actor, position: int, expected_version: int,
          now: datetime) -> None:
    """Give an endorsed candidate the `position` in the administration's priority (1 first;
    beyond the last means last), the others closing up. Raises EndorsementError. Flushes."""
    _check(endorsement, actor, expected_version, now)
    if endorsement.state != EndorsementState.endorsed:
        raise EndorsementError(_l("Only endorsed candidates are given a priority."))
    ranked = [e for e in queries.endorsed_in(endorsement.call_id, endorsement.administration_code)
              if e.id != endorsement.id]
    before = endorsement.priority
    ranked.insert(max(0, min(position - 1, len(ranked))), endorsement)
    _renumber(ranked)
    if endorsement.priority != before:
        record_event("endorsement.reordered", actor=actor, obj=endorsement.application,
                     before=before, after=endorsement.priority)


def move(endorsement: Endorsement, *, actor, direction: str, expected_version: int,
         now: datetime) -> None:
    """One place up (toward 1) or down in the priority. See `place`."""
    step = -1 if direction == "up" else 1
    place(endorsement, actor=actor, position=max(1, (endorsement.priority or 1) + step),
          expected_version=expected_version, now=now)


def remind_focal_points(now: datetime) -> int:
    """E-mail each focal point of an administration with candidates still awaiting its
    endorsement in a call whose endorsement deadline is ahead: at most once a day per call
    and administration, and not on the day they were asked. Returns the e-mails queued."""
    queued = 0
    for call, code, waiting in queries.pending_groups():
        if not accepts_decisions(call, now) or not _due(waiting, now):
            continue
        people = queries.focal_points_of(code)
        for person in people:
            _email_reminder(person, call, len(waiting))
        queued += len(people)
        # A plain UPDATE: the reminder must not make an open page of a focal point stale.
        db.session.execute(sa.update(Endorsement)
                           .where(Endorsement.id.in_([e.id for e in waiting]))
                           .values(reminded_at=now).execution_options(synchronize_session=False))
        record_event("endorsement.reminders_sent", obj=call, administration=code,
                     candidates=len(waiting), recipients=len(people))
    db.session.flush()
    return queued


def _due(waiting: list[Endorsement], now: datetime) -> bool:
    since = now - REMINDER_INTERVAL
    return (all(e.reminded_at is None or e.reminded_at <= since for e in waiting)
            and any(e.requested_at <= since for e in waiting))


def _check(endorsement: Endorsement, actor, expected_version: int, now: datetime) -> None:
    application = endorsement.application
    if application.applicant_id == actor.id:
        raise SelfEndorsement()
    if not accepts_decisions(application.call, now):
        raise TooLate()
    if application.state == ApplicationState.withdrawn:
        raise EndorsementError(_l("This application was withdrawn."))
    queries.lock_endorsements(endorsement.call_id, endorsement.administration_code)
    if endorsement.version != expected_version:
        raise StaleEndorsement()


def _decided(endorsement: Endorsement, actor, now: datetime) -> None:
    endorsement.decided_at = now
    endorsement.decided_by_id = actor.id
    try:
        db.session.flush()
    except so.exc.StaleDataError as exc:  # changed by someone else between our read and write
        raise StaleEndorsement() from exc


def _renumber(ranked: list[Endorsement]) -> None:
    for number, endorsement in enumerate(ranked, start=1):
        endorsement.priority = number
    db.session.flush()


def _store_letter(endorsement: Endorsement, stream, filename: str) -> None:
    """Keep a signed letter, judged by its content as every upload is: a PDF that opens."""
    try:
        name = clean_filename(filename)
    except DocumentRefused as exc:
        raise EndorsementError(exc.message) from None
    config = current_app.config
    limit = config["MAX_DOCUMENT_SIZE"]
    try:
        stored = storage().save(stream, max_size=limit)
    except TooLarge:
        raise EndorsementError(_l("The file is larger than %(size)s MB.",
                                  size=limit // (1024 * 1024))) from None
    content_type = filetype.guess_mime(stored.head)
    problem = _letter_problem(stored, content_type, config)
    if problem is not None:
        storage().delete(stored.key)
        raise EndorsementError(problem)
    _forget_letter(endorsement)
    endorsement.letter_key, endorsement.letter_size = stored.key, stored.size
    endorsement.letter_sha256 = stored.sha256
    endorsement.letter_name = document_name(name, content_type)


def _letter_problem(stored, content_type, config):
    if stored.size == 0:
        return _l("The file is empty.")
    if content_type != "application/pdf":
        return _l("This file is not a PDF file (judged by its content, not its name).")
    with local_copy(stored.key) as path:
        pages = page_count(path, memory=config["PDF_CHECK_MEMORY"],
                           seconds=config["PDF_CHECK_SECONDS"])
    if not pages:
        return _l("This file could not be opened as a PDF document: it may be damaged or "
                  "protected by a password. Save it again as a PDF and upload it once more.")
    return None


def _forget_letter(endorsement: Endorsement) -> None:
    """The letter's file goes once the change is committed; a rollback keeps it."""
    if endorsement.letter_key:
        delete_after_commit([endorsement.letter_key])
    endorsement.letter_key, endorsement.letter_name = None, ""
    endorsement.letter_size, endorsement.letter_sha256 = None, ""


def _email_focal_point(person, endorsement: Endorsement, *, kind: str) -> None:
    application = endorsement.application
    call = application.call
    queue_email(
        kind=kind, recipient=person.email, language=person.preferred_language,
        subject=_l("Endorsement requested: a candidate of your administration for \"%(call)s\"",
                   call=call.text("title", person.preferred_language)),
        user=person, application=application, call=call, deadline=deadline(call),
        link=public_url("endorsements.candidate", application_id=application.id))


def _email_reminder(person, call, count: int) -> None:
    queue_email(
        kind="endorsement_reminder", recipient=person.email, language=person.preferred_language,
        subject=_l("Reminder: candidates await your endorsement for \"%(call)s\"",
                   call=call.text("title", person.preferred_language)),
        user=person, call=call, count=count, deadline=deadline(call),
        link=public_url("endorsements.call_candidates", call_id=call.id))


def _email_applicant(endorsement: Endorsement) -> None:
    application = endorsement.application
    applicant, call = application.applicant, application.call
    reason = endorsement.reason if (endorsement.state == EndorsementState.declined
                                    and call.endorsement_reason_shown) else ""
    queue_email(
        kind="endorsement_changed", recipient=applicant.email,
        language=applicant.preferred_language,
        subject=_l("Your administration's endorsement of your application to \"%(call)s\"",
                   call=call.text("title", applicant.preferred_language)),
        user=applicant, application=application, call=call, state=endorsement.state,
        reason=reason,
        link=public_url("applications.view_application", application_id=application.id))
