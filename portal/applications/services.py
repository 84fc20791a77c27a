"""The rules of applying: starting, saving sections, documents, submitting, withdrawing, screening."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

# What can go wrong, and the files: the package's rules are reached through this module.
from portal.applications.documents import (  # noqa: F401
    ALLOWED_TYPES,
    accepted_types,
    add_document,
    clean_filename,
    remove_document,
)
from portal.applications.errors import (  # noqa: F401
    REMOVAL_TOO_LATE,
    SUBMISSION_TOO_LATE,
    UPLOAD_TOO_LATE,
    ApplicationError,
    DeadlinePassed,
    DocumentRefused,
    IncompleteApplication,
    IneligibleApplication,
    NotEditable,
    StaleSection,
    UnknownSection,
    check_editable,
    is_editable,
    missed_deadline,
)
from portal.applications.layout import CallForm, call_form
from portal.applications.models import (
    Application,
    ApplicationSection,
    ApplicationState,
    DocumentKind,
    ReferenceCounter,
)
from portal.applications.signals import application_submitted, application_withdrawn
from portal.audit.services import record_event
from portal.calls.deadlines import accepts_from
from portal.calls.models import Call, CallState
from portal.database import add_first_row
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.stamps import raise_inputs
from portal.urls import public_url


@dataclass
class SaveResult:
    complete: bool
    missing: list[str]
    # (question, why) for each eligibility rule the section's answers break.
    rule_failures: list = field(default_factory=list)
    # A file question's answer key → why its upload was refused (the other answers are kept).
    file_errors: dict = field(default_factory=dict)


def find_application(call: Call, applicant) -> Application | None:
    return db.session.scalar(sa.select(Application).where(
        Application.call_id == call.id, Application.applicant_id == applicant.id))


def start_application(call: Call, *, applicant, language: str, now: datetime) -> Application:
    """The applicant's application to the call: the existing one, or a new draft.

    Personal and professional details start from the applicant's profile. Flushes.
    """
    existing = find_application(call, applicant)
    if existing is not None:
        return existing
    if not accepts_from(call, applicant, now):
        raise DeadlinePassed()
    application = Application(call_id=call.id, applicant_id=applicant.id, language=language,
                              applicant_name=applicant.full_name,
                              applicant_native_name=applicant.native_name or "",
                              administration_code=applicant.administration_code)
    application.sections = [
        ApplicationSection(key="personal", version=0, answers={
            "full_name": applicant.full_name, "native_name": applicant.native_name or ""}),
        ApplicationSection(key="professional", version=0, answers={
            "administration_code": applicant.administration_code or "",
            "position": applicant.position}),
    ]
    # Started twice at once (two tabs): the second gets the first's.
    if not add_first_row(db.session, application,
                         twin_exists=lambda: find_application(call, applicant) is not None):
        return find_application(call, applicant)
    record_event("application.started", actor=applicant, obj=application)
    return application


def applicant_status(application: Application, now: datetime) -> str:
    """The status the applicant reads: a draft past its deadline says so, not just "Draft"."""
    if missed_deadline(application, now):
        return str(_l("Not submitted: deadline passed"))
    return public_state(application).label


def save_section(application: Application, key: str, *, answers: dict, expected_version: int,
                 now: datetime, files: dict | None = None, actor=None,
                 form: CallForm | None = None) -> SaveResult:
    """Store a section's answers, merged into those stored: an answer the page did not send
    (a question added, hidden or retired while the applicant typed) is kept. `files` maps
    file questions to their uploads, each stored as a document of its own (a refused one is
    reported in `file_errors`, and the answers are saved all the same). Raises NotEditable,
    DeadlinePassed, UnknownSection or StaleSection.

    The version check and increment happen in one conditional UPDATE, so of two saves
    made from the same page only the first is kept. Flushes.
    """
    check_editable(application, now)
    form = form or call_form(application.call)
    section = form.section(key)
    if section is None or section.form_class is None:
        raise UnknownSection()
    stored = application.section(key)
    merged = {**(stored.answers if stored else {}), **answers}
    missing = form.missing_answers(section, merged, application)
    if stored is None:
        if expected_version != 0:
            raise StaleSection()
        sections = list(application.sections)
        stored = ApplicationSection(application_id=application.id, key=key, version=0, answers={})
        if not add_first_row(db.session, stored, twin_exists=lambda: db.session.get(
                ApplicationSection, (application.id, key)) is not None):
            raise StaleSection()  # saved first from another tab at the same moment
        so.attributes.set_committed_value(application, "sections", [*sections, stored])
    result = db.session.execute(
        sa.update(ApplicationSection)
        .where(ApplicationSection.application_id == application.id,
               ApplicationSection.key == key,
               ApplicationSection.version == expected_version)
        .values(answers=merged, version=expected_version + 1, complete=not missing,
                updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(stored)
        raise StaleSection()
    db.session.refresh(stored)
    file_errors = _store_answer_files(application, section, files or {}, actor=actor, now=now)
    if files:
        missing = form.missing_answers(section, merged, application)
        stored.complete = not missing
    if key == "personal" and merged.get("full_name"):
        application.applicant_name = merged["full_name"]
    if key == "personal":
        application.applicant_native_name = (merged.get("native_name") or "")[:200]
    if key == "professional" and merged.get("administration_code"):
        application.administration_code = merged["administration_code"]
    application.updated_at = now
    db.session.flush()
    return SaveResult(complete=not missing,
                      missing=[form.field_label(section, name) for name in missing],
                      rule_failures=[(question, why) for question, why
                                     in form.rule_failures(application)
                                     if question.section_key == key],
                      file_errors=file_errors)


def _store_answer_files(application, section, files: dict, *, actor, now) -> dict:
    """Each upload of a file question of the section stored (add_document); the refused
    ones' messages by answer key."""
    errors = {}
    asked = {question.id for question in section.questions}
    for question, upload in files.items():
        if question.id not in asked or upload is None or not getattr(upload, "filename", ""):
            continue
        try:
            add_document(application, kind=DocumentKind.answer, question=question,
                         stream=upload.stream, filename=upload.filename, actor=actor, now=now)
        except DocumentRefused as exc:
            errors[question.answer_key] = exc.message
    return errors


