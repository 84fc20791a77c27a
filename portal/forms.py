"""What every form in the portal shares: localized CSRF errors and clean text input."""

import re

from flask import g
from flask_babel import get_locale, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from portal.i18n import DEFAULT_LANGUAGE, wtforms_translations

# Line breaks and tabs belong in long texts; no other control character (Unicode category Cc:
# U+0000–U+001F and U+007F–U+009F) nor a lone surrogate (Cs) belongs anywhere. A compiled pattern
# checks a long text a hundred times faster than asking unicodedata about each character.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_CHARACTERS_IN_TEXTAREAS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _reject_control_characters(form, field: Field) -> None:
    if not isinstance(field.data, str):
        return
    pattern = _CONTROL_CHARACTERS_IN_TEXTAREAS if isinstance(field, TextAreaField) else _CONTROL_CHARACTERS
    if pattern.search(field.data):
        raise ValidationError(_("This field contains characters that are not allowed."))


def at_most(limit: int) -> Length:
    """The size limit of a text field, with its message: every text field of a form declares
    one that suits its purpose (tests/test_forms.py walks every form to hold them to it)."""
    return Length(max=limit, message=lazy_ngettext(
        "At most %(num)d character.", "At most %(num)d characters.", limit))


def text_limit(field: Field) -> int | None:
    """The most characters a text field accepts, from its Length validators; None if none."""
    limits = [v.max for v in field.validators
              if isinstance(v, Length) and v.max is not None and v.max >= 0]
    return min(limits) if limits else None


# A long answer's size limit: its words at a generous length each (Russian words are long), so
# that no one writing words reaches it, while a "word" of megabytes is refused before storing.
CHARACTERS_PER_WORD = 20


def count_words(text: str | None) -> int:
    return len((text or "").split())


class WordLimit:
    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {}

    def __call__(self, form, field):
        words = count_words(field.data)
        if words > self.limit:
            raise ValidationError(lazy_ngettext(
                "At most %(num)d word, please: this text has %(words)d.",
                "At most %(num)d words, please: this text has %(words)d.",
                self.limit, words=words))


# Only for a text field whose form forgot to declare a limit: no text field is ever unbounded.
_FALLBACK_LIMIT = at_most(10_000)


class PortalForm(FlaskForm):
    """Base form: every text field has a size limit and refuses control characters; CSRF
    errors speak plainly."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations(str(get_locale() or DEFAULT_LANGUAGE))

    csrf_error_message = _l(
        "This form had expired (for example, because you were away for a long time). "
        "Your entries are shown again below: please check them and send the form once more."
    )

    def validate(self, extra_validators=None):
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField):  # TextAreaField, EmailField... are StringFields
                checks = extra.setdefault(name, [])
                if text_limit(field) is None:
                    checks.append(_FALLBACK_LIMIT)
                checks.append(_reject_control_characters)
        valid = super().validate(extra_validators=extra)
        csrf_field = getattr(self, "csrf_token", None)
        if g.get("csrf_failure"):
            # The global check refused the request (portal/extensions.py): no form of it is valid.
            valid = False
            if csrf_field is None:
                self.form_errors.append(str(self.csrf_error_message))
            else:
                csrf_field.errors = [str(self.csrf_error_message)]
        elif csrf_field is not None and csrf_field.errors:
            csrf_field.errors = [str(self.csrf_error_message)]
        return valid

    @property
    def error_items(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary at the top of the form."""
        # Errors of the whole form (a stale page, a deadline passed) come first.
        items = [("", "", str(message)) for message in self.form_errors]
        for name, field in self._fields.items():
            for message in field.errors:
                if name == "csrf_token":
                    items.append(("", "", str(message)))
                else:
                    items.append((field.id, _summary_label(field), str(message)))
        return items


def _summary_label(field: Field) -> str:
    """What names a field in the error summary: its label, but not a checkbox's, which is a
    whole statement ("I confirm that…") that its own message already names."""
    return "" if isinstance(field, BooleanField) else str(field.label.text)


def form_view(view):
    """Mark a view that shows its form again when the global CSRF check fails.

    The check stays on (portal/extensions.py): instead of a bare error page, the view runs
    with every PortalForm invalid and the message that the form expired, so it shows the
    form again with the user's entries. Such a view must change nothing unless
    `form.validate_on_submit()` is true (tests/test_csrf.py posts to every route without a
    token to hold it to that).
    """
    view.shows_expired_form = True
    return view
