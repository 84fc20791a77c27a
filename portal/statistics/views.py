"""The coordinator's statistics page of a call."""

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.calls.models import Call
from portal.extensions import db
from portal.permissions import can_manage_calls, require
from portal.phrases import LANGUAGE_NAMES
from portal.questions.kinds import YES_NO
from portal.questions.models import QuestionKind
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
        "question_charts": [question_chart(counted) for counted in stats.questions],
    }


def question_chart(counted) -> dict:
    """A choice or yes/no question's counts, labelled in the viewer's language: the choices in
    their order, then the applications that did not answer."""
    question = counted.question
    if question.kind == QuestionKind.yes_no:
        names = {key: str(text) for key, text in YES_NO}
    else:
        names = {key: question.choice_label(key) for key in counted.counts}
    rows = [(names[key], count) for key, count in counted.counts.items()]
    rows.append((_("No answer"), counted.unanswered))
    return {"id": f"question-{question.id}", "title": question.text("text"),
            "several": question.kind == QuestionKind.multiple_choice,
            "rows": rows, "chart": charts.bar_chart(rows)}
