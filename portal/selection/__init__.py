"""Selection: ranking by the reviews, decisions within the places, publication and offers."""

from flask import Blueprint

bp = Blueprint("selection", __name__, template_folder="templates")

from portal.selection import commands, views  # noqa: E402,F401


@bp.app_template_filter("points")
def format_points(value) -> str:
    """A score in points with one decimal, in the viewer's locale (Russian writes 72,5)."""
    from flask_babel import format_decimal

    return "—" if value is None else format_decimal(round(float(value), 1), format="0.0")


@bp.app_template_global()
def tie_breaker_label(code: str | None) -> str:
    from portal.selection.phrases import TIE_BREAKER_LABELS

    return str(TIE_BREAKER_LABELS.get(code, ""))
