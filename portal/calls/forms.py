"""Forms for calls and criteria. Labels and messages are lazy: they are built at import time.

Moments are typed as local wall-clock times in the call's own time zone (what the office
thinks in) and turned into UTC here, before any service sees them.
"""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal import phrases
from portal.calls.models import CALL_TEXT_FIELDS, CRITERION_TEXT_FIELDS, Call
from portal.calls.moments import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    local_to_utc,
    utc_to_local,
)
from portal.calls.services import (
    MAX_RETENTION_MONTHS,
    MAX_REVIEWERS_PER_APPLICATION,
    MAX_YEARS_IN_SERVICE,
    PROGRAMME_YEARS,
)
from portal.forms import PortalForm
from portal.i18n import timezone_field_choices

required = InputRequired(message=phrases.REQUIRED)
MOMENT_FIELDS = ("opens_at", "closes_at", "review_deadline", "endorsement_deadline")
# What <input type="datetime-local"> sends (seconds only if the page asked for them).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
MAX_WEIGHT = Decimal("1000")
ENDORSEMENT_FIXED = _l("Whether applications need endorsement cannot change once the call has "
                       "opened: the applications already in were sent to their administrations "
                       "under the rule it had.")


# --- Fields ----------------------------------------------------------------------------------

def _at_most(limit: int) -> Length:
    return Length(max=limit, message=lazy_ngettext(
        "At most %(num)d character.", "At most %(num)d characters.", limit))


def _text(field_class, label, language: str, limit: int, rows: int | None = None):
    render_kw = {"lang": language}
    if rows:
        render_kw["rows"] = rows
    return field_class(label, validators=[Optional(), _at_most(limit)], render_kw=render_kw)


def _moment(label):
    return DateTimeLocalField(label, validators=[Optional()], format=LOCAL_FORMATS,
                              render_kw={"step": 60})


def _between(low: int, high: int, message):
    """Like NumberRange, but silent when the entry was no number at all (that has its message)."""

    def check(form, field):
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(message)

    return check


def _normalized(value):
    return (value.strip() if isinstance(value, str) else value) or None


def _valid_timezone(form, field):
    if field.data not in {value for value, _label in field.choices}:
        raise ValidationError(_l("Choose a time zone from the list."))


