"""The completeness gate of a call's form: a call cannot open while a question, a help text,
a choice, a rule's message or a section of its own lacks its English or Russian text, or a
rule is unsound. Calls ask for it through calls.signals.opening_checked (connected below,
when the package is imported), so that calls need not know the packages after them.

Questions are named by their number on the builder's page (live questions, in form order).
"""

from flask_babel import lazy_gettext as _l

from portal.callforms.queries import form_outline
from portal.calls.signals import opening_checked
from portal.questions.models import questions_of, sections_of
from portal.questions.rules import rule_problems

LANGUAGES = ("en", "ru")


def opening_problems(call) -> list:
    """What in the call's form stops it from opening, as messages for the coordinator."""
    problems = []
    form_sections = sections_of(call.id)
    for number, section in enumerate(form_sections, start=1):
        problems += [_section_title_missing(number, language) for language in LANGUAGES
                     if not getattr(section, f"title_{language}").strip()]
        problems += [_section_intro_missing(number, language) for language in LANGUAGES
                     if _one_sided(section, "intro", language)]
    for outline in form_outline(questions_of(call.id), form_sections):
        for number, question in outline.questions:
            problems += question_problems(number, question)
    return problems


def question_problems(number: int, question) -> list:
    problems = []
    for language in LANGUAGES:
        if not (getattr(question, f"text_{language}") or "").strip():
            problems.append(_text_missing(number, language))
        if _one_sided(question, "help", language):
            problems.append(_help_missing(number, language))
        if question.has_rule and _one_sided(question, "rule_message", language):
            problems.append(_rule_message_missing(number, language))
    if question.kind.has_choices:
        for index, choice in enumerate(question.choices or [], start=1):
            for language in LANGUAGES:
                if not (choice.get(language) or "").strip():
                    problems.append(_choice_missing(number, index, language))
    if question.has_rule:
        keys = [choice["key"] for choice in question.choices or []]
        for problem in rule_problems(question.kind, question.rule_operator, question.rule_value,
                                     keys):
            problems.append(_l("Question %(number)d: %(problem)s", number=number,
                               problem=problem))
    return problems


def _one_sided(obj, name: str, language: str) -> bool:
    """A text given in the other language only (an optional text must be in both or none)."""
    other = "ru" if language == "en" else "en"
    return not (getattr(obj, f"{name}_{language}") or "").strip() and \
        bool((getattr(obj, f"{name}_{other}") or "").strip())


# Whole sentences per language, so that each translation can put the words in its own order.
def _text_missing(number: int, language: str):
    if language == "en":
        return _l("Question %(number)d: the question is missing in English.", number=number)
    return _l("Question %(number)d: the question is missing in Russian.", number=number)


def _help_missing(number: int, language: str):
    if language == "en":
        return _l("Question %(number)d: the help text is missing in English.", number=number)
    return _l("Question %(number)d: the help text is missing in Russian.", number=number)


def _rule_message_missing(number: int, language: str):
    if language == "en":
        return _l("Question %(number)d: the eligibility rule's message is missing in English.",
                  number=number)
    return _l("Question %(number)d: the eligibility rule's message is missing in Russian.",
              number=number)


def _choice_missing(number: int, choice: int, language: str):
    if language == "en":
        return _l("Question %(number)d: choice %(choice)d is missing in English.",
                  number=number, choice=choice)
    return _l("Question %(number)d: choice %(choice)d is missing in Russian.",
              number=number, choice=choice)


def _section_title_missing(number: int, language: str):
    if language == "en":
        return _l("Own section %(number)d: the title is missing in English.", number=number)
    return _l("Own section %(number)d: the title is missing in Russian.", number=number)


def _section_intro_missing(number: int, language: str):
    if language == "en":
        return _l("Own section %(number)d: the introduction is missing in English.",
                  number=number)
    return _l("Own section %(number)d: the introduction is missing in Russian.",
              number=number)


@opening_checked.connect
def _check_form(call, **_extra) -> list:
    return opening_problems(call)
