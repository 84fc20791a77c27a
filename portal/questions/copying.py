"""A copied call takes its questions and its own sections along.

calls.services.copy_call sends calls.signals.call_copied (calls never import questions); this
receiver, connected when the app starts (init_app), copies the source's sections of its own and
its questions that are not retired, texts, choices, rules and blind flags included.
"""

from copy import deepcopy

from portal.calls.signals import call_copied
from portal.extensions import db
from portal.questions.models import FormSection, Question, questions_of, sections_of

SECTION_FIELDS = ("key", "position", "title_en", "title_ru", "intro_en", "intro_ru")
QUESTION_FIELDS = (
    "section_key", "position", "kind", "text_en", "text_ru", "help_en", "help_ru", "required",
    "blind_visible", "word_limit", "min_value", "max_value", "choices", "file_types",
    "max_size_mb", "rule_operator", "rule_value", "rule_message_en", "rule_message_ru",
)


def copy_questions(source, *, copy, actor=None, **_extra) -> None:
    """Give `copy` (a new call, flushed) the sections and live questions of `source`. Flushes."""
    for section in sections_of(source.id):
        db.session.add(FormSection(call_id=copy.id, **_fields(section, SECTION_FIELDS)))
    for question in questions_of(source.id):
        db.session.add(Question(call_id=copy.id, **_fields(question, QUESTION_FIELDS)))
    db.session.flush()


def _fields(obj, names) -> dict:
    # JSON lists and dicts are copied deeply, so that the two calls never share one object.
    return {name: deepcopy(getattr(obj, name)) for name in names}


def init_app(app) -> None:
    call_copied.connect(copy_questions)
