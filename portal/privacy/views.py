"""The privacy notice's pages and a person's own data (download, deletion).

Each view: load, check, validate, call one service, commit, redirect.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.accounts import sessions
from portal.accounts.models import PrivacyNotice
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.jobs.files import file_key, send_job_file
from portal.jobs.models import Job
from portal.permissions import can_download_own_data, can_manage_privacy_notice, is_signed_in, require
from portal.privacy import bp, deletion, download, export, hooks, notices
from portal.privacy.forms import AcceptForm, DeleteAccountForm, NoticeForm, PublishForm
from portal.security import safe_next_url


@bp.route("/privacy")
def notice():
    """The version in force, in the reader's language (public)."""
    return render_template("privacy/notice.html", notice=notices.notice_in_force(),
                           text=notices.text)


@bp.route("/privacy/accept", methods=["GET", "POST"])
@form_view
@require(is_signed_in)
def accept_notice():
    current = notices.notice_in_force()
    next_url = safe_next_url(request.values.get("next")) or url_for("main.index")
    if current is None or notices.needs_acceptance(current_user) is None:
        hooks.accepted()
        return redirect(next_url)
    form = AcceptForm()
    if form.validate_on_submit() and form.version.data == current.version:
        notices.accept(current_user, current.version, now=utcnow())
        db.session.commit()
        hooks.accepted()
        return redirect(next_url)
    form.version.data = current.version
    form.next.data = next_url
    return render_template("privacy/accept.html", notice=current, form=form, text=notices.text,
                           changed=current_user.privacy_version is not None)


# The admin's pages.

@bp.route("/admin/privacy")
@require(can_manage_privacy_notice)
def list_notices():
    return render_template("privacy/admin_list.html", versions=notices.versions(),
                           draft=notices.draft(), in_force=notices.version_in_force())


@bp.route("/admin/privacy/new", methods=["POST"])
@require(can_manage_privacy_notice)
def new_notice():
    try:
        notice = notices.start_version(actor=current_user, now=utcnow())
    except notices.NoticeRefused as refused:
        db.session.rollback()
        flash(str(refused), "warning")
        return redirect(url_for("privacy.list_notices"))
    db.session.commit()
    return redirect(url_for("privacy.edit_notice", notice_id=notice.id))


@bp.route("/admin/privacy/<int:notice_id>", methods=["GET", "POST"])
@form_view
@require(can_manage_privacy_notice)
def edit_notice(notice_id: int):
    notice = db.get_or_404(PrivacyNotice, notice_id)
    form = NoticeForm(obj=notice)
    if notice.published_at is None and form.validate_on_submit():
        notices.save_draft(notice, notices.NoticeTexts(
            **{name: (getattr(form, name).data or "").strip() for name in notices.TEXT_FIELDS}),
            actor=current_user)
        db.session.commit()
        flash(_("The draft is saved."), "success")
        return redirect(url_for("privacy.edit_notice", notice_id=notice.id))
    return render_template("privacy/admin_edit.html", notice=notice, form=form,
                           publish_form=PublishForm(), text=notices.text)


@bp.route("/admin/privacy/<int:notice_id>/publish", methods=["POST"])
@form_view
@require(can_manage_privacy_notice)
def publish_notice(notice_id: int):
    notice = db.get_or_404(PrivacyNotice, notice_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            notices.publish(notice, actor=current_user, now=utcnow())
        except notices.NoticeRefused as refused:
            db.session.rollback()
            flash(str(refused), "warning")
            return redirect(url_for("privacy.edit_notice", notice_id=notice.id))
        db.session.commit()
        flash(_("Version %(version)s is published and in force.", version=notice.version),
              "success")
        return redirect(url_for("privacy.list_notices"))
    flash(_("Tick the box to confirm the publication."), "warning")
    return redirect(url_for("privacy.edit_notice", notice_id=notice.id))


# A person's own data.

@bp.route("/account/data")
@require(is_signed_in)
def my_data():
    job = download.current_job(current_user)
    return render_template("privacy/my_data.html", summary=export.summary(current_user),
                           job=job, download_url=download.download_url(job) if job else None,
                           kept_until=download.kept_until(job) if job else None,
                           days=download.DATA_DOWNLOAD_DAYS)


# The old direct download's address: a GET shows the page with the button (it must start
# nothing), a POST starts the job preparing the file.
@bp.route("/account/data.zip", methods=["GET", "POST"])
@require(is_signed_in)
def download_data():
    if request.method == "GET":
        return redirect(url_for("privacy.my_data"))
    job, started = download.start_data_download(current_user)
    db.session.commit()  # the job runs once this commits
    if not started:
        flash(_("Your data is already being prepared: here is its progress."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/account/data/<int:job_id>.zip")
@require(is_signed_in)
def download_data_file(job_id: int):
    """The prepared file of one's own data: nobody else's, and only while it is kept."""
    job = db.session.get(Job, job_id)
    if (job is None or job.kind != download.KIND or file_key(job) is None
            or not can_download_own_data(current_user, job)):
        abort(404)
    try:
        response = send_job_file(job)
    except FileNotFoundError:
        abort(404)
    export.record_download(current_user, applications=job.result.get("applications", 0))
    db.session.commit()
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@form_view
@require(is_signed_in)
def delete_account():
    form = DeleteAccountForm()
    refusal = deletion.refusal(current_user)
    if refusal is None and form.validate_on_submit():
        if not deletion.password_matches(current_user, form.password.data):
            form.password.errors.append(_("The password is not right."))
        else:
            deletion.delete_account(current_user, now=utcnow())
            db.session.commit()
            logout_user()
            sessions.keep_only_language()
            flash(_("Your account is deleted. Thank you for your interest in the programme."),
                  "success")
            return redirect(url_for("main.index"))
    if request.method == "POST" and refusal is not None:
        flash(refusal, "warning")
        return redirect(url_for("privacy.delete_account"))
    return render_template("privacy/delete.html", form=form, refusal=refusal,
                           plan=deletion.plan(current_user))
