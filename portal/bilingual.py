"""Content that exists in English and Russian: one column per language, read in the viewer's."""

from flask_babel import get_locale

CONTENT_LANGUAGES = ("en", "ru")


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in CONTENT_LANGUAGES else "en"


class Bilingual:
    """Mixin for models with `<name>_en` and `<name>_ru` columns."""

    def text(self, name: str, language: str | None = None) -> str:
        """The field in the given (or the viewer's) language, else the other one."""
        language = language or current_language()
        value = getattr(self, f"{name}_{language}")
        if value:
            return value
        other = "ru" if language == "en" else "en"
        return getattr(self, f"{name}_{other}") or ""
