"""A job's progress page (/jobs/<id>), its status for the page's script, and "try again"."""

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.extensions import db
from portal.jobs import bp
from portal.jobs.models import Job, JobState
from portal.jobs.registry import KINDS
from portal.jobs.services import estimate_left, percent, retry_job
from portal.pagination import RowsPagination, requested_page
from portal.permissions import can_manage_users, can_view_job, can_view_jobs, is_signed_in, require

STATE_LABELS = {JobState.QUEUED: _l("Waiting"), JobState.RUNNING: _l("Running"),
                JobState.DONE: _l("Done"), JobState.FAILED: _l("Failed")}

# Seconds between two refreshes of the page without JavaScript.
REFRESH_SECONDS = 3


def _visible_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or not can_view_job(current_user, job):
        abort(404)
    return job


def describe(job: Job) -> dict:
    """What the page and its script show of a job, translated."""
    kind = KINDS.get(job.kind)
    step = kind.steps.get(job.step, "") if kind and job.step else ""
    left = estimate_left(job)
    view = {"state": job.state, "percent": percent(job), "done": job.done, "total": job.total,
            "step": str(step), "title": str(kind.title) if kind else job.kind,
            "left": format_timedelta(left, threshold=0.9, add_direction=False) if left else "",
            "result_text": "", "result_url": None}
    if job.state == JobState.DONE and kind is not None:
        view["result_text"] = kind.result_text(job) if kind.result_text else _("Done.")
        view["result_url"] = kind.result_url(job) if kind.result_url else None
    return view


# The calls' and users' names, read without importing their domains (which import this one).
_CALL = sa.table("call", sa.column("id"), sa.column("title_en"), sa.column("title_ru"))
_USER = sa.table("user", sa.column("id"), sa.column("full_name"))
PER_PAGE = 50


@bp.route("/manage/jobs")
@require(can_view_jobs)
def list_jobs():
    query = (sa.select(Job.id, Job.kind, Job.state, Job.done, Job.total, Job.created_at,
                       Job.finished_at, Job.error_id, Job.attempts,
                       _CALL.c.title_en.label("call_en"), _CALL.c.title_ru.label("call_ru"),
                       _USER.c.full_name.label("starter"))
             .outerjoin(_CALL, _CALL.c.id == Job.call_id)
             .outerjoin(_USER, _USER.c.id == Job.started_by_id)
             .order_by(Job.id.desc()))
    if not can_manage_users(current_user):  # coordinators: the calls' work and their own
        query = query.where(sa.or_(Job.call_id.is_not(None), Job.started_by_id == current_user.id))
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE, select=query)
    return render_template("jobs/list.html", page=page, kinds=KINDS, states=STATE_LABELS)


@bp.route("/jobs/<int:job_id>")
@require(is_signed_in)
def show(job_id: int):
    job = _visible_job(job_id)
    return render_template("jobs/progress.html", job=job, view=describe(job),
                           refresh=REFRESH_SECONDS if job.active else None)


@bp.route("/jobs/<int:job_id>/status")
@require(is_signed_in)
def status(job_id: int):
    job = _visible_job(job_id)
    response = jsonify(describe(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@require(is_signed_in)
def retry(job_id: int):
    job = _visible_job(job_id)
    if job.state != JobState.FAILED:
        flash(_("This work has not failed: there is nothing to try again."), "info")
        return redirect(url_for("jobs.show", job_id=job.id))
    fresh, started = retry_job(job, user=current_user)
    db.session.commit()
    if not started:
        flash(_("The same work is already under way: here is its progress."), "info")
    return redirect(url_for("jobs.show", job_id=fresh.id))
