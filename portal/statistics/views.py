"""The coordinator's statistics page of a call."""

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.calls.models import Call
from portal.extensions import db
from portal.permissions import can_manage_calls, require
from portal.phrases import LANGUAGE_NAMES
from portal.statistics import bp, charts, queries


@bp.route("/manage/calls/<int:call_id>/statistics")
@require(can_manage_calls)
def call_statistics(call_id: int):
    call = db.get_or_404(Call, call_id)
    stats = queries.call_statistics(call, get_locale())
    return render_template("statistics/call_statistics.html", call=call, stats=stats,
                           **chart_data(stats))


def chart_data(stats) -> dict:
    """The geometry of every chart on the page, from the gathered figures."""
    raw, normalized = charts.histogram(stats.raw_means), charts.histogram(stats.normalized)
    return {
        "administrations_chart": charts.bar_chart(
            [(row.name or _("Not stated"), row.submitted)
             for row in stats.by_administration if row.submitted]),
        "languages_chart": charts.bar_chart(
            [(str(LANGUAGE_NAMES.get(code, code)), count) for code, count in stats.by_language.items()]),
        "bins": list(zip(raw, normalized, strict=True)),
        "scores_chart": charts.column_chart([raw, normalized]),
        "reviewers_chart": charts.bar_chart(
            [(r.name, r.submitted, r.assigned) for r in stats.reviewers]),
        "outcomes_chart": charts.bar_chart(
            [(outcome.label, count) for outcome, count in stats.outcomes.items()]),
        "offers_chart": charts.bar_chart(
            [(state.label, count) for state, count in stats.offers.items()])
        if stats.offers is not None else None,
        "colours": (charts.PRIMARY, charts.SECONDARY),
    }
