"""The rules of a call's form builder: adding, changing, moving, retiring and deleting
questions, the call's own sections, and the settings of the built-in answers.

Plain functions that take the call and validated data, flush but never commit, record an
audit event for every change, and raise FormError (with the field each problem belongs to)
before changing anything.
"""

import re
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.applications.layout import ADJUSTABLE
from portal.audit.services import record_event
from portal.callforms.queries import answered_question_ids, section_keys
from portal.calls.models import Call, CallState
from portal.calls.services import StaleCall
from portal.extensions import db
from portal.questions.models import (
    FILE_TYPES,
    RULE_OPERATORS,
    FormSection,
    Question,
    QuestionKind,
    RuleOperator,
)
from portal.questions.rules import rule_problems

QUESTION_TEXT_FIELDS = ("text_en", "text_ru", "help_en", "help_ru")
RULE_MESSAGE_FIELDS = ("rule_message_en", "rule_message_ru")
SECTION_TEXT_FIELDS = ("title_en", "title_ru", "intro_en", "intro_ru")
# What a question keeps beside its texts; "changed" in the audit names these.
QUESTION_FIELDS = ("section_key", "kind", *QUESTION_TEXT_FIELDS, "required", "blind_visible",
                   "word_limit", "min_value", "max_value", "choices", "file_types",
                   "max_size_mb", "rule_operator", "rule_value", *RULE_MESSAGE_FIELDS)
MAX_WORD_LIMIT = 5000
# Kinds whose answers a blind reviewer does not see unless the coordinator says so.
HIDDEN_BY_DEFAULT = (QuestionKind.short_text, QuestionKind.long_text, QuestionKind.file)
REQUIRED_SETTING = "required"  # the default of a built-in answer: asked as the programme asks it


class FormError(Exception):
    """What is wrong with the builder's data: (field name or "", message) pairs."""

    def __init__(self, problems):
        super().__init__("; ".join(str(message) for _name, message in problems))
        self.problems = list(problems)


class StaleQuestion(Exception):
    """Someone else saved the question since this form was loaded."""


def is_locked(call: Call) -> bool:
    """Whether the form's shape is fixed (kinds, choices, sections): once the call has left
    the draft state, answers depend on it."""
    return call.state != CallState.draft


def blind_visible_by_default(kind: QuestionKind) -> bool:
    return kind not in HIDDEN_BY_DEFAULT


