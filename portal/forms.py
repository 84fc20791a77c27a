"""What every form in the portal shares: localized CSRF errors and clean text input."""

import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField, ValidationError

from portal.extensions import csrf

# Line breaks and tabs belong in long texts; no other control character belongs anywhere.
_ALLOWED_IN_TEXTAREAS = {"\n", "\r", "\t"}


def _has_control_characters(value: str, allowed: set[str]) -> bool:
    return any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value
    )


def _reject_control_characters(form, field: Field) -> None:
    if not isinstance(field.data, str):
        return
    allowed = _ALLOWED_IN_TEXTAREAS if isinstance(field, TextAreaField) else set()
    if _has_control_characters(field.data, allowed):
        raise ValidationError(_("This field contains characters that are not allowed."))


class PortalForm(FlaskForm):
    """Base form: every text field refuses control characters; CSRF errors speak plainly."""

    csrf_error_message = _l(
        "This form had expired (for example, because you were away for a long time). "
        "Your entries are shown again below: please check them and send the form once more."
    )

    def validate(self, extra_validators=None):
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField):  # TextAreaField, EmailField... are StringFields
                extra.setdefault(name, []).append(_reject_control_characters)
        valid = super().validate(extra_validators=extra)
        csrf_field = getattr(self, "csrf_token", None)
        if csrf_field is not None and csrf_field.errors:
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
                    items.append((field.id, str(field.label.text), str(message)))
        return items


def form_view(view):
    """Mark a view whose PortalForm checks the CSRF token itself.

    The global check would answer a stale token with a bare error page; letting the
    form check it instead re-renders the form with the user's entries and a message.
    Such a view must change nothing unless `form.validate_on_submit()` is true
    (tests/test_csrf.py posts to every route without a token to hold it to that).
    """
    return csrf.exempt(view)
