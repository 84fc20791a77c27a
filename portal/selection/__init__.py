"""Selection: ranking by the reviews, decisions within the places, publication and offers."""

import functools

from flask import Blueprint

bp = Blueprint("selection", __name__, template_folder="templates")

from portal.selection import commands, jobs, views  # noqa: E402,F401


@bp.app_template_filter("points")
def format_points(value, sign: str | None = None) -> str:
    """A score in points with one decimal, in the viewer's locale (Russian writes 72,5).

    A page of many numbers (the ranking's 150) passes the locale's decimal `sign`, looked up once
    with `decimal_sign()`: looking the locale up for each number was a third of that page's time.
    """
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", sign or decimal_sign())


@bp.app_template_global()
def decimal_sign() -> str:
    from flask_babel import get_locale

    return _decimal_sign(str(get_locale()))


@functools.cache
def _decimal_sign(locale: str) -> str:
    from babel import Locale

    return Locale.parse(locale).number_symbols["latn"]["decimal"]


@bp.app_template_global()
def tie_breaker_label(code: str | None) -> str:
    from portal.selection.phrases import TIE_BREAKER_LABELS

    return str(TIE_BREAKER_LABELS.get(code, ""))
