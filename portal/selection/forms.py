"""Forms of selection: a decision, filling the places, publication, answering an offer."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal import phrases
from portal.calls.extension_forms import LOCAL_FORMATS
from portal.forms import PortalForm, at_most
from portal.selection.models import OUTCOME_LABELS
from portal.selection.offer_extension import MAX_REASON_LENGTH
from portal.selection.services import MAX_RESPONSE_DAYS

required = InputRequired(message=phrases.REQUIRED)


class DecisionForm(PortalForm):
    outcome = RadioField(_l("Decision"), choices=[(k.value, v) for k, v in OUTCOME_LABELS.items()],
                         validators=[InputRequired(message=_l("Choose a decision."))])
    waitlist_position = IntegerField(
        _l("Position on the waiting list"), validators=[
            Optional(), NumberRange(min=1, message=_l("Enter a whole number of 1 or more."))])
    note = TextAreaField(_l("Note (seen only by coordinators)"), validators=[Length(max=4000)])
    version = HiddenField(validators=[at_most(20)])
    submit = SubmitField(_l("Save the decision"))


class FillPlacesForm(PortalForm):
    waitlist_length = IntegerField(
        _l("Length of the waiting list"), validators=[
            Optional(), NumberRange(min=0, max=10_000, message=_l("Enter a whole number of 0 or more."))])
    # Needed only when a decision already made would change: the service says so (ConfirmationNeeded).
    confirm = BooleanField(_l("Replace the decisions already made (their notes are kept)"))
    submit = SubmitField(_l("Fill the places in rank order"))


class PublishForm(PortalForm):
    response_days = IntegerField(
        _l("Days a selected applicant has to accept or decline"), default=14, validators=[
            required, NumberRange(min=1, max=MAX_RESPONSE_DAYS,
                                  message=_l("Enter a number of days from 1 to %(max)d.", max=MAX_RESPONSE_DAYS))])
    override_reason = TextAreaField(_l("Reason to publish although reviews are missing"),
                                    validators=[Length(max=2000)])
    confirm = BooleanField(_l("I have checked the counts and the messages; publish the results and "
                              "send the e-mails"),
                           validators=[InputRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Publish the results"))


class OfferResponseForm(PortalForm):
    answer = RadioField(_l("Your answer"), choices=[("accept", _l("I accept the fellowship place")),
                                                     ("decline", _l("I decline the fellowship place"))],
                        validators=[InputRequired(message=_l("Choose whether you accept or decline."))])
    submit = SubmitField(_l("Send my answer"))


class OfferExtensionForm(PortalForm):
    respond_by = DateTimeLocalField(
        _l("New answer deadline"), format=LOCAL_FORMATS, validators=[required],
        render_kw={"step": 1},
        description=_l("A local time in the call's time zone, later than the current deadline. "
                       "The applicant is told by e-mail."))
    reason = TextAreaField(_l("Reason"), validators=[required, Length(max=MAX_REASON_LENGTH)],
                           description=_l("Kept with the offer and in the audit log; the "
                                          "applicant does not see it."), render_kw={"rows": 3})
    # The deadline the page was loaded with (ISO): a change in between is not overwritten.
    expected = HiddenField(validators=[at_most(40)])
    submit = SubmitField(_l("Extend the answer deadline"))


class ConfirmForm(PortalForm):
    submit = SubmitField(_l("Offer the places of expired offers now"))
