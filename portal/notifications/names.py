"""How an e-mail names a person: in the script of the e-mail's language when the person gave
their name in it, else as in their passport (the Latin spelling every account has)."""

import unicodedata

# The script each e-mail language is written in.
_SCRIPTS = {"ru": "CYRILLIC"}


def name_in_language(person, language: str) -> str:
    """`native_name` in a Russian e-mail when it is written in Cyrillic, else `full_name`.

    A native name in another script (Georgian, Armenian…) is not used in a Russian text.
    """
    native = (getattr(person, "native_name", None) or "").strip()
    script = _SCRIPTS.get(language)
    if script and native and _written_in(native, script):
        return native
    return person.full_name


def _written_in(text: str, script: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith(script) for c in letters)
