"""Questions of a call, the sections a call adds, and the settings of its built-in answers."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from portal.bilingual import Bilingual
from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class QuestionKind(enum.StrEnum):
    short_text = "short_text"
    long_text = "long_text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"
    number = "number"
    date = "date"
    file = "file"

    @property
    def label(self) -> str:
        return str(QUESTION_KIND_LABELS[self])

    @property
    def has_choices(self) -> bool:
        return self in (QuestionKind.single_choice, QuestionKind.multiple_choice)

    @property
    def can_have_rule(self) -> bool:
        return self in (QuestionKind.single_choice, QuestionKind.multiple_choice,
                        QuestionKind.yes_no, QuestionKind.number)


QUESTION_KIND_LABELS = {
    QuestionKind.short_text: _l("Short text"),
    QuestionKind.long_text: _l("Long text with a word limit"),
    QuestionKind.single_choice: _l("One choice"),
    QuestionKind.multiple_choice: _l("Several choices"),
    QuestionKind.yes_no: _l("Yes or no"),
    QuestionKind.number: _l("Whole number in a range"),
    QuestionKind.date: _l("Date"),
    QuestionKind.file: _l("File"),
}


class RuleOperator(enum.StrEnum):
    """What an eligible answer must be. The rule's value is the number, the yes/no, or the
    list of choice keys it is compared with (portal/questions/rules.py)."""

    at_least = "at_least"  # number ≥ value
    at_most = "at_most"  # number ≤ value
    equals = "equals"  # number = value, or yes/no is value
    one_of = "one_of"  # a choice among the listed (several choices: at least one of them)
    none_of = "none_of"  # no choice among the listed

    @property
    def label(self) -> str:
        return str(RULE_OPERATOR_LABELS[self])


RULE_OPERATOR_LABELS = {
    RuleOperator.at_least: _l("at least"),
    RuleOperator.at_most: _l("at most"),
    RuleOperator.equals: _l("equal to"),
    RuleOperator.one_of: _l("one of"),
    RuleOperator.none_of: _l("none of"),
}

# The operators each kind of question may use in a rule.
RULE_OPERATORS = {
    QuestionKind.number: (RuleOperator.at_least, RuleOperator.at_most, RuleOperator.equals),
    QuestionKind.yes_no: (RuleOperator.equals,),
    QuestionKind.single_choice: (RuleOperator.one_of, RuleOperator.none_of),
    QuestionKind.multiple_choice: (RuleOperator.one_of, RuleOperator.none_of),
}

# File types a file question may accept, judged by content: the key, its MIME types (as the
# `filetype` library names them) and the extension a stored file is given.
FILE_TYPES = {
    "pdf": ("application/pdf",),
    "jpeg": ("image/jpeg",),
    "png": ("image/png",),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
}
TEXT_FIELDS = ("text", "help")
SHORT_TEXT_LIMIT = 300  # characters of a short answer


class FormSection(Bilingual, db.Model):
    """A section of its own that a call adds after the built-in ones (before the documents).

    Its answers are stored as an application section under `key` ("extra-3"), like the
    built-in sections' under theirs.
    """

    __tablename__ = "form_section"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"),
                                               index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(32))
    position: so.Mapped[int] = so.mapped_column(default=0)
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    title_ru: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    intro_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    intro_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    __table_args__ = (sa.UniqueConstraint("call_id", "key"),)

    def __repr__(self) -> str:
        return f"<FormSection {self.call_id} {self.key}>"


class Question(Bilingual, db.Model):
    """One question of a call's form. Its answer is stored with the other answers of its
    section under `answer_key` ("q17"); a file question's answer is a Document that names it.

    Once the call is open, the kind and the choices stay (answers depend on them) while the
    wording may be corrected; a question with answers is retired rather than deleted.
    """

    __tablename__ = "question"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("call.id", ondelete="CASCADE"),
                                               index=True)
    # A built-in section's key ("professional") or a FormSection's ("extra-1").
    section_key: so.Mapped[str] = so.mapped_column(sa.String(32))
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[QuestionKind] = so.mapped_column(
        sa.Enum(QuestionKind, native_enum=False, length=20))
    text_en: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    text_ru: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    help_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    help_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    required: so.Mapped[bool] = so.mapped_column(default=False)
    # Whether a blind reviewer may read the answer (the default: not for free text and files).
    blind_visible: so.Mapped[bool] = so.mapped_column(default=False)

    # Long text: the most words. Number: the range (whole numbers, both ends allowed).
    word_limit: so.Mapped[int | None] = so.mapped_column()
    min_value: so.Mapped[int | None] = so.mapped_column()
    max_value: so.Mapped[int | None] = so.mapped_column()
    # Choices: [{"key": "k1", "en": "...", "ru": "..."}], the key stored in answers.
    choices: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # File: the accepted FILE_TYPES keys and the largest size in MB.
    file_types: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    max_size_mb: so.Mapped[int | None] = so.mapped_column()

    # An eligibility rule: what an eligible answer is (rules.py), and optionally why, in words.
    rule_operator: so.Mapped[RuleOperator | None] = so.mapped_column(
        sa.Enum(RuleOperator, native_enum=False, length=16))
    rule_value: so.Mapped[object | None] = so.mapped_column(sa.JSON)
    rule_message_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    rule_message_ru: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    retired_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow,
                                                       onupdate=utcnow)
    # Optimistic locking: two coordinators editing one question cannot overwrite each other.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.Index("ix_question_call_section", "call_id", "section_key",
                               "position"),)

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind}>"

    @property
    def answer_key(self) -> str:
        return f"q{self.id}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def has_rule(self) -> bool:
        return self.rule_operator is not None

    def choice_label(self, key: str, language: str | None = None) -> str:
        """A choice's text in the language (or the viewer's), else the other, else its key."""
        from portal.bilingual import current_language

        language = language or current_language()
        other = "ru" if language == "en" else "en"
        for choice in self.choices or []:
            if choice.get("key") == key:
                return choice.get(language) or choice.get(other) or key
        return key


class BuiltinSetting(enum.StrEnum):
    """What a call makes of a built-in answer that the programme allows to change."""

    optional = "optional"
    hidden = "hidden"


def questions_of(call_id: int, *, include_retired: bool = False) -> list[Question]:
    """A call's questions in form order (one query)."""
    query = sa.select(Question).where(Question.call_id == call_id)
    if not include_retired:
        query = query.where(Question.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(Question.section_key, Question.position,
                                                  Question.id)))


def sections_of(call_id: int) -> list[FormSection]:
    """A call's own sections in order (one query)."""
    return list(db.session.scalars(sa.select(FormSection).where(FormSection.call_id == call_id)
                                   .order_by(FormSection.position, FormSection.id)))
