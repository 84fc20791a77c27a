"""The admin's forms about people's accounts, and the form of a new e-mail address."""

import unicodedata

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import InputRequired, Optional

from portal import phrases
from portal.accounts.forms import MultiCheckboxField, _email_field
from portal.accounts.models import Role
from portal.administrations.services import administration_choices
from portal.forms import PortalForm, at_most
from portal.i18n import LANGUAGES

required = InputRequired(message=phrases.REQUIRED)


class AccountFields(PortalForm):
    email = _email_field()
    full_name = StringField(_l("Full name (Latin letters, as in the passport)"),
                            validators=[required, at_most(200)])
    native_name = StringField(phrases.NATIVE_NAME, validators=[Optional(), at_most(200)])
    administration_code = SelectField(phrases.ADMINISTRATION, validators=[Optional()],
                                      validate_choice=True)
    preferred_language = SelectField(_l("Language of the portal's e-mails"),
                                     choices=list(LANGUAGES.items()), validators=[required])
    roles = MultiCheckboxField(_l("Roles"), choices=[(r.value, r.value) for r in Role],
                               validate_choice=True)

    def __init__(self, *args, keep_administration: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Hidden administrations are not offered, except the one the person has already.
        self.administration_code.choices = [
            ("", _l("None")), *administration_choices(get_locale(), keep=keep_administration)]
        self.roles.choices = [(r.value, r.label) for r in Role]

    def validate_full_name(self, field):
        if any(ch.isalpha() and "LATIN" not in unicodedata.name(ch, "") for ch in field.data):
            raise ValidationError(_l("Write the name in Latin letters, as in the passport."))


class NewUserForm(AccountFields):
    submit = SubmitField(_l("Send the invitation"))


class EditUserForm(AccountFields):
    submit = SubmitField(phrases.SAVE_CHANGES)


class EmailChangeForm(PortalForm):
    """The person's own new address: it takes effect once confirmed from there."""

    email = _email_field(_l("New e-mail address"))
    submit = SubmitField(_l("Send the confirmation link"))
