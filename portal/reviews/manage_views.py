"""The coordinator's pages of reviewing: reviewers, assignments, progress, reminders."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role, User, UserRole
from portal.applications.models import Application
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.jobs.services import active_job, start_job
from portal.pagination import RowsPagination, requested_page
from portal.permissions import can_manage_reviews, require
from portal.reviews import bp, services
from portal.reviews.forms import (
    NO_ADMINISTRATION,
    AssignForm,
    BulkAssignForm,
    ConfirmForm,
    InviteReviewerForm,
)
from portal.reviews.jobs import KIND as ASSIGNMENT_JOB
from portal.reviews.models import Assignment, AssignmentState
from portal.reviews.queries import application_progress, reviewer_progress

PER_PAGE = 50  # applications per page of the progress table


def _reviewers(*options) -> list[User]:
    return db.session.scalars(
        sa.select(User).join(UserRole)
        .where(UserRole.role == Role.reviewer, User.is_active_account)
        .options(*options)
        .order_by(User.full_name)).all()


def _reviewer_label(user: User) -> str:
    administration = user.administration.name(get_locale()) if user.administration else "—"
    return f"{user.full_name} ({administration})"


@bp.route("/manage/reviewers", methods=["GET", "POST"])
@form_view
@require(can_manage_reviews)
def list_reviewers():
    form = InviteReviewerForm()
    if form.validate_on_submit():
        code = form.administration_code.data
        user = services.invite_reviewer(email=form.email.data,
                                        full_name=(form.full_name.data or "").strip()
                                        or form.email.data.split("@")[0],
                                        language=form.language.data, actor=current_user,
                                        now=utcnow(),
                                        administration_code=None if code == NO_ADMINISTRATION
                                        else code)
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=user.email), "success")
        return redirect(url_for("reviews.list_reviewers"))
    # The profiles in one more query, not one per reviewer.
    return render_template("reviews/manage_reviewers.html", form=form,
                           reviewers=_reviewers(so.selectinload(User.reviewer_profile)))


@bp.route("/manage/calls/<int:call_id>/assignments")
@require(can_manage_reviews)
def manage_assignments(call_id: int):
    call = db.get_or_404(Call, call_id)
    needs_more = request.args.get("needs_more") == "1"
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE,
                          select=application_progress(call, needs_more=needs_more))
    bulk = BulkAssignForm()
    bulk.reviewer_id.choices = [(r.id, _reviewer_label(r)) for r in _reviewers()]
    return render_template("reviews/manage_assignments.html", call=call, page=page, needs_more=needs_more,
                           per_reviewer=reviewer_progress(call.id), bulk_form=bulk,
                           confirm_form=ConfirmForm(),
                           assignment_job=active_job(ASSIGNMENT_JOB, call.id))


@bp.route("/manage/calls/<int:call_id>/assignments/automatic", methods=["POST"])
@form_view
@require(can_manage_reviews)
def assign_automatically(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(form.csrf_error_message, "warning")
        return redirect(url_for("reviews.manage_assignments", call_id=call.id))
    # A worker assigns (portal/reviews/jobs.py); the coordinator watches its progress page.
    job, started = start_job(ASSIGNMENT_JOB, call=call, user=current_user)
    db.session.commit()
    if not started:
        flash(_("The same work is already under way: here is its progress."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/manage/calls/<int:call_id>/assignments/bulk", methods=["POST"])
@form_view
@require(can_manage_reviews)
def assign_in_bulk(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = BulkAssignForm()
    form.reviewer_id.choices = [(r.id, _reviewer_label(r)) for r in _reviewers()]
    if not form.validate_on_submit():
        flash(_("Choose a reviewer and at least one application."), "warning")
        return redirect(url_for("reviews.manage_assignments", call_id=call.id))
    reviewer = db.session.get(User, form.reviewer_id.data)
    applications = db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.id.in_(form.application_ids.data))).all()
    done, refused = 0, []
    for application in applications:
        try:
            with db.session.begin_nested():
                services.assign_reviewer(application, reviewer, actor=current_user, now=utcnow())
            done += 1
        except services.ReviewError as exc:
            refused.append(_("%(reference)s: %(reason)s", reference=application.reference,
                             reason=exc.message))
    db.session.commit()
    flash(ngettext("%(num)d assignment made.", "%(num)d assignments made.", done), "success")
    for message in refused:
        flash(message, "warning")
    return redirect(url_for("reviews.manage_assignments", call_id=call.id))


@bp.route("/manage/applications/<int:application_id>/assignments", methods=["GET", "POST"])
@form_view
@require(can_manage_reviews)
def assign_by_hand(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.reference is None:
        abort(404)
    form = AssignForm()
    assigned = {a.reviewer_id for a in _assignments_of(application)
                if a.state == AssignmentState.active}
    declared = services.declared_conflicts(application)
    form.reviewer_id.choices = [
        (r.id, _reviewer_label(r)) for r in _reviewers()
        if r.id not in assigned and not services.has_conflict(r, application, declared)]
    if form.validate_on_submit():
        reviewer = db.session.get(User, form.reviewer_id.data)
        try:
            services.assign_reviewer(application, reviewer, actor=current_user, now=utcnow())
        except services.ReviewError as exc:
            db.session.rollback()
            form.reviewer_id.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("%(name)s assigned.", name=reviewer.full_name), "success")
            return redirect(url_for("reviews.assign_by_hand", application_id=application.id))
    return render_template("reviews/assign_by_hand.html", application=application, form=form,
                           assignments=_assignments_of(application), confirm_form=ConfirmForm())


def _assignments_of(application: Application) -> list[Assignment]:
    return db.session.scalars(sa.select(Assignment).where(
        Assignment.application_id == application.id).order_by(Assignment.assigned_at)).all()


@bp.route("/manage/assignments/<int:assignment_id>/release", methods=["POST"])
@form_view
@require(can_manage_reviews)
def release_assignment(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.release_assignment(assignment, actor=current_user, now=utcnow())
        except services.ReviewError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            flash(_("Assignment released."), "info")
    return redirect(url_for("reviews.assign_by_hand", application_id=assignment.application_id))


@bp.route("/manage/calls/<int:call_id>/reminders", methods=["POST"])
@form_view
@require(can_manage_reviews)
def send_reminders(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        count = services.send_reminders(call, actor=current_user)
        db.session.commit()
        flash(ngettext("A reminder was sent to %(num)d reviewer.",
                       "Reminders were sent to %(num)d reviewers.", count), "success")
    return redirect(url_for("reviews.manage_assignments", call_id=call.id))
