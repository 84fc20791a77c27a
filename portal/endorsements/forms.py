"""The focal point's forms: endorse, decline, move in the priority; the applicant's request."""

from flask_babel import lazy_gettext as _l
from wtforms import FileField, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from portal import phrases
from portal.forms import PortalForm, at_most


class _Versioned(PortalForm):
    version = HiddenField(validators=[at_most(12)])

    @property
    def expected_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return 0


class EndorseForm(_Versioned):
    statement = TextAreaField(_l("Statement (optional)"), render_kw={"rows": 4},
                              validators=[Optional(), at_most(4000)])
    letter = FileField(_l("Signed letter of endorsement, as a PDF (optional)"))
    endorse = SubmitField(_l("Endorse"))


class DeclineForm(_Versioned):
    reason = TextAreaField(_l("Reason for declining"), render_kw={"rows": 3},
                           validators=[InputRequired(message=phrases.REQUIRED), at_most(2000)])
    decline = SubmitField(_l("Decline"))


class MoveForm(_Versioned):
    direction = HiddenField(validators=[at_most(4)])


class PriorityForm(_Versioned):
    position = IntegerField(_l("Priority"), validators=[
        InputRequired(message=phrases.REQUIRED), NumberRange(min=1, max=1000)])
    place = SubmitField(_l("Set the priority"))


class RequestForm(PortalForm):
    request = SubmitField(_l("Ask my administration for endorsement now"))
