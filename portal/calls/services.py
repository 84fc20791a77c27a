"""The rules of calls: creating, editing, criteria, and moving between states."""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, lazy_pgettext

from portal.audit.services import record_event
from portal.calls.models import CALL_TEXT_FIELDS, CRITERION_TEXT_FIELDS, Call, CallState, Criterion
from portal.extensions import db

EDITABLE_CALL_FIELDS = (
    *(f"{name}_{lang}" for name in CALL_TEXT_FIELDS for lang in ("en", "ru")),
    "opens_at", "closes_at", "review_deadline", "time_zone", "places",
    "reviewers_per_application", "blind_review", "show_other_reviews", "cap_per_administration",
    "programme_year", "min_years_in_service", "former_fellows_excluded",
    "endorsement_required", "endorsement_deadline", "endorsement_quota",
    "endorsement_before_submission", "endorsement_reason_shown", "retention_months",
)
EDITABLE_CRITERION_FIELDS = (
    *(f"{name}_{lang}" for name in CRITERION_TEXT_FIELDS for lang in ("en", "ru")),
    "weight", "scale_min", "scale_max",
)

FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "eligibility": _l("Eligibility"),
    # i18n: the name of a scoring criterion (in Russian «название», not a person's «имя»)
    "name": lazy_pgettext("criterion", "Name"),
    "guidance": _l("Guidance for reviewers"),
}

# Criteria shape the reviews: they change only before reviewing starts, and go only from drafts.
CRITERIA_EDITABLE_STATES = (CallState.draft, CallState.open)
MAX_REVIEWERS_PER_APPLICATION = 10
PROGRAMME_YEARS = (2000, 2100)
MAX_YEARS_IN_SERVICE = 60
# The longest a retention rule may keep the personal data of the applications not selected.
MAX_RETENTION_MONTHS = 120


class CallError(Exception):
    """A rule of calls was broken; `problems` are messages for the coordinator."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


class StaleCall(Exception):
    """Someone else saved the call since this form was loaded."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60] or "call"


def _unique_slug(base: str, exclude_id: int | None = None) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(Call.id).where(Call.slug == slug, Call.id != exclude_id)):
        slug = f"{base}-{n}"
        n += 1
    return slug


def create_call(*, actor, data: dict) -> Call:
    """A new draft call from the form's data. Flushes."""
    call = Call(state=CallState.draft, places=1, reviewers_per_application=3)
    _check_settings(call, data)
    _apply(call, data)
    call.slug = _unique_slug(slugify(call.title_en or call.title_ru))
    db.session.add(call)
    db.session.flush()
    record_event("call.created", actor=actor, obj=call)
    return call


def update_call(call: Call, *, actor, data: dict, expected_version: int) -> None:
    """Save the coordinator's changes. Raises StaleCall if someone saved in between, CallError
    for settings no call can work with or for turning endorsement on or off once open."""
    if call.version != expected_version:
        raise StaleCall()
    if (call.state != CallState.draft and "endorsement_required" in data
            and bool(data["endorsement_required"]) != call.endorsement_required):
        raise CallError([_l("Whether applications need endorsement cannot change once the "
                            "call has opened.")])
    _check_settings(call, data)
    _apply(call, data)
    record_event("call.updated", actor=actor, obj=call)
    try:
        db.session.flush()
    except so.exc.StaleDataError as exc:  # saved by someone else between our read and write
        raise StaleCall() from exc


def _check_settings(call: Call, data: dict) -> None:
    """Refuse numbers no call can work with (the form says so first; this holds for scripts too)."""
    places = data.get("places", call.places)
    reviewers = data.get("reviewers_per_application", call.reviewers_per_application)
    cap = data.get("cap_per_administration", call.cap_per_administration)
    year = data.get("programme_year", call.programme_year)
    min_years = data.get("min_years_in_service", call.min_years_in_service)
    quota = data.get("endorsement_quota", call.endorsement_quota)
    closes = data.get("closes_at", call.closes_at)
    endorsement = data.get("endorsement_deadline", call.endorsement_deadline)
    retention = data.get("retention_months", call.retention_months)
    problems = []
    if places is not None and places < 1:
        problems.append(_l("The call must offer at least one place."))
    if reviewers is not None and not 1 <= reviewers <= MAX_REVIEWERS_PER_APPLICATION:
        problems.append(_l("Each application needs between 1 and %(max)d reviewers.",
                           max=MAX_REVIEWERS_PER_APPLICATION))
    if cap is not None and cap < 1:
        problems.append(_l("A cap on places per administration must be at least 1."))
    if year is not None and not PROGRAMME_YEARS[0] <= year <= PROGRAMME_YEARS[1]:
        problems.append(_l("The programme year must be from %(first)d to %(last)d.",
                           first=PROGRAMME_YEARS[0], last=PROGRAMME_YEARS[1]))
    if min_years is not None and not 0 <= min_years <= MAX_YEARS_IN_SERVICE:
        problems.append(_l("The minimum of years in customs service must be from 0 to %(max)d.",
                           max=MAX_YEARS_IN_SERVICE))
    if quota is not None and quota < 1:
        problems.append(_l("A quota of endorsements per administration must be at least 1."))
    if retention is not None and not 1 <= retention <= MAX_RETENTION_MONTHS:
        problems.append(_l("A retention rule must keep the personal data from 1 to %(max)d "
                           "months after publication.", max=MAX_RETENTION_MONTHS))
    if closes is not None and endorsement is not None and endorsement < closes:
        problems.append(_l("The deadline for endorsements cannot come before the deadline for "
                           "applications."))
    if problems:
        raise CallError(problems)


