"""What each kind of question is in a form, in storage and on a page.

`answer_field` makes the WTForms field of a question (its checks of format included: word
limit, range, choices); `to_stored` and `to_form` convert between the field's data and what is
kept in the application section's JSON; `display_value` and `export_value` write an answer for
people and for spreadsheets. A file question's answer is a Document (applications), so these
leave it to the caller.
"""

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FileField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import Optional

from portal.bilingual import current_language
from portal.forms import CHARACTERS_PER_WORD, WordLimit, at_most
from portal.questions.models import SHORT_TEXT_LIMIT, Question, QuestionKind

YES_NO = (("yes", _l("Yes")), ("no", _l("No")))
# A long text without a limit of its own still has one.
DEFAULT_WORD_LIMIT = 1000


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes, each labelled (works without a script)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # WTForms' own message here ("'x' is not a valid choice for this field.") has no
        # Russian in its catalog; the one-choice message has.
        known = {choice[0] for choice in self.choices or []}
        if any(value not in known for value in self.data or []):
            raise ValidationError(self.gettext("Not a valid choice."))


class WholeNumberRange:
    """A whole number within the question's range, said in words that fit the range given."""

    def __init__(self, minimum: int | None, maximum: int | None):
        self.minimum, self.maximum = minimum, maximum
        self.field_flags = {}

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        if self.minimum is not None and value < self.minimum or \
                self.maximum is not None and value > self.maximum:
            raise ValidationError(range_message(self.minimum, self.maximum))


def range_message(minimum: int | None, maximum: int | None):
    if minimum is not None and maximum is not None:
        return _l("Enter a whole number from %(min)d to %(max)d.", min=minimum, max=maximum)
    if minimum is not None:
        return _l("Enter a whole number of at least %(min)d.", min=minimum)
    return _l("Enter a whole number of at most %(max)d.", max=maximum)


def word_limit(question: Question) -> int:
    return question.word_limit or DEFAULT_WORD_LIMIT


def choice_pairs(question: Question, language: str | None = None) -> list[tuple[str, str]]:
    return [(choice["key"], question.choice_label(choice["key"], language))
            for choice in question.choices or []]


def answer_field(question: Question, language: str | None = None):
    """The unbound form field of a question, labelled in `language` (or the viewer's).

    Format is checked here; whether a required answer is there is judged on submission
    (applications.sections.missing_answers), so that a half-filled section saves as a draft.
    """
    language = language or current_language()
    label = question.text("text", language)
    description = question.text("help", language)
    kind = question.kind
    common = {"label": label, "description": description}
    if kind == QuestionKind.short_text:
        return StringField(validators=[Optional(), at_most(SHORT_TEXT_LIMIT)], **common)
    if kind == QuestionKind.long_text:
        limit = word_limit(question)
        return TextAreaField(validators=[Optional(), at_most(limit * CHARACTERS_PER_WORD),
                                         WordLimit(limit)],
                             render_kw={"rows": 6, "data-word-limit": limit}, **common)
    if kind == QuestionKind.single_choice:
        return RadioField(choices=choice_pairs(question, language),
                          validators=[Optional()], validate_choice=True, **common)
    if kind == QuestionKind.multiple_choice:
        return CheckboxesField(choices=choice_pairs(question, language),
                               validators=[Optional()], **common)
    if kind == QuestionKind.yes_no:
        return RadioField(choices=[(key, str(text)) for key, text in YES_NO],
                          validators=[Optional()], **common)
    if kind == QuestionKind.number:
        render_kw = {"inputmode": "numeric"}
        if question.min_value is not None:
            render_kw["min"] = question.min_value
        if question.max_value is not None:
            render_kw["max"] = question.max_value
        return IntegerField(validators=[Optional(), WholeNumberRange(question.min_value,
                                                                     question.max_value)],
                            render_kw=render_kw, **common)
    if kind == QuestionKind.date:
        return DateField(validators=[Optional()], **common)
    return FileField(**common)


def to_stored(question: Question, data):
    """The field's data as kept in the section's JSON: text stripped (None when empty), choice
    keys, a list of keys, a bool, an int, an ISO date."""
    kind = question.kind
    if kind in (QuestionKind.short_text, QuestionKind.long_text, QuestionKind.single_choice):
        text = (data or "").strip() if isinstance(data, str) else data
        return text or None
    if kind == QuestionKind.multiple_choice:
        # Known keys, each once (a request may repeat one), in the question's order.
        chosen = set(data or [])
        return [choice["key"] for choice in question.choices or [] if choice["key"] in chosen]
    if kind == QuestionKind.yes_no:
        return {"yes": True, "no": False}.get(data)
    if kind == QuestionKind.number:
        return data if isinstance(data, int) else None
    if kind == QuestionKind.date:
        return data.isoformat() if isinstance(data, date) else None
    return None


def to_form(question: Question, stored):
    """A stored answer as the question's field wants it."""
    kind = question.kind
    if kind == QuestionKind.yes_no:
        return {True: "yes", False: "no"}.get(stored)
    if kind == QuestionKind.date and isinstance(stored, str):
        try:
            return date.fromisoformat(stored)
        except ValueError:
            return None
    if kind == QuestionKind.multiple_choice:
        return list(stored or [])
    return stored


def is_answered(question: Question, stored) -> bool:
    return stored not in (None, "", [])


def display_value(question: Question, stored, language: str | None = None) -> str:
    """An answer as a person reads it: choices by their text, yes/no and dates in words."""
    if not is_answered(question, stored):
        return ""
    kind = question.kind
    if kind == QuestionKind.single_choice:
        return question.choice_label(stored, language)
    if kind == QuestionKind.multiple_choice:
        return "; ".join(question.choice_label(key, language) for key in stored)
    if kind == QuestionKind.yes_no:
        return str(YES_NO[0][1] if stored else YES_NO[1][1])
    if kind == QuestionKind.date:
        try:
            return format_date(date.fromisoformat(stored), "long")
        except (TypeError, ValueError):
            return str(stored)
    return str(stored)


def export_value(question: Question, stored, language: str | None = None):
    """An answer for a spreadsheet cell: a number stays a number, a date stays ISO."""
    if not is_answered(question, stored):
        return ""
    if question.kind in (QuestionKind.number, QuestionKind.date):
        return stored
    return display_value(question, stored, language)
