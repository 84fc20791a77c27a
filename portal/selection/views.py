"""The coordinator's selection pages (ranking, decisions, publication, fellows) and the
applicant's answer to an offer."""

from datetime import datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.administrations.models import Administration
from portal.applications.models import Application, ApplicationState
from portal.calls.extension_forms import utc_moment
from portal.calls.models import Call
from portal.calls.moments import utc_to_local
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.i18n import format_moment
from portal.pagination import ListPagination, requested_page
from portal.permissions import can_manage_applications, is_owner, require
from portal.selection import bp, publication, services
from portal.selection import endorsement as endorsement_filter
from portal.selection.forms import (
    ConfirmForm,
    DecisionForm,
    FillPlacesForm,
    OfferExtensionForm,
    OfferResponseForm,
    PublishForm,
)
from portal.selection.models import Offer, OfferState, Outcome
from portal.selection.offer_extension import extend_offer
from portal.selection.phrases import FLAG_LABELS, GIVEN_UP_LABELS, SORT_LABELS
from portal.selection.queries import kept_beside_ranking, ranked_scores, ranking_table, ranking_table_and_key
from portal.selection.ranking import DISAGREEMENT_RANGE

PER_PAGE = 50


# Sort keys of the ranking table (ascending; scores best first, missing ones last).
SORTS = {
    "rank": lambda r: r.rank,
    "normalized": lambda r: (r.score.normalized is None, -(r.score.normalized or 0), r.rank),
    "mean": lambda r: (r.score.raw_mean is None, -(r.score.raw_mean or 0), r.rank),
    "range": lambda r: (r.score.score_range is None, -(r.score.score_range or 0), r.rank),
    "reviews": lambda r: (r.score.review_count, r.rank),
    "reference": lambda r: r.application.reference or "",
    "administration": lambda r: (r.application.administration_code or "", r.rank),
}
FLAG_FILTERS = {
    "disagreement": lambda r: r.score.disagreement,
    "missing": lambda r: r.score.missing_reviews,
    "none": lambda r: not (r.score.disagreement or r.score.missing_reviews),
}


def administration_names(rows) -> dict[str, str]:
    """Names of the rows' administrations in the viewer's language: one query, one lookup each."""
    codes = {r.application.administration_code for r in rows} - {None}
    locale = get_locale()
    return {a.code: a.name(locale) for a in db.session.scalars(
        sa.select(Administration).where(Administration.code.in_(codes)))} if codes else {}


def _filtered(rows, args):
    flag = args.get("flag", "")
    if flag in FLAG_FILTERS:
        rows = [r for r in rows if FLAG_FILTERS[flag](r)]
    decision = args.get("decision", "")
    if decision == "undecided":
        rows = [r for r in rows if r.decision is None]
    elif decision in Outcome.__members__:
        rows = [r for r in rows if r.decision is not None and r.decision.outcome == decision]
    administration = args.get("administration", "")
    if administration:
        rows = [r for r in rows if r.application.administration_code == administration]
    language = args.get("language", "")
    if language in ("en", "ru"):
        rows = [r for r in rows if r.application.language == language]
    endorsement = args.get("endorsement", "")
    if endorsement_filter.is_filter(endorsement):
        rows = [r for r in rows if endorsement_filter.matches(r, endorsement)]
    return sorted(rows, key=SORTS.get(args.get("sort", "rank"), SORTS["rank"]))


@bp.route("/manage/calls/<int:call_id>/ranking")
@require(can_manage_applications)
def ranking(call_id: int):
    return _ranking_page(db.get_or_404(Call, call_id), FillPlacesForm())


