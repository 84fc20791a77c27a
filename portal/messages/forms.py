"""The coordinator's composer: the audience, and the message in English and Russian."""

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from portal import phrases
from portal.accounts.models import User
from portal.calls.models import Call, CallState
from portal.extensions import db
from portal.forms import PortalForm, at_most
from portal.messages.audiences import AUDIENCE_LABELS, CALL_AUDIENCES

required = InputRequired(message=phrases.REQUIRED)


class MessageForm(PortalForm):
    audience = SelectField(_l("Send to"), choices=list(AUDIENCE_LABELS.items()),
                           validators=[required])
    call_id = SelectField(_l("Call"))
    person_email = EmailField(_l("The person's e-mail address"),
                              validators=[at_most(254)])
    subject_en = StringField(_l("Subject in English"), validators=[required, at_most(200)])
    body_en = TextAreaField(_l("Message in English"), validators=[required, at_most(10_000)])
    subject_ru = StringField(_l("Subject in Russian"), validators=[required, at_most(200)])
    body_ru = TextAreaField(_l("Message in Russian"), validators=[required, at_most(10_000)])
    kind = HiddenField(default="message",
                       validators=[at_most(32), AnyOf(("message", "draft_reminder"))])
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send the message"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_locale().language
        calls = db.session.execute(
            sa.select(Call.id, Call.title_en, Call.title_ru).where(Call.state != CallState.draft)
            .order_by(Call.opens_at.desc(), Call.id.desc())).all()
        self.call_id.choices = [("", _l("Choose a call"))] + [
            (str(id_), (title_ru if language == "ru" else title_en) or title_en or str(id_))
            for id_, title_en, title_ru in calls]
        self.person = None

    def validate_call_id(self, field):
        if self.audience.data in CALL_AUDIENCES and not field.data:
            raise ValidationError(_l("Choose the call whose applicants or reviewers receive it."))

    def validate_person_email(self, field):
        if self.audience.data != "person":
            return
        if not field.data:
            raise ValidationError(_l("Enter the e-mail address of the person."))
        self.person = db.session.scalar(
            sa.select(User).where(User.email == field.data.strip().lower()))
        if self.person is None:
            raise ValidationError(_l("Nobody has an account with this e-mail address."))

    @property
    def chosen_call_id(self) -> int | None:
        return int(self.call_id.data) if self.audience.data in CALL_AUDIENCES else None

    @property
    def chosen_person_id(self) -> int | None:
        return self.person.id if self.audience.data == "person" and self.person else None
