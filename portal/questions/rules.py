"""Eligibility rules of questions: data compared with an answer by plain functions, never code.

A rule says what an eligible answer is: "years in customs service at least 3", "former fellow
equal to no", "theme one of A, B". An answer not given yet breaks no rule (the check page
lists it as missing instead). An application that breaks a rule cannot be submitted; the
applicant reads why in their language, the coordinators read the rule.
"""

from flask_babel import lazy_gettext as _l

from portal.bilingual import current_language
from portal.questions.models import RULE_OPERATORS, Question, QuestionKind, RuleOperator


def rule_passes(question: Question, stored) -> bool:
    """Whether a stored answer satisfies the question's rule (True when it has none, or when
    the answer is not given)."""
    operator, value = question.rule_operator, question.rule_value
    if operator is None or stored in (None, "", []):
        return True
    kind = question.kind
    if kind == QuestionKind.number:
        if not isinstance(stored, int) or isinstance(stored, bool) or \
                not isinstance(value, int) or isinstance(value, bool):
            return True
        if operator == RuleOperator.at_least:
            return stored >= value
        if operator == RuleOperator.at_most:
            return stored <= value
        if operator == RuleOperator.equals:
            return stored == value
        return True
    if kind == QuestionKind.yes_no:
        return operator != RuleOperator.equals or stored == bool(value)
    if kind.has_choices:
        chosen = set(stored) if isinstance(stored, list) else {stored}
        listed = set(value or [])
        if operator == RuleOperator.one_of:
            return bool(chosen & listed)
        if operator == RuleOperator.none_of:
            return not chosen & listed
    return True


def rule_problems(kind: QuestionKind, operator: RuleOperator | None, value,
                  choice_keys: list[str]) -> list:
    """What is wrong with a rule as a coordinator wrote it (empty when it is sound)."""
    if operator is None:
        return []
    if operator not in RULE_OPERATORS.get(kind, ()):
        return [_l("This kind of question cannot have that rule.")]
    if kind == QuestionKind.number and (not isinstance(value, int) or isinstance(value, bool)):
        return [_l("Give the rule a whole number.")]
    if kind == QuestionKind.yes_no and not isinstance(value, bool):
        return [_l("Say which answer, yes or no, makes an applicant eligible.")]
    if kind.has_choices:
        if not value or not isinstance(value, list):
            return [_l("Tick at least one choice for the rule.")]
        if not set(value) <= set(choice_keys):
            return [_l("The rule names a choice the question does not have.")]
    return []


def rule_text(question: Question, language: str | None = None) -> str:
    """The rule as the coordinators read it: «Years in customs service» at least 3."""
    from portal.questions.kinds import YES_NO

    if question.rule_operator is None:
        return ""
    value = question.rule_value
    if question.kind == QuestionKind.yes_no:
        shown = str(YES_NO[0][1] if value else YES_NO[1][1])
    elif question.kind.has_choices:
        shown = ", ".join(question.choice_label(key, language) for key in value or [])
    else:
        shown = str(value)
    return str(_l("«%(question)s» %(operator)s %(value)s",
                  question=question.text("text", language),
                  operator=question.rule_operator.label, value=shown))


def rule_failure(question: Question, stored, language: str | None = None) -> str | None:
    """Why this answer makes the applicant ineligible, for the applicant (in the current
    locale, with the question's texts in `language` or the viewer's), or None if it does not."""
    if rule_passes(question, stored):
        return None
    return failure_message(question, language)


def failure_message(question: Question, language: str | None = None) -> str:
    """What an applicant whose answer breaks the question's rule reads (rule_failure), said
    before any answer is given: the page's script shows it as soon as an answer breaks it."""
    language = language or current_language()
    own = question.text("rule_message", language)
    if own:
        return own
    return str(_l("Your answer to «%(question)s» does not meet this call's eligibility rule "
                  "(%(rule)s), so the application cannot be submitted.",
                  question=question.text("text", language),
                  rule=_rule_condition(question, language)))


def _rule_condition(question: Question, language: str) -> str:
    from portal.questions.kinds import YES_NO

    value = question.rule_value
    operator = question.rule_operator
    if question.kind == QuestionKind.yes_no:
        return str(_l("the answer must be «%(answer)s»",
                      answer=YES_NO[0][1] if value else YES_NO[1][1]))
    if question.kind.has_choices:
        names = ", ".join(f"«{question.choice_label(key, language)}»" for key in value or [])
        if operator == RuleOperator.one_of:
            return str(_l("the answer must include one of %(choices)s", choices=names))
        return str(_l("the answer must not include %(choices)s", choices=names))
    if operator == RuleOperator.at_least:
        return str(_l("the answer must be at least %(value)d", value=value))
    if operator == RuleOperator.at_most:
        return str(_l("the answer must be at most %(value)d", value=value))
    return str(_l("the answer must be %(value)d", value=value))
