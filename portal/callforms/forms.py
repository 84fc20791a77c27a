"""Forms of the form builder. Labels are lazy: they are built at import time."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, NumberRange, Optional

from portal import phrases
from portal.applications.layout import ADJUSTABLE, HIDDEN, OPTIONAL
from portal.callforms import services
from portal.forms import PortalForm, at_most
from portal.questions.kinds import YES_NO, CheckboxesField
from portal.questions.models import FILE_TYPES, RULE_OPERATORS, Question, QuestionKind

# Empty rows offered under a question's choices, for adding more (no script needed).
EXTRA_CHOICE_ROWS = 3
FILE_TYPE_LABELS = {
    "pdf": _l("PDF"),
    "jpeg": _l("JPEG image"),
    "png": _l("PNG image"),
    "docx": _l("Word document (DOCX)"),
    "xlsx": _l("Excel workbook (XLSX)"),
}
BIG_NUMBER = 1_000_000_000  # whole numbers of answers and rules stay within this


def _text(field_class, label, language: str, limit: int, rows: int | None = None):
    render_kw = {"lang": language}
    if rows:
        render_kw["rows"] = rows
    return field_class(label, validators=[Optional(), at_most(limit)], render_kw=render_kw)


def _whole_number(label, low=-BIG_NUMBER, high=BIG_NUMBER):
    return IntegerField(label, validators=[Optional(), NumberRange(
        low, high, message=_l("Enter a whole number from %(min)d to %(max)d.", min=low,
                              max=high))], render_kw={"inputmode": "numeric"})


class ChoiceRow(PortalForm):
    """One choice of a question: its key (kept, or empty for a new one) and its texts. A
    PortalForm (without a token of its own) so that its texts are checked as all others."""

    class Meta:
        csrf = False

    key = HiddenField(validators=[at_most(20)])
    en = _text(StringField, _l("English"), "en", 300)
    ru = _text(StringField, _l("Russian"), "ru", 300)
    in_rule = BooleanField(_l("Named in the eligibility rule"))
    remove = BooleanField(_l("Remove this choice"))


class QuestionForm(PortalForm):
    section_key = SelectField(_l("Section"), validate_choice=True)
    kind = SelectField(_l("Kind of answer"), validate_choice=True,
                       choices=[(kind.value, kind.label) for kind in QuestionKind])
    text_en = _text(StringField, _l("Question (English)"), "en", 500)
    text_ru = _text(StringField, _l("Question (Russian)"), "ru", 500)
    help_en = _text(TextAreaField, _l("Help text (English)"), "en", 5000, rows=3)
    help_ru = _text(TextAreaField, _l("Help text (Russian)"), "ru", 5000, rows=3)
    required = BooleanField(_l("An answer is required"))
    blind_visible = BooleanField(_l("Blind reviewers may see the answer"))

    word_limit = _whole_number(_l("Most words"), 1, services.MAX_WORD_LIMIT)
    min_value = _whole_number(_l("Smallest number allowed (optional)"))
    max_value = _whole_number(_l("Largest number allowed (optional)"))
    choices = FieldList(FormField(ChoiceRow), label=_l("Choices"))
    file_types = CheckboxesField(_l("Types of file accepted"),
                                 choices=[(key, label) for key, label in FILE_TYPE_LABELS.items()
                                          if key in FILE_TYPES])
    max_size_mb = _whole_number(_l("Largest file size in MB"), 1, 1000)

    rule_operator = SelectField(_l("An eligible answer is"), validate_choice=True)
    rule_number = _whole_number(_l("Number in the rule"))
    rule_yes_no = RadioField(_l("Answer in the rule"), validators=[Optional()],
                             choices=[(key, label) for key, label in YES_NO])
    rule_message_en = _text(TextAreaField, _l("Why, for the applicant (English, optional)"),
                            "en", 1000, rows=2)
    rule_message_ru = _text(TextAreaField, _l("Why, for the applicant (Russian, optional)"),
                            "ru", 1000, rows=2)
    version = HiddenField(validators=[at_most(20)])
    submit = SubmitField(phrases.SAVE_CHANGES)

    def __init__(self, *args, section_choices=(), locked_kind: QuestionKind | None = None,
                 locked_section: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_key.choices = [(key, str(title)) for key, title in section_choices
                                    if locked_section is None or key == locked_section]
        if locked_kind is not None:
            self.kind.choices = [(locked_kind.value, locked_kind.label)]
        self.choice_problems: list[str] = []

    @property
    def shown_kind(self) -> QuestionKind:
        """The kind whose settings the page shows: the one chosen (or sent)."""
        try:
            return QuestionKind(self.kind.data)
        except ValueError:
            return QuestionKind(self.kind.choices[0][0])

    def offer_rule_operators(self) -> None:
        operators = RULE_OPERATORS.get(self.shown_kind, ())
        self.rule_operator.choices = [("", _("No eligibility rule"))] + [
            (operator.value, operator.label) for operator in operators]
        if self.rule_operator.data not in {value for value, _label in self.rule_operator.choices}:
            self.rule_operator.data = ""

    def offer_empty_choice_rows(self) -> None:
        """Empty rows to add choices in, also when the kind has just become one with choices
        (the page sent then had no rows)."""
        empty = sum(1 for entry in self.choices
                    if not any(entry.form[name].data for name in ("key", "en", "ru")))
        for _row in range(EXTRA_CHOICE_ROWS - empty):
            self.choices.append_entry()

    def question_data(self) -> dict:
        """The validated entries as services.save_question takes them."""
        data = {name: self[name].data for name in (
            "section_key", "kind", "text_en", "text_ru", "help_en", "help_ru", "required",
            "blind_visible", "word_limit", "min_value", "max_value", "file_types",
            "max_size_mb", "rule_operator", "rule_number", "rule_yes_no", "rule_message_en",
            "rule_message_ru")}
        data["choices"] = [dict(entry.data) for entry in self.choices]
        return data

    def expected_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1  # a mangled field counts as stale: nothing is overwritten

    def add_problems(self, problems) -> None:
        """Put the services' problems beside their fields."""
        for name, message in problems:
            if name == "choices":
                self.choice_problems.append(str(message))
            elif name and name in self:
                self[name].errors = [*self[name].errors, str(message)]
            else:
                self.form_errors.append(str(message))

    @property
    def error_items(self) -> list[tuple[str, str, str]]:
        items = []
        for field_id, label, message in super().error_items:
            if field_id != self.choices.id:
                items.append((field_id, label, message))
        for number, entry in enumerate(self.choices, start=1):
            for sub in entry.form:
                for message in sub.errors:
                    items.append((sub.id, _("Choice %(number)d, %(field)s", number=number,
                                            field=sub.label.text), str(message)))
        items += [(f"{self.choices.id}-fieldset", str(self.choices.label.text), message)
                  for message in self.choice_problems]
        return items


