"""Locale and time zone choice, and how moments are shown to people."""

import math
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pytz
from babel import support
from babel.dates import format_date, format_time, get_timezone_location
from babel.numbers import format_decimal
from babel.units import format_unit
from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_timezone, get_translations, refresh
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in, user_logged_out
from wtforms.i18n import messages_path

# The portal's languages, in the order the switcher shows them, each named in itself.
LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
SESSION_LANGUAGE_KEY = "lang"


def is_supported_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def select_locale() -> str:
    """The page's language: the switcher's choice in this session, else the account's language
    (the one its e-mails use), else Accept-Language, else English.

    Flask-Babel keeps the answer for the rest of the request; whatever changes one of these
    inputs (a sign-in, a sign-out, the switcher, the profile) calls `refresh_locale`, so that
    the messages it flashes are in the language of the page that shows them.
    """
    if not has_request_context():  # commands and background work name their locale
        return DEFAULT_LANGUAGE
    chosen = session.get(SESSION_LANGUAGE_KEY)
    if is_supported_language(chosen):
        return chosen
    if current_user.is_authenticated and is_supported_language(current_user.preferred_language):
        return current_user.preferred_language
    try:
        best = request.accept_languages.best_match(list(LANGUAGES))
    except Exception:  # a malformed header must never break a page
        best = None
    return best or DEFAULT_LANGUAGE


def refresh_locale(*_args, **_kwargs) -> None:
    """Decide the locale and time zone again: their inputs changed during this request.

    Connected to Flask-Login's sign-in and sign-out signals (see `init_app`); the translations
    kept for the request by `current_translations` live in the slot this clears.
    """
    if has_request_context():
        refresh()


def init_app(app) -> None:
    install_template_gettext(app)
    # Weak references would drop a receiver defined in a function; these are module-level.
    user_logged_in.connect(refresh_locale)
    user_logged_out.connect(refresh_locale)


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


# Where people live: zones of the tz database's own list (no aliases such as 'Europe/Kiev' or
# 'Etc/GMT+3'), on the continents and oceans of the region's members and their travels.
_CONTINENTS = ("Europe/", "Asia/", "Africa/", "America/", "Atlantic/", "Australia/", "Indian/",
               "Pacific/")


@lru_cache(maxsize=1)
def timezone_keys() -> frozenset[str]:
    """The zones a person may choose (the choices' values), UTC among them."""
    available = available_timezones()
    return frozenset({"UTC"} | {zone for zone in pytz.common_timezones
                                if zone.startswith(_CONTINENTS) and zone in available})


def is_listed_timezone(name: object) -> bool:
    return isinstance(name, str) and name in timezone_keys()


def timezone_choices(locale=None, now: datetime | None = None) -> list[tuple[str, str]]:
    """(zone, '(UTC+04:00) Баку') for every listed zone, by offset at this hour, then by name."""
    hour = (now or datetime.now(ZoneInfo("UTC"))).replace(minute=0, second=0, microsecond=0)
    return list(_timezone_choices(str(locale or get_locale()), hour))


@lru_cache(maxsize=16)
def _timezone_choices(locale_name: str, hour: datetime) -> tuple[tuple[str, str], ...]:
    # About 400 names from CLDR: worked out once per language and hour in a process.
    rows = sorted((hour.astimezone(ZoneInfo(key)).utcoffset(),
                   _city(key, locale_name).casefold().replace("ё", "е"), key)
                  for key in timezone_keys())
    return tuple((key, timezone_choice_label(key, hour, locale_name))
                 for _offset, _name, key in rows)


def timezone_field_choices(saved: str | None = None) -> list[tuple[str, str]]:
    """A time zone field's choices: the list, and a zone saved before that the list lacks (so
    that the form it belongs to can still be saved unchanged)."""
    choices = timezone_choices()
    if saved and not is_listed_timezone(saved) and is_valid_timezone(saved):
        label = timezone_choice_label(saved, datetime.now(ZoneInfo("UTC")), str(get_locale()))
        choices = [(saved, label), *choices]
    return choices


def format_timezone(key: str) -> str:
    """A zone as the lists show it, '(UTC+04:00) Баку'; an unknown one by its identifier."""
    if not is_valid_timezone(key):
        return str(key)
    return timezone_choice_label(key, datetime.now(ZoneInfo("UTC")), str(get_locale()))


def timezone_choice_label(key: str, moment: datetime, locale_name: str) -> str:
    offset = moment.astimezone(ZoneInfo(key)).strftime("%z")
    return f"(UTC{offset[:3]}:{offset[3:]}) {_city(key, locale_name)}"


def _city(key: str, locale_name: str) -> str:
    if key == "UTC":
        return "UTC"
    return get_timezone_location(ZoneInfo(key), locale=locale_name, return_city=True)


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
    locale_name = str(get_locale())
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return _moment_pattern(locale_name) % {
        "date": _date_text(local.date(), locale_name),
        "time": _time_text(local.hour, local.minute, locale_name),
        "zone": _zone_label(zone.key, f"{offset[:3]}:{offset[3:]}" if offset else "", locale_name),
    }


# Babel takes about 80 µs to write a date: a list of 50 moments writes each day and each minute
# of the day once per language in a process, and looks the rest up.
@lru_cache(maxsize=4096)
def _date_text(day: date, locale_name: str) -> str:
    return format_date(day, "long", locale=locale_name)


@lru_cache(maxsize=4096)
def _time_text(hour: int, minute: int, locale_name: str) -> str:
    return format_time(time(hour, minute), "short", locale=locale_name)


def format_number(value, decimals: int = 2) -> str:
    """A number as the viewer's language writes it, without trailing zeros: a weight of 1.50 is
    '1.5' in English and '1,5' in Russian, 1234.5 is '1,234.5' and '1 234,5'. None is '—'.

    The one formatter of plain numbers on pages and in PDFs (scores have `points`)."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "#" * decimals, locale=str(get_locale()))


def format_file_size(size: int) -> str:
    """A file's size as the viewer's language writes it: '18 kB', '2,5 МБ' (kilobytes rounded
    up, so that a small file never shows 0; megabytes with one decimal)."""
    if size < 1024 * 1024:
        value, unit = max(1, math.ceil(size / 1024)), "digital-kilobyte"
    else:
        value, unit = round(size / (1024 * 1024), 1), "digital-megabyte"
    return format_unit(value, unit, length="short", format="#,##0.#", locale=str(get_locale()))


def current_translations():
    """Flask-Babel's translations for the locale in force, remembered for the request.

    Flask-Babel looks the locale and its catalog up again for every string; a page has dozens.
    The slot used, `babel_translations`, is the one Flask-Babel's `force_locale` and `refresh`
    clear and restore, so an e-mail rendered in another language inside a request is still
    translated into that language.
    """
    babel_context = g.get("_flask_babel") if g else None
    if babel_context is None:
        return get_translations()
    translations = getattr(babel_context, "babel_translations", None)
    if translations is None:
        translations = babel_context.babel_translations = get_translations()
    return translations


def install_template_gettext(app) -> None:
    """Templates' `_()` and `ngettext()` through `current_translations` (see there why)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )


@lru_cache(maxsize=16)
def wtforms_translations(locale_name: str):
    """WTForms' own messages ('Not a valid choice', …) in a language, read once per process.

    Flask-WTF would read the catalog from disk again on every request that builds a form.
    """
    return support.Translations.load(messages_path(), [locale_name], domain="wtforms")