def _apply(call: Call, data: dict) -> None:
    for name in EDITABLE_CALL_FIELDS:
        if name in data:
            value = data[name]
            setattr(call, name, value.strip() if isinstance(value, str) else value)


def add_criterion(call: Call, *, actor, data: dict) -> Criterion:
    """A new criterion at the end of the call's list. Raises CallError. Flushes."""
    _check_criteria_editable(call)
    position = max((c.position for c in call.criteria), default=0) + 1
    criterion = Criterion(position=position, weight=Decimal("1"), scale_min=1, scale_max=5)
    _apply_criterion(criterion, data)
    call.criteria.append(criterion)
    db.session.flush()
    record_event("call.criterion_added", actor=actor, obj=call, criterion=criterion.id)
    return criterion


def update_criterion(criterion: Criterion, *, actor, data: dict) -> None:
    """Save changes to a criterion. Raises CallError (and then changes nothing). Flushes."""
    _check_criteria_editable(criterion.call)
    _apply_criterion(criterion, data)
    record_event("call.criterion_updated", actor=actor, obj=criterion.call,
                 criterion=criterion.id)
    db.session.flush()


def remove_criterion(criterion: Criterion, *, actor) -> None:
    """Delete a criterion of a draft call. Raises CallError otherwise. Flushes."""
    call = criterion.call
    if call.state != CallState.draft:
        raise CallError([_l("Criteria can only be removed while the call is a draft.")])
    call.criteria.remove(criterion)
    record_event("call.criterion_removed", actor=actor, obj=call, criterion=criterion.id)
    db.session.flush()


def criteria_editable(call: Call) -> bool:
    return call.state in CRITERIA_EDITABLE_STATES


def _check_criteria_editable(call: Call) -> None:
    if not criteria_editable(call):
        raise CallError([_l("Criteria cannot change once reviewing has started.")])


def _apply_criterion(criterion: Criterion, data: dict) -> None:
    """Check the new values first, so that a refusal leaves the criterion as it was."""
    weight = Decimal(str(data.get("weight", criterion.weight)))
    scale_min = data.get("scale_min", criterion.scale_min)
    scale_max = data.get("scale_max", criterion.scale_max)
    problems = []
    if not weight.is_finite() or not weight > 0:
        problems.append(_l("The weight must be greater than zero."))
    if scale_min >= scale_max:
        problems.append(_l("The lowest score must be below the highest."))
    if problems:
        raise CallError(problems)
    for name in EDITABLE_CRITERION_FIELDS:
        if name in data:
            value = data[name]
            setattr(criterion, name, value.strip() if isinstance(value, str) else value)
    criterion.weight = weight


def missing_for_opening(call: Call, now: datetime) -> list:
    """Everything that stops the call from opening, as messages for the coordinator."""
    problems = []
    for name in CALL_TEXT_FIELDS:
        for language in ("en", "ru"):
            if not (getattr(call, f"{name}_{language}") or "").strip():
                problems.append(_missing_text(FIELD_LABELS[name], language))
    if not call.criteria:
        problems.append(_l("The call has no scoring criteria."))
    for index, criterion in enumerate(call.criteria, start=1):
        for name in CRITERION_TEXT_FIELDS:
            for language in ("en", "ru"):
                if not (getattr(criterion, f"{name}_{language}") or "").strip():
                    problems.append(_missing_criterion_text(index, FIELD_LABELS[name], language))
    if call.programme_year is None:
        problems.append(_l("The programme year is not set."))
    if call.opens_at is None or call.closes_at is None:
        problems.append(_l("The opening and closing moments are not set."))
    elif call.closes_at <= now:
        problems.append(_l("The closing moment is in the past."))
    elif call.opens_at >= call.closes_at:
        problems.append(_l("The call must open before it closes."))
    if call.review_deadline is not None and call.closes_at is not None \
            and call.review_deadline <= call.closes_at:
        problems.append(_l("The review deadline must come after the call closes."))
    if call.places < 1:
        problems.append(_l("The call must offer at least one place."))
    if (call.endorsement_required and call.endorsement_deadline is not None
            and call.closes_at is not None and call.endorsement_deadline < call.closes_at):
        problems.append(_l("The deadline for endorsements comes before the deadline for "
                           "applications."))
    # What the later packages find missing (the questions of the call's form).
    from portal.calls.signals import opening_checked

    for _receiver, found in opening_checked.send(call):
        problems.extend(found or [])
    return problems


# Whole sentences per language, so that each translation can put the words in its own order.
def _missing_text(field, language: str):
    if language == "en":
        return _l("%(field)s is missing in English.", field=field)
    return _l("%(field)s is missing in Russian.", field=field)


