"""Forms of the privacy notice and of a person's own data."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from portal import phrases
from portal.accounts.passwords import MAX_PASSWORD_LENGTH
from portal.forms import PortalForm, at_most

required = InputRequired(message=phrases.REQUIRED)


def _text(label, language: str, limit: int, rows: int):
    return TextAreaField(label, validators=[Optional(), at_most(limit)],
                         render_kw={"lang": language, "rows": rows})


class NoticeForm(PortalForm):
    text_en = _text(_l("Notice (English)"), "en", 50_000, 16)
    text_ru = _text(_l("Notice (Russian)"), "ru", 50_000, 16)
    summary_en = _text(_l("What changed (English)"), "en", 2_000, 3)
    summary_ru = _text(_l("What changed (Russian)"), "ru", 2_000, 3)
    submit = SubmitField(_l("Save the draft"))


class PublishForm(PortalForm):
    confirm = BooleanField(_l("Publish this version: everyone is asked to accept it at their "
                              "next sign-in"), validators=[required])
    submit = SubmitField(_l("Publish this version"))


class AcceptForm(PortalForm):
    # The version read on the page: a newer one published meanwhile is shown first.
    version = IntegerField(validators=[required], widget=HiddenInput())
    next = HiddenField(validators=[at_most(2_000)])
    accept = BooleanField(_l("I have read the privacy notice and accept it"),
                          validators=[required])
    submit = SubmitField(_l("Continue"))


class DeleteAccountForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[
        required, Length(max=MAX_PASSWORD_LENGTH, message=_l("Password too long.")),
    ], render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that my account is deleted for good"),
                           validators=[required])
    submit = SubmitField(_l("Delete my account"))
