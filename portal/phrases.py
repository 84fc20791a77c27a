"""Labels that appear in many places, defined once so that they read the same everywhere."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "reviewer": _l("Reviewer"),
    "coordinator": _l("Coordinator"),
    "admin": _l("Administrator"),
    "nominator": _l("Nominating official"),
}

# i18n: a field that must be filled in
REQUIRED = _l("This field is required.")
EMAIL_ADDRESS = _l("E-mail address")
PASSWORD = _l("Password")
FULL_NAME_LATIN = _l("Full name (Latin letters, as in your passport)")
NATIVE_NAME = _l("Full name in native script (optional)")
ADMINISTRATION = _l("Member administration")
POSITION = _l("Position")
PREFERRED_LANGUAGE = _l("Preferred language")
TIME_ZONE = _l("Time zone")
SAVE_CHANGES = _l("Save changes")

# Languages named in the viewer's language (the switcher names each in itself instead).
LANGUAGE_NAMES = {"en": _l("English"), "ru": _l("Russian")}