def _ranking_page(call: Call, fill_form: FillPlacesForm):
    rows, key = ranking_table_and_key(call)
    filters = {k: request.args.get(k, "")[:40]
               for k in ("flag", "decision", "administration", "language", "endorsement", "sort")}
    # The filtered order, the counts and the names are made once per change of the ranking, a
    # decision or the call, not on every page of it.
    shown = kept_beside_ranking(call, repr(sorted(filters.items())), key, lambda: _filtered(rows, filters))
    check = kept_beside_ranking(call, "check", key, lambda: publication.publication_check(call, rows) if rows else None)
    names = kept_beside_ranking(call, f"names:{get_locale()}", key, lambda: administration_names(rows))
    holders = kept_beside_ranking(call, "holders", key, lambda: [r for r in rows if r.holds_place])
    page = ListPagination(page=requested_page(), per_page=PER_PAGE, items=shown)
    return render_template("selection/ranking.html", call=call, page=page, total=len(rows),
                           check=check, filters=filters, administration_names=names,
                           fill_form=fill_form, disagreement_range=DISAGREEMENT_RANGE,
                           published=services.is_published(call), flag_labels=FLAG_LABELS,
                           sort_labels=SORT_LABELS, outcome_choices=[(o.value, o.label) for o in Outcome],
                           outcome_labels={o: o.label for o in Outcome}, holders=holders,
                           offer_labels={s: s.label for s in OfferState},
                           given_up_labels={s: str(GIVEN_UP_LABELS[s]) for s in GIVEN_UP_LABELS})


@bp.route("/manage/calls/<int:call_id>/fill", methods=["POST"])
@form_view
@require(can_manage_applications)
def fill_places(call_id: int):
    """Refused, the ranking page is shown again with each error beside its control in the form."""
    call = db.get_or_404(Call, call_id)
    form = FillPlacesForm()
    if not form.validate_on_submit():
        return _ranking_page(call, form)
    try:
        summary = services.fill_places_in_rank_order(call, actor=current_user, now=utcnow(),
                                                     waitlist_length=form.waitlist_length.data,
                                                     replace=form.confirm.data)
    except services.SelectionError as error:
        db.session.rollback()
        if isinstance(error, services.ConfirmationNeeded):
            form.confirm.errors = [str(error.message)]
        else:
            form.form_errors.append(str(error.message))
        return _ranking_page(call, form)
    db.session.commit()
    flash(_("Places filled: %(accepted)d selected, %(waitlisted)d on the waiting list, "
            "%(not_selected)d not selected.", accepted=summary.accepted, waitlisted=summary.waitlisted,
            not_selected=summary.not_selected), "success")
    if summary.skipped_for_cap:
        flash(ngettext("%(num)d application was passed over because of the cap per administration; it is "
                       "on the waiting list.",
                       "%(num)d applications were passed over because of the cap per administration; they "
                       "are on the waiting list.", summary.skipped_for_cap), "info")
    return redirect(url_for("selection.ranking", call_id=call.id))


@bp.route("/manage/applications/<int:application_id>/decision", methods=["GET", "POST"])
@form_view
@require(can_manage_applications)
def decide(application_id: int):
    application = db.get_or_404(Application, application_id)
    call = application.call
    decision = application.decision
    form = DecisionForm(data=None if request.method == "POST" else {
        "outcome": decision.outcome.value if decision else None,
        "waitlist_position": decision.waitlist_position if decision else None,
        "note": decision.note if decision else "",
        "version": decision.version if decision else 0})
    if form.validate_on_submit():
        try:
            services.decide(application, outcome=Outcome(form.outcome.data), note=form.note.data or "",
                            actor=current_user, now=utcnow(),
                            expected_version=int(form.version.data) if (form.version.data or "").isdigit() else 0,
                            waitlist_position=form.waitlist_position.data)
        except services.SelectionError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            if isinstance(error, services.StaleDecision):
                db.session.refresh(application)
                form.version.data = application.decision.version
        else:
            db.session.commit()
            flash(_("Decision saved for %(reference)s.", reference=application.reference), "success")
            return redirect(url_for("selection.ranking", call_id=call.id, _anchor=f"a{application.id}"))
    row = next((r for r in ranked_scores(call) if r.application_id == application.id), None)
    offer = application.offer
    return render_template("selection/decision.html", application=application, call=call, form=form,
                           row=row, current=application.decision, offer=offer,
                           given_up=str(GIVEN_UP_LABELS[offer.state]) if offer and offer.state in GIVEN_UP_LABELS
                           else None, published=services.is_published(call))


