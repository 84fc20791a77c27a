import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from portal import phrases
from portal.forms import PortalForm
from portal.i18n import LANGUAGES


class AdministrationForm(PortalForm):
    name_en = StringField(_l("Name in English (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    is_active = BooleanField(_l("Shown in the list of administrations"))
    submit = SubmitField(phrases.SAVE_CHANGES)


class NewAdministrationForm(PortalForm):
    code = SelectField(_l("Country"), validators=[InputRequired(message=phrases.REQUIRED)],
                       validate_choice=True)
    name_en = StringField(_l("Name in English (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Add the administration"))

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.code.choices = [("", _l("Choose the country")), *territories]


class FocalPointForm(PortalForm):
    """A new focal point: invited by e-mail, or an existing account linked (which keeps its own
    name and language)."""

    full_name = StringField(_l("Full name, in Latin letters"), validators=[
        InputRequired(message=phrases.REQUIRED), Length(max=200)])
    title = StringField(_l("Title in the administration"), validators=[
        InputRequired(message=phrases.REQUIRED), Length(max=200)])
    email = EmailField(phrases.EMAIL_ADDRESS, validators=[
        InputRequired(message=phrases.REQUIRED),
        Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
        Email(message=_l("Enter an e-mail address in the form name@example.org."),
              check_deliverability=False)], render_kw={"spellcheck": "false"})
    language = SelectField(_l("Language of the e-mails"), choices=list(LANGUAGES.items()),
                           validators=[InputRequired(message=phrases.REQUIRED)])
    submit = SubmitField(_l("Add the focal point"))

    def validate_full_name(self, field):
        if any(ch.isalpha() and "LATIN" not in unicodedata.name(ch, "") for ch in field.data):
            raise ValidationError(_l("Write the name in Latin letters, as in the passport."))


class FocalPointActionForm(PortalForm):
    """A button with its CSRF token: remove a focal point, send the invitation again."""

    submit = SubmitField(_l("Confirm"))
