"""A job's progress page (/jobs/<id>), its status for the page's script, and "try again"."""

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.jobs import bp
from portal.jobs.models import Job, JobState
from portal.jobs.registry import KINDS
from portal.jobs.services import estimate_left, percent, retry_job
from portal.permissions import can_view_job, is_signed_in, require

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
