"""Forms of reviewing: invitations, reviewer profiles, the review itself, assignments."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from portal import phrases
from portal.administrations.services import administration_choices
from portal.forms import PortalForm, at_most
from portal.i18n import LANGUAGES
from portal.reviews.models import RECOMMENDATION_LABELS

required = InputRequired(message=phrases.REQUIRED)
NO_ADMINISTRATION = "none"


class InviteReviewerForm(PortalForm):
    email = EmailField(phrases.EMAIL_ADDRESS, validators=[
        required, Length(max=254),
        Email(message=_l("Enter an e-mail address in the form name@example.org."),
              check_deliverability=False)])
    full_name = StringField(_l("Full name (for a new account)"),
                            validators=[Optional(), Length(max=200)])
    # Needed at once: the conflict rule keeps reviewers off their own administration's
    # applicants, from the first automatic assignment on.
    administration_code = SelectField(phrases.ADMINISTRATION, validators=[required])
    language = SelectField(_l("Language of the invitation"), choices=list(LANGUAGES.items()))
    submit = SubmitField(_l("Send invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.administration_code.choices = [
            ("", _l("Choose an administration")),
            (NO_ADMINISTRATION, _l("None (ROCB Europe staff or an independent expert)")),
            *administration_choices(get_locale())]


class ReviewerProfileForm(PortalForm):
    reads_en = BooleanField(_l("I can review applications written in English"))
    reads_ru = BooleanField(_l("I can review applications written in Russian"))
    expertise = TextAreaField(_l("Areas of expertise (separated by commas)"),
                              validators=[Optional(), Length(max=1000)])
    max_reviews_per_call = IntegerField(
        _l("The most reviews I will take in one call"),
        validators=[required, NumberRange(min=1, max=200, message=_l(
            "Enter a number from 1 to 200."))])
    submit = SubmitField(phrases.SAVE_CHANGES)


class ConflictForm(PortalForm):
    reason = TextAreaField(_l("Why you cannot review this application (only the coordinators "
                              "see this)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Declare a conflict of interest"))


class AssignForm(PortalForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Assign"))


class BulkAssignForm(PortalForm):
    application_ids = SelectMultipleField(_l("Applications"), coerce=int, validate_choice=False)
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Assign to the selected applications"))


class ConfirmForm(PortalForm):
    submit = SubmitField(_l("Confirm"))


def review_form_class(call):
    """A review form with one score field per criterion of the call."""

    class ReviewForm(PortalForm):
        version = HiddenField(validators=[at_most(20)])
        comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=10000)],
                                 render_kw={"rows": 8})
        recommendation = RadioField(
            _l("Overall recommendation"), validators=[Optional()],
            choices=[(value, label) for value, label in RECOMMENDATION_LABELS.items()])
        confidence = RadioField(
            _l("Your confidence in this review"), coerce=int, validators=[Optional()],
            choices=[(1, _l("1 (low)")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 (high)"))])
        save = SubmitField(_l("Save draft"))
        submit = SubmitField(_l("Submit review"))

    for criterion in call.criteria:
        choices = [(n, str(n)) for n in range(criterion.scale_min, criterion.scale_max + 1)]
        setattr(ReviewForm, f"score_{criterion.id}", RadioField(
            criterion.text("name"), choices=choices, coerce=int, validators=[Optional()],
            validate_choice=False))
    return ReviewForm
