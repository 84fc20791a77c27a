"""Forms for accounts. Labels and messages are lazy: they are built at import time."""

from flask_babel import get_locale, lazy_ngettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.fields import Label
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import phrases
from portal.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from portal.administrations.services import administration_choices
from portal.forms import PortalForm
from portal.i18n import LANGUAGES, timezone_field_choices

required = InputRequired(message=phrases.REQUIRED)
EMAIL_LANGUAGE = _l("Language of e-mails")
ADMINISTRATIONS_ZONE = _l("The time zone of my administration")


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=lazy_ngettext(
        "At most %(num)d character.", "At most %(num)d characters.", limit))


def password_hint() -> str:
    return ngettext(
        "At least %(num)d character. Any characters and any language; a few words you can remember work well.",
        "At least %(num)d characters. Any characters and any language; a few words you can remember work well.",
        MIN_PASSWORD_LENGTH)


def _email_field(label=phrases.EMAIL_ADDRESS):
    return EmailField(label, validators=[
        required,
        Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
        Email(message=_l("Enter an e-mail address in the form name@example.org."),
              check_deliverability=False),
    ], render_kw={"autocomplete": "email", "spellcheck": "false"})


def _new_password_field(label):
    return PasswordField(label, validators=[
        required,
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=lazy_ngettext(
            "Choose a password of at least %(num)d character: a few words you can remember work well.",
            "Choose a password of at least %(num)d characters: a few words you can remember work well.",
            MIN_PASSWORD_LENGTH)),
    ], render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH})


def _confirm_field(other="password"):
    return PasswordField(_l("Repeat the password"), validators=[
        required, Length(max=MAX_PASSWORD_LENGTH, message=_l("Password too long.")),
        EqualTo(other, message=_l("The two passwords are not the same.")),
    ], render_kw={"autocomplete": "new-password"})


def _listed_timezone(form, field):
    if field.data not in {value for value, _label in field.choices}:
        raise ValidationError(_l("Choose a time zone from the list."))


class ProfileFields(PortalForm):
    full_name = StringField(phrases.FULL_NAME_LATIN, validators=[
        required, _at_most(200),
    ], render_kw={"autocomplete": "name"})
    native_name = StringField(phrases.NATIVE_NAME, validators=[
        Optional(), _at_most(200),
    ])
    administration_code = SelectField(phrases.ADMINISTRATION, validators=[required],
                                      validate_choice=True)
    position = StringField(phrases.POSITION, validators=[
        required, _at_most(200),
    ], render_kw={"autocomplete": "organization-title"})
    preferred_language = SelectField(phrases.PREFERRED_LANGUAGE,
                                     choices=list(LANGUAGES.items()), validators=[required])
    time_zone = SelectField(phrases.TIME_ZONE, validators=[required, _listed_timezone],
                            validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.administration_code.choices = [
            ("", _l("Choose your administration")),
            # A hidden administration is offered only to those who have it already.
            *administration_choices(get_locale(),
                                    keep=getattr(kwargs.get("obj"), "administration_code", None)),
        ]
        saved = getattr(kwargs.get("obj"), "time_zone", None)
        self.time_zone.choices = timezone_field_choices(saved)

    def validate_full_name(self, field):
        if any(ch.isalpha() and not ch.isascii() and not _is_latin(ch) for ch in field.data):
            raise ValidationError(_l("Write your name in Latin letters, as in your passport."))

    def validate_administration_code(self, field):
        if not field.data:
            raise ValidationError(phrases.REQUIRED)


def _is_latin(ch: str) -> bool:
    import unicodedata

    return "LATIN" in unicodedata.name(ch, "")


class RegistrationForm(ProfileFields):
    email = _email_field()
    password = _new_password_field(phrases.PASSWORD)
    confirm = _confirm_field()
    accept_privacy = BooleanField(_l("I have read the privacy notice and accept it"))
    submit = SubmitField(_l("Create an account"))
    # The version of the privacy notice in force (accounts/notices.py), set by the view: None
    # while no notice is published, and then there is nothing to accept.
    privacy_version = None
    # The page asks for these first (register.html), so the error summary lists them first:
    # declared here, after the profile's fields they inherit, they would come last.
    FIRST_FIELDS = ("email", "password", "confirm")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Chosen unless the officer picks another: their administration's (reference data).
        self.time_zone.choices = [("", ADMINISTRATIONS_ZONE), *self.time_zone.choices]
        self.time_zone.validators = [_listed_timezone]
        self.time_zone.flags.required = False
        first = {name: self._fields[name] for name in self.FIRST_FIELDS}
        self._fields = {**first, **{name: field for name, field in self._fields.items()
                                    if name not in first}}

    def validate_accept_privacy(self, field):
        if self.privacy_version is not None and not field.data:
            raise ValidationError(_l("Accept the privacy notice to create an account."))



class ProfileForm(ProfileFields):
    submit = SubmitField(phrases.SAVE_CHANGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once registered, the account's language is that of its e-mails; the pages follow
        # the switcher in the header when it has been used.
        self.preferred_language.label = Label(self.preferred_language.id, EMAIL_LANGUAGE)


class LoginForm(PortalForm):
    email = _email_field()
    password = PasswordField(phrases.PASSWORD, validators=[
        required, Length(max=MAX_PASSWORD_LENGTH, message=_l("Password too long.")),
    ], render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class PasswordResetRequestForm(PortalForm):
    email = _email_field()
    submit = SubmitField(_l("Send me a reset link"))


class PasswordResetForm(PortalForm):
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Set new password"))


class SetPasswordForm(PortalForm):
    """The invited person's first password (an invitation link), and the privacy notice in force
    accepted as at registration: an invited account is someone's first step into the portal."""

    password = _new_password_field(phrases.PASSWORD)
    confirm = _confirm_field()
    accept_privacy = BooleanField(_l("I have read the privacy notice and accept it"))
    submit = SubmitField(_l("Set my password"))
    privacy_version = None  # as RegistrationForm's

    def validate_accept_privacy(self, field):
        if self.privacy_version is not None and not field.data:
            raise ValidationError(_l("Accept the privacy notice to use your account."))


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(_l("Current password"), validators=[
        required, Length(max=MAX_PASSWORD_LENGTH, message=_l("Password too long.")),
    ], render_kw={"autocomplete": "current-password"})
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Change password"))


class ConfirmForm(PortalForm):
    """A form with only a button (and its CSRF token): log out, resend a link."""

    submit = SubmitField(_l("Confirm"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