def _missing_criterion_text(number: int, field, language: str):
    if language == "en":
        return _l("Criterion %(number)d: %(field)s is missing in English.", number=number,
                  field=field)
    return _l("Criterion %(number)d: %(field)s is missing in Russian.", number=number,
              field=field)


def open_call(call: Call, *, actor, now: datetime) -> None:
    """draft → open. Raises CallError listing what is missing."""
    if call.state != CallState.draft:
        raise CallError([_l("Only a draft call can be opened.")])
    problems = missing_for_opening(call, now)
    if problems:
        raise CallError(problems)
    call.state = CallState.open
    record_event("call.opened", actor=actor, obj=call)
    db.session.flush()


def close_call(call: Call, *, actor, now: datetime) -> None:
    """open → closed. Submissions stop at the closing moment in any case (the server checks)."""
    if call.state != CallState.open:
        raise CallError([_l("Only an open call can be closed.")])
    call.state = CallState.closed
    if call.closes_at is None or call.closes_at > now:
        call.closes_at = now
    record_event("call.closed", actor=actor, obj=call)
    db.session.flush()


def close_due_calls(now: datetime) -> int:
    """Close every open call whose closing moment has passed (a `flask` command runs this)."""
    due = db.session.scalars(sa.select(Call).where(
        Call.state == CallState.open, Call.closes_at <= now)).all()
    for call in due:
        close_call(call, actor=None, now=now)
    return len(due)


def checked_eligibility(call: Call) -> list:
    """The eligibility rules the portal checks on the answers, as sentences for the public page
    (lazy: each renders in the language of the page around it)."""
    rules = []
    if call.min_years_in_service:
        rules.append(lazy_ngettext("At least %(num)d year of service in customs.",
                                   "At least %(num)d years of service in customs.",
                                   call.min_years_in_service))
    if call.former_fellows_excluded:
        rules.append(_l("Officers already selected for a ROCB Europe fellowship cannot apply "
                        "again"))
    return rules


def open_calls(now: datetime) -> list[Call]:
    """Calls accepting applications now, the soonest closing first."""
    return db.session.scalars(
        sa.select(Call)
        .where(Call.state == CallState.open, Call.opens_at <= now, Call.closes_at > now)
        .order_by(Call.closes_at)
    ).all()


# --- Copying a call ----------------------------------------------------------------------------

# What a copy keeps of its source besides the texts: every setting but the dates (and the year,
# which is the new one).
COPIED_SETTINGS = ("time_zone", "places", "reviewers_per_application", "blind_review",
                   "show_other_reviews", "cap_per_administration", "min_years_in_service",
                   "former_fellows_excluded", "offer_response_days", "endorsement_required",
                   "endorsement_quota", "endorsement_before_submission",
                   "endorsement_reason_shown", "retention_months")


def copy_call(source: Call, *, actor, programme_year: int | None = None) -> Call:
    """A new draft call from `source`: its texts in both languages, its settings (the form's
    included), its criteria, and whatever later packages keep of a call (its questions and own
    sections, copied by receivers of signals.call_copied); the dates left empty.

    The programme year is the one given, else the source's next; where the source's year stands
    in the titles and the address (slug), the new year replaces it. Raises CallError for a year
    out of range. Flushes; records call.copied.
    """
    from portal.calls.signals import call_copied

    old_year = source.reference_year
    if programme_year is None and old_year is not None:
        programme_year = old_year + 1
    _check_settings(source, {"programme_year": programme_year})
    copy = Call(state=CallState.draft, programme_year=programme_year,
                form_settings=dict(source.form_settings or {}))
    for name in CALL_TEXT_FIELDS:
        for language in ("en", "ru"):
            text = getattr(source, f"{name}_{language}") or ""
            if name == "title":
                text = replace_year(text, old_year, programme_year)
            setattr(copy, f"{name}_{language}", text)
    for name in COPIED_SETTINGS:
        setattr(copy, name, getattr(source, name))
    slug = replace_year(source.slug, old_year, programme_year)
    copy.slug = _unique_slug(slug if slug != source.slug
                             else slugify(copy.title_en or copy.title_ru))
    for criterion in source.criteria:
        copy.criteria.append(Criterion(position=criterion.position, weight=criterion.weight,
                                       scale_min=criterion.scale_min,
                                       scale_max=criterion.scale_max,
                                       **{name: getattr(criterion, name)
                                          for name in EDITABLE_CRITERION_FIELDS
                                          if name.endswith(("_en", "_ru"))}))
    db.session.add(copy)
    db.session.flush()
    call_copied.send(source, copy=copy, actor=actor)
    record_event("call.copied", actor=actor, obj=copy, source=source.id)
    db.session.flush()
    return copy


def replace_year(text: str, old_year: int | None, new_year: int | None) -> str:
    """`text` with the year `old_year`, where it stands as a number of its own, made `new_year`."""
    if old_year is None or new_year is None:
        return text
    return re.sub(rf"(?<!\d){old_year}(?!\d)", str(new_year), text)