def question_form_data(question: Question, *, extra_rows: int) -> dict:
    """A saved question as the form shows it, with empty rows for new choices."""
    data = {name: getattr(question, name) for name in (
        "section_key", "text_en", "text_ru", "help_en", "help_ru", "required",
        "blind_visible", "word_limit", "min_value", "max_value", "file_types", "max_size_mb",
        "rule_message_en", "rule_message_ru", "version")}
    data["kind"] = question.kind.value
    value = question.rule_value
    in_rule = set(value) if question.kind.has_choices and isinstance(value, list) else set()
    data["choices"] = [{"key": c["key"], "en": c.get("en", ""), "ru": c.get("ru", ""),
                        "in_rule": c["key"] in in_rule} for c in question.choices or []]
    data["choices"] += [{}] * extra_rows
    data["rule_operator"] = question.rule_operator.value if question.rule_operator else ""
    if question.kind == QuestionKind.number:
        data["rule_number"] = value
    if question.kind == QuestionKind.yes_no and isinstance(value, bool):
        data["rule_yes_no"] = "yes" if value else "no"
    return data


def new_question_data(section_key: str, kind: QuestionKind) -> dict:
    """What a new question of the kind starts from."""
    return {"section_key": section_key, "kind": kind.value,
            "blind_visible": services.blind_visible_by_default(kind),
            "word_limit": 300 if kind == QuestionKind.long_text else None,
            "file_types": ["pdf"] if kind == QuestionKind.file else [],
            "max_size_mb": min(5, services.max_file_size_mb()) if kind == QuestionKind.file
            else None,
            "choices": [{}] * (EXTRA_CHOICE_ROWS + 1), "rule_operator": "", "version": ""}


class SectionForm(PortalForm):
    title_en = _text(StringField, _l("Title (English)"), "en", 200)
    title_ru = _text(StringField, _l("Title (Russian)"), "ru", 200)
    intro_en = _text(TextAreaField, _l("Introduction (English, optional)"), "en", 5000, rows=3)
    intro_ru = _text(TextAreaField, _l("Introduction (Russian, optional)"), "ru", 5000, rows=3)
    submit = SubmitField(phrases.SAVE_CHANGES)

    def section_data(self) -> dict:
        return {name: self[name].data or "" for name in services.SECTION_TEXT_FIELDS}

    def add_problems(self, problems) -> None:
        for name, message in problems:
            if name in self:
                self[name].errors = [*self[name].errors, str(message)]
            else:
                self.form_errors.append(str(message))


class NewSectionForm(SectionForm):
    submit = SubmitField(_l("Add the section"))


class MoveForm(PortalForm):
    """Move up or move down: the button pressed names the direction."""

    direction = HiddenField(validators=[at_most(4), AnyOf(("up", "down"))])


class ActionForm(PortalForm):
    """A button that does one thing (delete, retire, restore): only the CSRF token."""


SETTING_LABELS = {
    services.REQUIRED_SETTING: _l("Asked as usual"),
    OPTIONAL: _l("Optional"),
    HIDDEN: _l("Not asked"),
}


def settings_form_class(labels: dict[str, str]) -> type:
    """A form with a choice per adjustable built-in answer, labelled by `labels`."""
    attributes = {
        name: RadioField(labels[name], validators=[Optional()], choices=[
            (value, SETTING_LABELS[value])
            for value in (services.REQUIRED_SETTING, *(str(s) for s in allowed))])
        for name, allowed in ADJUSTABLE.items()}
    attributes["version"] = HiddenField(validators=[at_most(20)])
    attributes["submit"] = SubmitField(phrases.SAVE_CHANGES)
    return type("FormSettingsForm", (PortalForm,), attributes)