def max_file_size_mb() -> int:
    return max(1, current_app.config["MAX_DOCUMENT_SIZE"] // (1024 * 1024))


# --- Questions -------------------------------------------------------------------------------

def save_question(call: Call, question: Question | None, *, actor, data: dict,
                  expected_version: int | None = None) -> Question:
    """Add a question (`question` None) or change one from the builder's data.

    `data`: section_key, kind, texts (text_/help_/rule_message_ en and ru), required,
    blind_visible, word_limit, min_value, max_value, choices (rows of key, en, ru, in_rule,
    remove: a row without a key the question knows is a new choice, and gets a new key),
    file_types, max_size_mb, rule_operator, rule_number, rule_yes_no ("yes"/"no").
    Raises StaleQuestion if someone saved the question in between, FormError (changing
    nothing) if the data break a rule. Flushes; records question.added or question.changed.
    """
    if question is not None and question.version != expected_version:
        raise StaleQuestion()
    values = _question_values(call, question, data)
    if question is None:
        question = Question(call_id=call.id, position=_next_position(call, values["section_key"]))
        changed = None
    else:
        if values["section_key"] != question.section_key:
            question.position = _next_position(call, values["section_key"])
        changed = sorted(name for name in QUESTION_FIELDS
                         if _comparable(getattr(question, name)) != _comparable(values[name]))
    for name, value in values.items():
        setattr(question, name, value)
    if changed is None:
        db.session.add(question)
    try:
        db.session.flush()
    except so.exc.StaleDataError as exc:  # saved by someone else between our read and write
        raise StaleQuestion() from exc
    if changed is None:
        record_event("question.added", actor=actor, obj=call, question=question.id,
                     question_kind=question.kind.value, section=question.section_key)
    elif changed:
        record_event("question.changed", actor=actor, obj=call, question=question.id,
                     changed=changed)
    return question


def _comparable(value):
    return value.value if hasattr(value, "value") else value


def _next_position(call: Call, section_key: str) -> int:
    last = db.session.scalar(sa.select(sa.func.max(Question.position)).where(
        Question.call_id == call.id, Question.section_key == section_key))
    return (last or 0) + 1


def _question_values(call: Call, question: Question | None, data: dict) -> dict:
    """The question's new columns, or FormError listing every problem."""
    problems = []
    kind = QuestionKind(data["kind"])
    section_key = data["section_key"]
    locked = is_locked(call) and question is not None
    if section_key not in section_keys(call):
        problems.append(("section_key", _l("Choose a section from the list.")))
    if locked and kind != question.kind:
        problems.append(("kind", _l("The kind of a question cannot change once the call is "
                                    "no longer a draft: answers depend on it.")))
    if locked and section_key != question.section_key:
        problems.append(("section_key", _l("A question cannot move to another section once "
                                           "the call is no longer a draft.")))
    values = {name: (data.get(name) or "").strip() for name in
              (*QUESTION_TEXT_FIELDS, *RULE_MESSAGE_FIELDS)}
    values.update(section_key=section_key, kind=kind, required=bool(data.get("required")),
                  blind_visible=bool(data.get("blind_visible")), word_limit=None,
                  min_value=None, max_value=None, choices=[], file_types=[], max_size_mb=None,
                  rule_operator=None, rule_value=None)
    if not values["text_en"] and not values["text_ru"]:
        problems.append(("text_en", _l("Write the question in at least one language.")))
    if kind == QuestionKind.long_text:
        problems += _word_limit(data, values)
    elif kind == QuestionKind.number:
        problems += _range(data, values)
    elif kind.has_choices:
        problems += _choices(question, data, values, locked)
    elif kind == QuestionKind.file:
        problems += _file_settings(data, values)
    problems += _rule(kind, data, values)
    if problems:
        raise FormError(problems)
    return values


def _word_limit(data: dict, values: dict) -> list:
    limit = data.get("word_limit")
    if limit is None or not 1 <= limit <= MAX_WORD_LIMIT:
        return [("word_limit", _l("Give a word limit from 1 to %(max)d.", max=MAX_WORD_LIMIT))]
    values["word_limit"] = limit
    return []


def _range(data: dict, values: dict) -> list:
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None and low > high:
        return [("max_value", _l("The largest number must not be below the smallest."))]
    values.update(min_value=low, max_value=high)
    return []


def _choices(question: Question | None, data: dict, values: dict, locked: bool) -> list:
    """The choices from the rows: known keys kept, new rows given new keys, removed rows
    dropped (only while the call is a draft)."""
    problems = []
    known = [c["key"] for c in question.choices or []] \
        if question is not None and question.kind.has_choices else []
    taken = set(known)
    choices, in_rule = [], []
    for row in data.get("choices") or []:
        en, ru = (row.get("en") or "").strip(), (row.get("ru") or "").strip()
        key = row.get("key") if row.get("key") in known else None
        if key is None and not en and not ru:
            continue  # an empty row for a choice not added
        if row.get("remove"):
            if locked and key is not None:
                problems.append(("choices", _l("Choices cannot be removed once the call is "
                                               "no longer a draft: answers depend on them.")))
            else:
                continue
        if key is None:
            key = _new_choice_key(taken)
        taken.add(key)
        choices.append({"key": key, "en": en, "ru": ru})
        if row.get("in_rule"):
            in_rule.append(key)
    if locked and [c["key"] for c in choices] != known:
        problems.append(("choices", _l("Choices cannot be added or removed once the call is "
                                       "no longer a draft; their wording can be corrected.")))
    if len(choices) < 2:
        problems.append(("choices", _l("Give at least two choices.")))
    values["choices"] = choices
    values["_in_rule"] = in_rule
    return problems


def _new_choice_key(taken: set[str]) -> str:
    numbers = [int(m.group(1)) for key in taken if (m := re.fullmatch(r"c(\d+)", key))]
    return f"c{max(numbers, default=0) + 1}"


def _file_settings(data: dict, values: dict) -> list:
    problems = []
    types = [t for t in data.get("file_types") or [] if t in FILE_TYPES]
    if not types:
        problems.append(("file_types", _l("Tick at least one type of file.")))
    size, largest = data.get("max_size_mb"), max_file_size_mb()
    if size is None or not 1 <= size <= largest:
        problems.append(("max_size_mb", _l("Give a size from 1 to %(max)d MB.", max=largest)))
    values.update(file_types=types, max_size_mb=size)
    return problems


def _rule(kind: QuestionKind, data: dict, values: dict) -> list:
    in_rule = values.pop("_in_rule", [])
    operator = data.get("rule_operator") or None
    if operator is None:
        values["rule_message_en"] = values["rule_message_ru"] = ""
        return []
    operator = RuleOperator(operator)
    if kind == QuestionKind.number:
        value, where = data.get("rule_number"), "rule_number"
    elif kind == QuestionKind.yes_no:
        value = {"yes": True, "no": False}.get(data.get("rule_yes_no"))
        where = "rule_yes_no"
    else:
        value, where = in_rule, "choices"
    if operator not in RULE_OPERATORS.get(kind, ()):
        where = "rule_operator"
    problems = rule_problems(kind, operator, value, [c["key"] for c in values["choices"]])
    values.update(rule_operator=operator, rule_value=value)
    return [(where, message) for message in problems]


def move_question(question: Question, *, actor, direction: str) -> bool:
    """Swap the question with its neighbour in its section (up or down). False when it is
    at that end already. Flushes; records question.moved."""
    siblings = list(db.session.scalars(
        sa.select(Question).where(Question.call_id == question.call_id,
                                  Question.section_key == question.section_key)
        .order_by(Question.position, Question.id)))
    if not _swap(siblings, question, direction):
        return False
    record_event("question.moved", actor=actor, obj=db.session.get(Call, question.call_id),
                 question=question.id, direction=direction)
    db.session.flush()
    return True


def _swap(items: list, item, direction: str) -> bool:
    """Number the items 1..n in their order with `item` moved one place; False if it cannot."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        if each.position != position:
            each.position = position
    return True


def remove_question(question: Question, *, actor, now: datetime) -> str:
    """Delete a question nobody has answered; retire one with answers (kept for them, no
    longer asked). Returns "deleted" or "retired". Flushes; records question.deleted or
    question.retired."""
    call = db.session.get(Call, question.call_id)
    if answered_question_ids(call, [question]):
        if question.retired_at is None:
            question.retired_at = now
            record_event("question.retired", actor=actor, obj=call, question=question.id)
        db.session.flush()
        return "retired"
    record_event("question.deleted", actor=actor, obj=call, question=question.id,
                 question_kind=question.kind.value, section=question.section_key)
    db.session.delete(question)
    db.session.flush()
    return "deleted"


def restore_question(question: Question, *, actor) -> None:
    """Ask a retired question again. Flushes; records question.restored."""
    if question.retired_at is not None:
        question.retired_at = None
        record_event("question.restored", actor=actor,
                     obj=db.session.get(Call, question.call_id), question=question.id)
        db.session.flush()


# --- The call's own sections -----------------------------------------------------------------

def add_section(call: Call, *, actor, data: dict) -> FormSection:
    """A new section of the call's own at the end, keyed "extra-<n>" (unique in the call).
    Flushes; records form_section.added."""
    own = list(db.session.scalars(sa.select(FormSection).where(FormSection.call_id == call.id)))
    numbers = [int(m.group(1)) for s in own if (m := re.fullmatch(r"extra-(\d+)", s.key))]
    section = FormSection(call_id=call.id, key=f"extra-{max(numbers, default=0) + 1}",
                          position=max((s.position for s in own), default=0) + 1,
                          **_section_texts(data))
    db.session.add(section)
    db.session.flush()
    record_event("form_section.added", actor=actor, obj=call, section=section.key)
    return section


def update_section(section: FormSection, *, actor, data: dict) -> None:
    """Rename a section or change its introduction. Flushes; records form_section.changed."""
    texts = _section_texts(data)
    changed = sorted(name for name, value in texts.items() if getattr(section, name) != value)
    for name, value in texts.items():
        setattr(section, name, value)
    if changed:
        record_event("form_section.changed", actor=actor,
                     obj=db.session.get(Call, section.call_id), section=section.key,
                     changed=changed)
    db.session.flush()


def _section_texts(data: dict) -> dict:
    texts = {name: (data.get(name) or "").strip() for name in SECTION_TEXT_FIELDS}
    if not texts["title_en"] and not texts["title_ru"]:
        raise FormError([("title_en", _l("Give the section a title in at least one "
                                         "language."))])
    return texts


def move_section(section: FormSection, *, actor, direction: str) -> bool:
    """Swap the section with its neighbour among the call's own. Flushes; records
    form_section.moved."""
    own = list(db.session.scalars(sa.select(FormSection)
                                  .where(FormSection.call_id == section.call_id)
                                  .order_by(FormSection.position, FormSection.id)))
    if not _swap(own, section, direction):
        return False
    record_event("form_section.moved", actor=actor, obj=db.session.get(Call, section.call_id),
                 section=section.key, direction=direction)
    db.session.flush()
    return True


def delete_section(section: FormSection, *, actor) -> None:
    """Delete a section that has no questions (retired ones count). Raises FormError
    otherwise. Flushes; records form_section.deleted."""
    has_questions = db.session.scalar(sa.select(sa.func.count(Question.id)).where(
        Question.call_id == section.call_id, Question.section_key == section.key))
    if has_questions:
        raise FormError([("", _l("Only a section without questions can be deleted."))])
    record_event("form_section.deleted", actor=actor, obj=db.session.get(Call, section.call_id),
                 section=section.key)
    db.session.delete(section)
    db.session.flush()


# --- The built-in answers' settings ----------------------------------------------------------

def update_form_settings(call: Call, *, actor, settings: dict[str, str],
                         expected_version: int) -> None:
    """Set how the call asks each adjustable built-in answer: "required" (as the programme
    asks it), "optional" or "hidden", as ADJUSTABLE allows. Only while the call is a draft.
    Raises StaleCall if someone saved the call in between, FormError otherwise. Flushes;
    records call.form_settings_changed."""
    if call.version != expected_version:
        raise StaleCall()
    if is_locked(call):
        raise FormError([("", _l("The built-in answers can only be changed while the call is "
                                 "a draft."))])
    problems, new = [], {}
    for name, allowed in ADJUSTABLE.items():
        value = settings.get(name) or REQUIRED_SETTING
        if value != REQUIRED_SETTING and value not in allowed:
            problems.append((name, _l("Choose one of the settings offered.")))
        elif value != REQUIRED_SETTING:
            new[name] = value
    if problems:
        raise FormError(problems)
    old = dict(call.form_settings or {})
    changed = sorted(name for name in ADJUSTABLE if old.get(name) != new.get(name))
    if not changed:
        return
    call.form_settings = new
    record_event("call.form_settings_changed", actor=actor, obj=call, changed=changed,
                 after={name: new.get(name, REQUIRED_SETTING) for name in changed})
    try:
        db.session.flush()
    except so.exc.StaleDataError as exc:
        raise StaleCall() from exc