def submission_problems(application: Application, form: CallForm | None = None) -> list[str]:
    """Everything still missing before the application can be submitted, as the call's form
    asks it."""
    form = form or call_form(application.call)
    problems = []
    for section in form.form_section_list:
        missing = form.missing_answers(section, application.answers(section.key), application)
        for name in missing:
            problems.append(_l("%(section)s: %(field)s", section=section.title,
                               field=form.field_label(section, name)))
    for kind in form.missing_documents(application):
        problems.append(_l("Documents: %(document)s", document=kind.label))
    return problems


def rule_failures(application: Application, form: CallForm | None = None) -> list[str]:
    """Why the application's answers make it ineligible, for the applicant (their language),
    one sentence per eligibility rule broken."""
    form = form or call_form(application.call)
    return [why for _question, why in form.rule_failures(application)]


def submit_application(application: Application, *, actor, now: datetime) -> bool:
    """draft → submitted, with a reference number and a confirmation e-mail.

    Returns False when another request submitted it first (nothing more happens).
    Raises DeadlinePassed, NotEditable, IncompleteApplication or IneligibleApplication (an
    answer breaks one of the call's eligibility rules). The moment is the
    server's: nothing the browser sends plays a part. Flushes.
    """
    if application.state != ApplicationState.draft:
        if application.state == ApplicationState.submitted:
            return False
        raise NotEditable()
    if not is_editable(application, now):
        raise DeadlinePassed(SUBMISSION_TOO_LATE)
    form = call_form(application.call)
    problems = submission_problems(application, form)
    if problems:
        raise IncompleteApplication(problems)
    failures = rule_failures(application, form)
    if failures:
        raise IneligibleApplication(failures)
    # Only one of several simultaneous submits changes the row; the others see 0 rows.
    claimed = db.session.execute(
        sa.update(Application)
        .where(Application.id == application.id, Application.state == ApplicationState.draft)
        .values(state=ApplicationState.submitted, submitted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(application)
        return False
    raise_inputs(application.call_id)  # the bulk UPDATE above is not seen by the session's listener
    reference = _next_reference(application.call.reference_year)
    db.session.execute(sa.update(Application).where(Application.id == application.id)
                       .values(reference=reference)
                       .execution_options(synchronize_session=False))
    db.session.refresh(application)
    record_event("application.submitted", actor=actor, obj=application, reference=reference)
    application_submitted.send(application, actor=actor, now=now)
    applicant = application.applicant
    queue_email(
        kind="application_submitted", recipient=applicant.email,
        language=applicant.preferred_language,
        subject=_l("Your application %(reference)s has been received", reference=reference),
        user=applicant, application=application, call=application.call,
        application_url=public_url("applications.view_application",
                                   application_id=application.id),
    )
    return True


def _next_reference(year: int) -> str:
    """FEL-<year>-<number>: numbers count up per programme year (of the call, not of the
    moment of submission), never reused. The counter's row is raised in one UPDATE, so
    simultaneous submissions each get their own number on SQLite and PostgreSQL alike."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(ReferenceCounter).values(year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["year"]))
    number = db.session.scalar(
        sa.update(ReferenceCounter).where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number))
    return f"FEL-{year}-{number:04d}"


def withdraw_application(application: Application, *, actor, now: datetime) -> None:
    """submitted → withdrawn, while the call is open. Raises ApplicationError."""
    if application.state != ApplicationState.submitted:
        raise ApplicationError(_l("Only a submitted application can be withdrawn."))
    if not application.call.is_open_at(now):
        raise ApplicationError(_l("The call has closed: the application can no longer be "
                                  "withdrawn here. Please write to the programme coordinators."))
    application.state = ApplicationState.withdrawn
    application.withdrawn_at = now
    record_event("application.withdrawn", actor=actor, obj=application)
    db.session.flush()
    application_withdrawn.send(application, actor=actor, now=now)


def screen_out(application: Application, *, actor, reason: str, reason_ru: str = "",
               now: datetime) -> None:
    """Mark a submitted application ineligible, with the reason in English (`reason`) and in
    Russian; the applicant learns it with the results, in their language. Flushes."""
    if application.state not in (ApplicationState.submitted, ApplicationState.under_review):
        raise ApplicationError(_l("Only a submitted application can be marked ineligible."))
    application.state = ApplicationState.screened_out
    application.screening_reason = reason.strip()
    application.screening_reason_ru = reason_ru.strip()
    application.screened_at = now
    application.screened_by_id = actor.id
    record_event("application.screened_out", actor=actor, obj=application)
    db.session.flush()


def public_state(application: Application) -> ApplicationState:
    """What the applicant sees: outcomes only once the call's results are published."""
    hidden = {ApplicationState.screened_out, ApplicationState.under_review,
              ApplicationState.accepted, ApplicationState.waitlisted,
              ApplicationState.not_selected}
    if application.state in hidden and application.call.state != CallState.published:
        return ApplicationState.submitted
    return application.state