@bp.route("/manage/calls/<int:call_id>/publish", methods=["GET", "POST"])
@form_view
@require(can_manage_applications)
def publish(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publication.publish_results(call, actor=current_user, now=utcnow(),
                                     response_days=form.response_days.data,
                                     override_reason=form.override_reason.data or "")
        except services.SelectionError as error:
            db.session.rollback()
            if isinstance(error, services.AlreadyPublished):
                flash(str(error.message), "info")
                return redirect(url_for("selection.fellows", call_id=call.id))
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The results are published and the applicants are being notified."), "success")
            return redirect(url_for("selection.fellows", call_id=call.id))
    if services.is_published(call):
        return render_template("selection/published.html", call=call)
    check = publication.publication_check(call)
    days = form.response_days.data if isinstance(form.response_days.data, int) else 14
    previews = {lang: publication.preview_result_emails(call, lang, response_days=days, now=utcnow())
                for lang in ("en", "ru")}
    return render_template("selection/publish.html", call=call, form=form, check=check, previews=previews,
                           Outcome=Outcome)


@bp.route("/manage/calls/<int:call_id>/fellows")
@require(can_manage_applications)
def fellows(call_id: int):
    call = db.get_or_404(Call, call_id)
    rows = ranking_table(call)
    offer_of = {o.application_id: o for o in db.session.scalars(sa.select(Offer).where(Offer.call_id == call.id))}
    offers = sorted(((r, offer_of[r.application.id]) for r in rows if r.application.id in offer_of),
                    key=lambda pair: (pair[1].offered_at, pair[0].rank))
    states = dict(db.session.execute(sa.select(Application.id, Application.state)
                                     .where(Application.call_id == call.id)).all())
    waiting = sorted((r for r in rows if states[r.application.id] == ApplicationState.waitlisted and r.decision),
                     key=lambda r: r.decision.waitlist_position or 0)
    now = utcnow()
    overdue = [o for _r, o in offers if o.state == OfferState.pending and o.respond_by <= now]
    return render_template("selection/fellows.html", call=call, offers=offers, waiting=waiting,
                           overdue=overdue, held=sum(services.held_places(call.id).values()),
                           administration_names=administration_names(rows),
                           confirm_form=ConfirmForm(), published=services.is_published(call))


@bp.route("/manage/calls/<int:call_id>/offers/expire", methods=["POST"])
@form_view
@require(can_manage_applications)
def expire_offers(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(str(form.csrf_error_message), "warning")
        return redirect(url_for("selection.fellows", call_id=call.id))
    count = services.expire_due_offers(utcnow(), call_id=call.id)
    db.session.commit()
    flash(_("Expired offers: %(count)d. Their places were offered to the next on the waiting list.",
            count=count), "success")
    return redirect(url_for("selection.fellows", call_id=call.id))


@bp.route("/manage/applications/<int:application_id>/offer/extend", methods=["GET", "POST"])
@form_view
@require(can_manage_applications)
def extend_offer_deadline(application_id: int):
    application = db.get_or_404(Application, application_id)
    offer = application.offer
    if offer is None:
        abort(404)
    call = application.call
    form = OfferExtensionForm(data={"expected": offer.respond_by.isoformat(),
                                    "respond_by": utc_to_local(offer.respond_by, call.time_zone)})
    if form.validate_on_submit():
        moment = utc_moment(form.respond_by, call.time_zone)
        if moment is not None:
            try:
                extend_offer(offer, respond_by=moment, reason=form.reason.data,
                             actor=current_user, now=utcnow(),
                             expected_respond_by=_moment_or_none(form.expected.data))
            except services.SelectionError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                db.session.commit()
                flash(_("The answer deadline of %(reference)s is now %(moment)s.",
                        reference=offer.application.reference,
                        moment=format_moment(moment, call.time_zone)), "success")
                return redirect(url_for("selection.fellows", call_id=call.id))
    return render_template("selection/extend_offer.html", offer=offer, call=call, form=form)


def _moment_or_none(text: str):
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@bp.route("/applications/<int:application_id>/offer", methods=["GET", "POST"])
@form_view
@login_required
def respond_to_offer(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not is_owner(current_user, application) or application.offer is None \
            or not services.is_published(application.call):
        abort(404)
    offer: Offer = application.offer
    form = OfferResponseForm()
    if offer.state == OfferState.pending and form.validate_on_submit():
        try:
            services.respond_to_offer(offer, accept=form.answer.data == "accept", actor=current_user,
                                      now=utcnow())
        except services.SelectionError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Thank you: you have accepted the fellowship place.") if form.answer.data == "accept"
                  else _("You have declined the fellowship place. Thank you for telling us."), "success")
            return redirect(url_for("applications.view_application", application_id=application.id))
    return render_template("selection/offer.html", application=application, offer=offer, form=form,
                           overdue=offer.respond_by <= utcnow())
