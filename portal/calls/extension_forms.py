"""Forms of one applicant's deadline extension: the new moment (a local time in the call's own
zone, turned into UTC here) with a reason, and its removal with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal import phrases
from portal.calls.deadlines import MAX_REASON_LENGTH
from portal.calls.models import Call, DeadlineExtension
from portal.calls.moments import AmbiguousLocalTime, NonexistentLocalTime, local_to_utc, utc_to_local
from portal.forms import PortalForm, at_most

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
_reason_length = Length(max=MAX_REASON_LENGTH, message=_l("The reason is too long."))


class ExtensionForm(PortalForm):
    closes_at = DateTimeLocalField(
        _l("New deadline for this applicant"), format=LOCAL_FORMATS,
        validators=[InputRequired(message=phrases.REQUIRED)], render_kw={"step": 1},
        description=_l("A local time in the call's time zone, later than the call's deadline. "
                       "The applicant may start, change and submit until this moment, also "
                       "after the call has closed."))
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(message=phrases.REQUIRED),
                                                     _reason_length],
                           description=_l("Kept with the extension and in the audit log; the "
                                          "applicant does not see it."),
                           render_kw={"rows": 3})
    version = HiddenField(validators=[at_most(20)])
    submit = SubmitField(_l("Save the extension"))

    def moment_in(self, call: Call):
        """The UTC moment typed, or None with an error on the field."""
        return utc_moment(self.closes_at, call.time_zone)

    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class RemoveExtensionForm(PortalForm):
    removal_reason = TextAreaField(_l("Reason for removing the extension"),
                                   validators=[InputRequired(message=phrases.REQUIRED),
                                               _reason_length], render_kw={"rows": 2})
    version = HiddenField(validators=[at_most(20)])
    submit = SubmitField(_l("Remove the extension"))


def utc_moment(field, zone_name: str):
    """The UTC moment a local-time field names in the zone, or None with an error on the field
    (a time the clocks skip or show twice there)."""
    try:
        return local_to_utc(field.data, zone_name)
    except NonexistentLocalTime:
        field.errors = [*field.errors, _l(
            "This time does not exist in the call's time zone: the clocks move forward "
            "then. Choose another time.")]
    except AmbiguousLocalTime:
        field.errors = [*field.errors, _l(
            "This time occurs twice in the call's time zone: the clocks move back then. "
            "Choose another time.")]
    return None


def extension_form_data(call: Call, extension: DeadlineExtension | None) -> dict:
    if extension is None:
        return {"version": ""}
    return {"closes_at": utc_to_local(extension.closes_at, call.time_zone),
            "reason": extension.reason, "version": str(extension.version)}
