"""What the portal says in a given language, taken from the compiled catalogs.

Tests compare the page with these rather than with hard-coded Russian, so that they pass
whether or not a string has been translated yet (an untranslated one is shown in English).
"""

import re

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def text_in(language: str, msgid: str, **variables) -> str:
    """`msgid` as the catalog of `language` renders it (needs an app context)."""
    with force_locale(language):
        return _(msgid, **variables)


def russian(msgid: str, **variables) -> str:
    return text_in("ru", msgid, **variables)


def russian_plural(singular: str, plural: str, num: int, **variables) -> str:
    with force_locale("ru"):
        return ngettext(singular, plural, num, **variables)


def is_translated(msgid: str) -> bool:
    """Whether the Russian catalog has this string (else the portal shows it in English)."""
    return russian(msgid) != msgid


def assert_russian(text: str) -> None:
    assert CYRILLIC.search(text), f"expected Russian text, got {text!r}"


def labels(app, form_class, language: str) -> dict[str, str]:
    """The form's labels (buttons too), as the portal shows them in `language`."""
    from portal.extensions import db

    with app.test_request_context(), force_locale(language):
        found = {field.name: str(field.label.text) for field in form_class()}
    db.session.rollback()  # a form may read the database: no transaction is left open
    return found


def pattern(template: str, **parts: str) -> re.Pattern:
    """A regex for a message rendered with "{name}" placeholders, each replaced by its regex.

    pattern(russian("Number: %(ref)s", ref="{ref}"), ref=r"FEL-\\d+") matches the page's
    "Номер: FEL-2025-0001". Plain syntax only: Playwright hands the regex to JavaScript.
    """
    regex = re.escape(template)
    for name, part in parts.items():
        regex = regex.replace(re.escape("{" + name + "}"), f"(?:{part})")
    return re.compile(regex)