class CommaDecimalField(DecimalField):
    """A decimal that also accepts a comma (1,5), as Russian writes it."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.strip().replace(",", ".") for v in valuelist])


# --- Calls -----------------------------------------------------------------------------------

class CallForm(PortalForm):
    title_en = _text(StringField, _l("Title (English)"), "en", 200)
    title_ru = _text(StringField, _l("Title (Russian)"), "ru", 200)
    summary_en = _text(TextAreaField, _l("Summary (English)"), "en", 1000, rows=3)
    summary_ru = _text(TextAreaField, _l("Summary (Russian)"), "ru", 1000, rows=3)
    description_en = _text(TextAreaField, _l("Description (English)"), "en", 20000, rows=12)
    description_ru = _text(TextAreaField, _l("Description (Russian)"), "ru", 20000, rows=12)
    eligibility_en = _text(TextAreaField, _l("Eligibility (English)"), "en", 10000, rows=8)
    eligibility_ru = _text(TextAreaField, _l("Eligibility (Russian)"), "ru", 10000, rows=8)

    time_zone = SelectField(_l("The call's time zone"), validators=[required, _valid_timezone],
                            validate_choice=False)
    opens_at = _moment(_l("Applications open"))
    closes_at = _moment(_l("Deadline for applications"))
    review_deadline = _moment(_l("Deadline for reviews"))

    places = IntegerField(_l("Fellowship places"), validators=[
        required, _between(1, 1000, _l("Enter a number from 1 to 1000."))],
        render_kw={"min": 1, "max": 1000})
    reviewers_per_application = IntegerField(_l("Reviewers per application"), validators=[
        required, _between(1, MAX_REVIEWERS_PER_APPLICATION,
                           _l("Enter a number from 1 to %(max)d.",
                              max=MAX_REVIEWERS_PER_APPLICATION))],
        render_kw={"min": 1, "max": MAX_REVIEWERS_PER_APPLICATION})
    blind_review = BooleanField(_l("Blind review"))
    show_other_reviews = BooleanField(_l("Reviewers see the other reviews once they submit theirs"))
    cap_per_administration = IntegerField(_l("Most places for one administration (optional)"),
                                          validators=[Optional(), _between(
                                              1, 1000, _l("Enter a number from 1 to 1000."))],
                                          render_kw={"min": 1})
    programme_year = IntegerField(_l("Programme year"), validators=[
        Optional(), _between(PROGRAMME_YEARS[0], PROGRAMME_YEARS[1], _l(
            "Enter a year from %(first)d to %(last)d.", first=PROGRAMME_YEARS[0],
            last=PROGRAMME_YEARS[1]))],
        render_kw={"min": PROGRAMME_YEARS[0], "max": PROGRAMME_YEARS[1], "inputmode": "numeric"})
    min_years_in_service = IntegerField(
        _l("Minimum years in customs service (optional)"), validators=[
            Optional(), _between(0, MAX_YEARS_IN_SERVICE, _l(
                "Enter a whole number of years from 0 to %(max)d.", max=MAX_YEARS_IN_SERVICE))],
        render_kw={"min": 0, "max": MAX_YEARS_IN_SERVICE, "inputmode": "numeric"})
    former_fellows_excluded = BooleanField(
        _l("Officers already selected for a ROCB Europe fellowship cannot apply again"))
    endorsement_required = BooleanField(
        _l("Applications need the endorsement of the applicant's administration"))
    endorsement_deadline = _moment(_l("Deadline for endorsements (optional)"))
    endorsement_quota = IntegerField(
        _l("Most candidates one administration may endorse (optional)"),
        validators=[Optional(), _between(1, 1000, _l("Enter a number from 1 to 1000."))],
        render_kw={"min": 1, "max": 1000, "inputmode": "numeric"})
    endorsement_before_submission = BooleanField(
        _l("Applicants may ask for endorsement before they submit"))
    endorsement_reason_shown = BooleanField(
        _l("An applicant whose endorsement is declined reads the reason"))
    # The retention rule (portal/privacy/retention.py says exactly what it removes).
    retention_months = IntegerField(
        _l("Remove the personal data of the applications not selected, months after "
           "publication (optional)"),
        validators=[Optional(), _between(1, MAX_RETENTION_MONTHS, _l(
            "Enter a number of months from 1 to %(max)d.", max=MAX_RETENTION_MONTHS))],
        render_kw={"min": 1, "max": MAX_RETENTION_MONTHS, "inputmode": "numeric"})
    # The version the coordinator started from: a save from an older one is refused.
    version = HiddenField(validators=[_at_most(20)])
    submit = SubmitField(phrases.SAVE_CHANGES)

    def __init__(self, *args, require_complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Once a call has left the draft state, none of its texts and dates may go missing.
        self.require_complete = require_complete
        # Whether the call needs endorsement is fixed once it has left the draft state: the
        # applications already in were (or were not) sent to their administrations.
        self.saved_endorsement_required = bool(
            (kwargs.get("data") or {}).get("endorsement_required"))
        self.time_zone.choices = timezone_field_choices((kwargs.get("data") or {}).get("time_zone"))
        self.moments: dict[str, datetime | None] = {}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators=extra_validators)
        valid = self._convert_moments() and valid
        valid = self._check_order() and valid
        valid = self._check_texts() and valid
        if (self.require_complete
                and bool(self.endorsement_required.data) != self.saved_endorsement_required):
            self.endorsement_required.errors.append(ENDORSEMENT_FIXED)
            valid = False
        return valid

    def _convert_moments(self) -> bool:
        if self.time_zone.errors:
            return False
        ok = True
        for name in MOMENT_FIELDS:
            field = getattr(self, name)
            self.moments[name] = None
            if field.data is None or field.errors:
                continue
            try:
                self.moments[name] = local_to_utc(field.data, self.time_zone.data)
            except NonexistentLocalTime:
                field.errors.append(_l("This time does not exist in the call's time zone: the "
                                       "clocks move forward then. Choose another time."))
                ok = False
            except AmbiguousLocalTime:
                field.errors.append(_l("This time occurs twice in the call's time zone: the "
                                       "clocks move back then. Choose another time."))
                ok = False
        return ok

    def _check_order(self) -> bool:
        opens, closes, review, endorsement = (self.moments.get(n) for n in MOMENT_FIELDS)
        ok = True
        if closes and endorsement and endorsement < closes:
            self.endorsement_deadline.errors.append(
                _l("The deadline for endorsements cannot come before the deadline for "
                   "applications."))
            ok = False
        if opens and closes and closes <= opens:
            self.closes_at.errors.append(_l("The deadline must come after the call opens."))
            ok = False
        if closes and review and review <= closes:
            self.review_deadline.errors.append(
                _l("The deadline for reviews must come after the deadline for applications."))
            ok = False
        return ok

    def _check_texts(self) -> bool:
        ok = True
        if not (self.title_en.data or "").strip() and not (self.title_ru.data or "").strip():
            self.title_en.errors.append(_l("Give the call a title in at least one language."))
            ok = False
        if self.require_complete:
            names = [f"{n}_{lang}" for n in CALL_TEXT_FIELDS for lang in ("en", "ru")]
            for name in [*names, "programme_year", "opens_at", "closes_at"]:
                field = getattr(self, name)
                if not field.errors and not (field.data.strip() if isinstance(field.data, str)
                                             else field.data):
                    field.errors.append(_l("The call is no longer a draft: this cannot be "
                                           "left empty."))
                    ok = False
        return ok

    def call_data(self) -> dict:
        """The validated entries as the services take them (moments in UTC)."""
        data = {f"{n}_{lang}": getattr(self, f"{n}_{lang}").data or ""
                for n in CALL_TEXT_FIELDS for lang in ("en", "ru")}
        data.update(self.moments)
        data.update(time_zone=self.time_zone.data, places=self.places.data,
                    reviewers_per_application=self.reviewers_per_application.data,
                    blind_review=bool(self.blind_review.data),
                    show_other_reviews=bool(self.show_other_reviews.data),
                    cap_per_administration=self.cap_per_administration.data,
                    programme_year=self.programme_year.data,
                    min_years_in_service=self.min_years_in_service.data,
                    former_fellows_excluded=bool(self.former_fellows_excluded.data),
                    endorsement_required=bool(self.endorsement_required.data),
                    endorsement_quota=self.endorsement_quota.data,
                    endorsement_before_submission=bool(self.endorsement_before_submission.data),
                    endorsement_reason_shown=bool(self.endorsement_reason_shown.data),
                    retention_months=self.retention_months.data)
        return data

    def expected_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1  # a mangled field counts as stale: nothing is overwritten

    def labels_differing_from(self, call: Call) -> list[str]:
        """Labels of the fields whose entries differ from what is saved now."""
        data = self.call_data()
        differing = []
        for name, value in data.items():
            if _normalized(getattr(call, name)) != _normalized(value):
                differing.append(str(getattr(self, name).label.text))
        return differing


class NewCallForm(CallForm):
    submit = SubmitField(_l("Create the draft"))


def call_form_data(call: Call) -> dict:
    """A saved call as the form shows it: moments as wall-clock times in its zone."""
    names = [f"{n}_{lang}" for n in CALL_TEXT_FIELDS for lang in ("en", "ru")]
    data = {name: getattr(call, name) for name in names}
    data.update({name: utc_to_local(getattr(call, name), call.time_zone) for name in MOMENT_FIELDS})
    data.update(time_zone=call.time_zone, places=call.places,
                reviewers_per_application=call.reviewers_per_application,
                blind_review=call.blind_review, cap_per_administration=call.cap_per_administration,
                show_other_reviews=call.show_other_reviews,
                programme_year=call.programme_year,
                min_years_in_service=call.min_years_in_service,
                former_fellows_excluded=call.former_fellows_excluded,
                endorsement_required=call.endorsement_required,
                endorsement_quota=call.endorsement_quota,
                endorsement_before_submission=call.endorsement_before_submission,
                endorsement_reason_shown=call.endorsement_reason_shown,
                retention_months=call.retention_months,
                version=call.version)
    return data


def new_call_form_data(office_zone: str) -> dict:
    # Blind review is the programme's practice: on unless the coordinator turns it off.
    return {"time_zone": office_zone, "places": 1, "reviewers_per_application": 3,
            "blind_review": True}


class OpenCallForm(PortalForm):
    submit = SubmitField(_l("Open the call"))


class CloseCallForm(PortalForm):
    confirm = BooleanField(
        _l("I understand that applications stop at once and that the call cannot be reopened."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Close the call now"))


class CopyCallForm(PortalForm):
    """The year of the new call made from an earlier one (its texts, criteria, questions)."""

    programme_year = IntegerField(_l("Programme year of the new call"), validators=[
        required, _between(PROGRAMME_YEARS[0], PROGRAMME_YEARS[1], _l(
            "Enter a year from %(first)d to %(last)d.", first=PROGRAMME_YEARS[0],
            last=PROGRAMME_YEARS[1]))],
        description=_l("Where this year stands in the call's title and address, the new "
                       "year takes its place."),
        render_kw={"min": PROGRAMME_YEARS[0], "max": PROGRAMME_YEARS[1], "inputmode": "numeric"})
    submit = SubmitField(_l("Make the copy"))


# --- Criteria --------------------------------------------------------------------------------

class CriterionForm(PortalForm):
    name_en = _text(StringField, _l("Name (English)"), "en", 200)
    name_ru = _text(StringField, _l("Name (Russian)"), "ru", 200)
    guidance_en = _text(TextAreaField, _l("Guidance for reviewers (English)"), "en", 5000, rows=5)
    guidance_ru = _text(TextAreaField, _l("Guidance for reviewers (Russian)"), "ru", 5000, rows=5)
    weight = CommaDecimalField(_l("Weight"), validators=[required], places=2,
                               render_kw={"inputmode": "decimal"})
    scale_min = IntegerField(_l("Lowest score"), validators=[
        required, _between(0, 100, _l("Enter a whole number from 0 to 100."))],
        render_kw={"min": 0, "max": 100})
    scale_max = IntegerField(_l("Highest score"), validators=[
        required, _between(0, 100, _l("Enter a whole number from 0 to 100."))],
        render_kw={"min": 0, "max": 100})
    submit = SubmitField(phrases.SAVE_CHANGES)

    def validate_weight(self, field):
        value = field.data
        if value is None:  # not a number: the field has said so already
            return
        if (not value.is_finite() or not 0 < value <= MAX_WEIGHT
                or value != value.quantize(Decimal("0.01"))):
            raise ValidationError(_l("Enter a number greater than 0 and at most 1000, with at "
                                     "most two decimals (for example 1.5)."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators=extra_validators)
        if not (self.name_en.data or "").strip() and not (self.name_ru.data or "").strip():
            self.name_en.errors.append(_l("Give the criterion a name in at least one language."))
            valid = False
        if (not self.scale_min.errors and not self.scale_max.errors
                and self.scale_min.data is not None and self.scale_max.data is not None
                and self.scale_min.data >= self.scale_max.data):
            self.scale_max.errors.append(_l("The highest score must be above the lowest."))
            valid = False
        return valid

    def criterion_data(self) -> dict:
        data = {f"{n}_{lang}": getattr(self, f"{n}_{lang}").data or ""
                for n in CRITERION_TEXT_FIELDS for lang in ("en", "ru")}
        data.update(weight=self.weight.data, scale_min=self.scale_min.data,
                    scale_max=self.scale_max.data)
        return data


class NewCriterionForm(CriterionForm):
    submit = SubmitField(_l("Add the criterion"))


def new_criterion_form_data() -> dict:
    return {"weight": Decimal("1"), "scale_min": 1, "scale_max": 5}


class DeleteCriterionForm(PortalForm):
    submit = SubmitField(_l("Delete the criterion"))

