"""The application's section forms, and the small forms around them.

Saving a section checks format (lengths, e-mail, numbers, word limits); whether every
required answer is there is judged separately (sections.missing_answers), so that a
half-filled section can be saved as a draft and finished later.
"""

from flask_babel import get_locale, lazy_ngettext, lazy_pgettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FileField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from portal import phrases
from portal.administrations.services import administration_choices
from portal.forms import CHARACTERS_PER_WORD, PortalForm, WordLimit, at_most

CEFR_LEVELS = [
    ("", _l("Choose a level")),
    ("A1", _l("A1 (beginner)")),
    ("A2", _l("A2 (elementary)")),
    ("B1", _l("B1 (intermediate)")),
    ("B2", _l("B2 (upper intermediate)")),
    ("C1", _l("C1 (advanced)")),
    ("C2", _l("C2 (proficient)")),
    ("native", _l("Native speaker")),
]

MOTIVATION_WORDS = 500
PROJECT_WORDS = 800
EXPERTISE_WORDS = 150
def _text(label, limit, **kw):
    return StringField(label, validators=[Optional(), Length(max=limit, message=lazy_ngettext(
        "At most %(num)d character.", "At most %(num)d characters.", limit))], **kw)


def _long_text(label, words):
    return TextAreaField(label, validators=[Optional(), at_most(words * CHARACTERS_PER_WORD),
                                            WordLimit(words)],
                         render_kw={"rows": 8, "data-word-limit": words})


class SectionForm(PortalForm):
    """Base for section forms: the version the page was loaded with travels along."""

    version = HiddenField(validators=[at_most(20)])
    save = SubmitField(_l("Save and continue"))

    def answers(self) -> dict:
        """The answers as stored: strings stripped, dates as ISO strings."""
        data = {}
        for name, field in self._fields.items():
            if name in ("version", "save", "csrf_token"):
                continue
            value = field.data
            if isinstance(value, str):
                value = value.strip()
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            data[name] = value
        return data


class PersonalForm(SectionForm):
    full_name = _text(phrases.FULL_NAME_LATIN, 200, render_kw={"autocomplete": "name"})
    native_name = _text(phrases.NATIVE_NAME, 200)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()],
                              render_kw={"autocomplete": "bday"})
    phone = _text(_l("Telephone (with country code)"), 40, render_kw={"autocomplete": "tel"})


class ProfessionalForm(SectionForm):
    administration_code = SelectField(phrases.ADMINISTRATION, validators=[Optional()])
    department = _text(_l("Department or unit"), 200)
    position = _text(phrases.POSITION, 200)
    years_in_service = IntegerField(
        _l("Years in customs service"),
        validators=[Optional(), NumberRange(min=0, max=60, message=_l(
            "Enter a whole number of years from 0 to 60."))],
        render_kw={"inputmode": "numeric"})
    expertise = _long_text(_l("Areas of expertise"), EXPERTISE_WORDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.administration_code.choices = [
            ("", _l("Choose your administration")), *administration_choices(get_locale())]


class LanguagesForm(SectionForm):
    # i18n: the label of a level of English (CEFR): in Russian, «Уровень владения английским языком»
    english_level = SelectField(lazy_pgettext("language level", "English"), choices=CEFR_LEVELS,
                                validators=[Optional()])
    russian_level = SelectField(lazy_pgettext("language level", "Russian"), choices=CEFR_LEVELS,
                                validators=[Optional()])
    other_languages = _text(_l("Other languages and levels (optional)"), 300)


class MotivationForm(SectionForm):
    motivation = _long_text(_l("Motivation statement"), MOTIVATION_WORDS)
    project_title = _text(_l("Title of your proposed fellowship project"), 200)
    project_description = _long_text(_l("Proposed fellowship project"), PROJECT_WORDS)


class NominationForm(SectionForm):
    nominator_name = _text(_l("Name of the nominating official"), 200)
    nominator_title = _text(_l("Title and unit of the nominating official"), 200)
    nominator_email = EmailField(_l("E-mail address of the nominating official"), validators=[
        Optional(), Length(max=254),
        Email(message=_l("Enter an e-mail address in the form name@example.org."),
              check_deliverability=False)])


class StartForm(PortalForm):
    language = RadioField(_l("In which language will you write your application?"),
                          choices=[("en", "English"), ("ru", "Русский")],
                          validators=[InputRequired(message=phrases.REQUIRED)])
    submit = SubmitField(_l("Start the application"))


class UploadForm(PortalForm):
    kind = HiddenField(validators=[at_most(32)])
    file = FileField(_l("File"))
    submit = SubmitField(_l("Upload"))


class SubmitForm(PortalForm):
    declaration = BooleanField(
        _l("I confirm that the information in this application is true and complete, and that "
           "my administration has nominated me for this fellowship."),
        validators=[InputRequired(message=_l("Please confirm the declaration to submit."))])
    submit = SubmitField(_l("Submit application"))


class ConfirmForm(PortalForm):
    submit = SubmitField(_l("Confirm"))


def _reason(label, language: str) -> TextAreaField:
    return TextAreaField(label, render_kw={"lang": language, "rows": 3},
                         validators=[InputRequired(message=phrases.REQUIRED), Length(max=2000)])


class ScreenOutForm(PortalForm):
    """The reason in both languages: each applicant reads it in the language of their account."""
    reason_en = _reason(_l("Reason, in English"), "en")
    reason_ru = _reason(_l("Reason, in Russian"), "ru")
    submit = SubmitField(_l("Mark as ineligible"))
