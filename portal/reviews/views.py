"""The reviewer's pages: invitations, profile, dashboard, an application and its review."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applications.layout import call_form
from portal.applications.models import Document
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.i18n import format_moment
from portal.pagination import RowsPagination, requested_page
from portal.permissions import can_download_for_review, can_review, is_assigned_reviewer, require
from portal.reviews import bp, services
from portal.reviews.blind import hidden_from_reviewers, reviewer_answers, reviewer_documents
from portal.reviews.forms import ConflictForm, ReviewerProfileForm, review_form_class
from portal.reviews.models import Assignment
from portal.reviews.queries import reviewer_assignments, reviewer_workload
from portal.storage import send_stored

PER_PAGE = 50


def _own_assignment(assignment_id: int) -> Assignment:
    """The signed-in reviewer's active assignment, or 404: others' do not exist for them."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not is_assigned_reviewer(current_user, assignment):
        abort(404)
    return assignment


@bp.route("/reviews/")
@require(can_review)
def dashboard():
    assigned, submitted = reviewer_workload(current_user)
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE,
                          select=reviewer_assignments(current_user), error_out=False, count=False)
    page.total = assigned  # the same rows: the workload's count spares the list its own
    # A reviewer's rows belong to a call or two: their texts are made once per call.
    calls = db.session.scalars(
        sa.select(Call).where(Call.id.in_({row.call_id for row in page.items}))
        .options(so.load_only(Call.id, Call.title_en, Call.title_ru, Call.review_deadline))).all()
    return render_template("reviews/dashboard.html", page=page, assigned=assigned,
                           submitted=submitted,
                           call_texts={call.id: (call.text("title"),
                                                 format_moment(call.review_deadline))
                                       for call in calls})


@bp.route("/reviews/profile", methods=["GET", "POST"])
@form_view
@require(can_review)
def edit_profile():
    profile = current_user.reviewer_profile  # None until first saved
    form = ReviewerProfileForm(obj=profile, data=None if profile else {
        "reads_en": True, "reads_ru": current_user.preferred_language == "ru",
        "max_reviews_per_call": 20})
    if form.validate_on_submit():
        services.update_reviewer_profile(
            current_user, reads_en=form.reads_en.data, reads_ru=form.reads_ru.data,
            expertise=form.expertise.data or "",
            max_reviews_per_call=form.max_reviews_per_call.data)
        db.session.commit()
        flash(_("Your reviewer profile has been saved."), "success")
        return redirect(url_for("reviews.dashboard"))
    return render_template("reviews/profile.html", form=form)


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@form_view
@login_required
def review(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    application = assignment.application
    existing = assignment.review
    form_class = review_form_class(application.call)
    form = form_class(data=_form_data(existing))
    if form.validate_on_submit():
        submit = bool(form.submit.data)
        try:
            services.save_review(
                assignment, scores=_scores(form, application.call), comments=form.comments.data or "",
                recommendation=form.recommendation.data or None,
                confidence=form.confidence.data or None,
                expected_version=_int(form.version.data), submit=submit, now=utcnow())
        except services.ReviewError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
            for field, message in zip(exc.fields, exc.problems, strict=True):
                if field in form:  # linked from the summary to the criterion it concerns
                    form[field].errors = [*form[field].errors, str(message)]
                else:
                    form.form_errors.append(str(message))
        else:
            db.session.commit()
            flash(_("Your review has been submitted.") if submit
                  else _("Your draft has been saved."), "success")
            return redirect(url_for("reviews.review", assignment_id=assignment.id))
    layout = call_form(application.call)  # read once for the answers and what is hidden
    return render_template(
        "reviews/review.html", assignment=assignment, application=application, form=form,
        answers=reviewer_answers(application, layout),
        documents=reviewer_documents(application),
        hidden=hidden_from_reviewers(application, layout),
        other_reviews=services.other_reviews_visible(assignment))


def _form_data(review) -> dict:
    if review is None:
        return {"version": 0}
    data = {f"score_{key}": value for key, value in review.scores.items()}
    data.update(version=review.version, comments=review.comments,
                recommendation=review.recommendation.value if review.recommendation else None,
                confidence=review.confidence)
    return data


def _scores(form, call) -> dict:
    return {str(c.id): form[f"score_{c.id}"].data for c in call.criteria}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@bp.route("/reviews/<int:assignment_id>/documents/<int:document_id>")
@login_required
def download_document(assignment_id: int, document_id: int):
    assignment = _own_assignment(assignment_id)
    document = db.session.get(Document, document_id)
    if document is None or not can_download_for_review(current_user, assignment, document):
        abort(404)  # another application's, or one a blind reviewer is not shown
    name = dict(reviewer_documents(assignment.application))[document]
    return send_stored(document.storage_key, mimetype=document.content_type,
                       as_attachment=True, download_name=name, max_age=0)


@bp.route("/reviews/<int:assignment_id>/conflict", methods=["GET", "POST"])
@form_view
@login_required
def declare_conflict(assignment_id: int):
    assignment = _own_assignment(assignment_id)
    form = ConflictForm()
    if form.validate_on_submit():
        services.declare_conflict(assignment, reviewer=current_user,
                                  reason=form.reason.data or "", now=utcnow())
        db.session.commit()
        flash(_("Thank you. The application has been taken off your list and the "
                "coordinators have been told."), "info")
        return redirect(url_for("reviews.dashboard"))
    return render_template("reviews/conflict.html", assignment=assignment, form=form,
                           next_url=request.path)
