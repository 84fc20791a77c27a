"""Locale and time zone choice, and how moments are shown to people."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_time, get_timezone_location
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

# The portal's languages, in the order the switcher shows them, each named in itself.
LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
SESSION_LANGUAGE_KEY = "lang"


def is_supported_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def select_locale() -> str:
    """The user's preference, else the switcher's choice, else Accept-Language, else English."""
    if not has_request_context():  # commands and background work name their locale
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and is_supported_language(current_user.preferred_language):
        return current_user.preferred_language
    chosen = session.get(SESSION_LANGUAGE_KEY)
    if is_supported_language(chosen):
        return chosen
    try:
        best = request.accept_languages.best_match(list(LANGUAGES))
    except Exception:  # a malformed header must never break a page
        best = None
    return best or DEFAULT_LANGUAGE


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["OFFICE_TIMEZONE"]
    if current_user.is_authenticated and is_valid_timezone(current_user.time_zone):
        return current_user.time_zone
    return current_app.config["OFFICE_TIMEZONE"]


def is_valid_timezone(name: object) -> bool:
    if not isinstance(name, str) or not name or "\x00" in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_TIMEZONE_CHOICES: list[str] | None = None


def timezone_choices() -> list[str]:
    """IANA zones a person would pick from (no aliases like 'Etc/GMT+3')."""
    global _TIMEZONE_CHOICES
    if _TIMEZONE_CHOICES is None:
        prefixes = ("Europe/", "Asia/", "Africa/", "America/", "Atlantic/", "Australia/", "Pacific/")
        zones = sorted(z for z in available_timezones() if z.startswith(prefixes))
        _TIMEZONE_CHOICES = ["UTC", *zones]
    return _TIMEZONE_CHOICES


def zone_label(moment: datetime, zone: ZoneInfo, locale=None) -> str:
    """'Baku, UTC+04:00': a place people recognise and an offset nobody can misread."""
    locale = locale or get_locale()
    offset = moment.astimezone(zone).strftime("%z")
    offset_text = f"{offset[:3]}:{offset[3:]}" if offset else ""
    return _zone_label(zone.key, offset_text, str(locale))


# A list of 50 moments names the same zone 50 times: the label is made once per zone, offset
# and language in a process (the catalogs do not change while it runs), not once per row.
@lru_cache(maxsize=1024)
def _zone_label(zone_key: str, offset_text: str, locale_name: str) -> str:
    if zone_key == "UTC":
        return "UTC"
    city = get_timezone_location(ZoneInfo(zone_key), locale=locale_name, return_city=True)
    return _("%(city)s, UTC%(offset)s", city=city, offset=offset_text)


@lru_cache(maxsize=64)
def _moment_pattern(locale_name: str) -> str:
    """The translated pattern of format_moment, looked up once per language."""
    return _("%(date)s, %(time)s (%(zone)s)")


def format_moment(moment: datetime | None, zone_name: str | None = None) -> str:
    """A date and time in the viewer's (or a given) zone, always naming the zone."""
    if moment is None:
        return ""
    zone = ZoneInfo(zone_name or str(get_timezone()))
    locale = get_locale()
    local = moment.astimezone(zone)
    return _moment_pattern(str(locale)) % {
        "date": format_date(local, "long", locale=locale),
        "time": format_time(local, "short", locale=locale),
        "zone": zone_label(moment, zone, locale),
    }
