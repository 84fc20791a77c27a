"""The applicant's pages: start, sections, documents, check your answers, submit, withdraw."""

import json
from datetime import date

import sqlalchemy.orm as so
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import DateField

from portal.applications import bp, services
from portal.applications.eligibility import application_problems
from portal.applications.forms import ConfirmForm, StartForm, SubmitForm
from portal.applications.layout import CallForm, call_form
from portal.applications.models import Application
from portal.applications.queries import applications_of
from portal.calls.deadlines import accepts_from, deadline_for, deadlines_for, extended_until
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_apply, can_view_application, is_owner
from portal.questions.models import QuestionKind
from portal.questions.rules import failure_message


def own_application_by_id(application_id: int) -> Application:
    """The signed-in applicant's application, or 404: others' applications do not exist."""
    # Its sections and documents joined to it (a handful of rows each) rather than read with
    # two more queries: every step of an application starts here.
    application = db.session.get(Application, application_id, options=[
        so.joinedload(Application.sections), so.joinedload(Application.documents)])
    if application is None or not is_owner(current_user, application):
        abort(404)
    return application


def own_application(call: Call) -> Application | None:
    """The signed-in user's application to the call, for the call's public page (one query;
    none for visitors), so that it offers no "Apply" to who has applied."""
    if not current_user.is_authenticated:
        return None
    return services.find_application(call, current_user)


@bp.route("/applications/")
@login_required
def dashboard():
    now = utcnow()
    applications = applications_of(current_user)
    rows = [(application, services.applicant_status(application, now))
            for application in applications]
    return render_template("applications/dashboard.html", rows=rows,
                           deadlines=deadlines_for([a.call for a in applications], current_user))


@bp.route("/applications/new/<int:call_id>", methods=["GET", "POST"])
@form_view
@login_required
def start_application(call_id: int):
    call = db.get_or_404(Call, call_id)
    existing = services.find_application(call, current_user)
    if existing is not None:
        return redirect(url_for("applications.view_application", application_id=existing.id))
    if not accepts_from(call, current_user, utcnow()):
        abort(404)
    if not can_apply(current_user):
        return render_template("applications/verify_first.html", call=call), 403
    form = StartForm(data={"language": current_user.preferred_language})
    if form.validate_on_submit():
        application = services.start_application(call, applicant=current_user,
                                                 language=form.language.data, now=utcnow())
        db.session.commit()
        return redirect(url_for("applications.edit_section", application_id=application.id,
                                key="personal"))
    return render_template("applications/start.html", form=form, call=call,
                           deadline=deadline_for(call, current_user),
                           extended_until=extended_until(call, current_user))


@bp.route("/applications/<int:application_id>")
@login_required
def view_application(application_id: int):
    application = own_application_by_id(application_id)
    now = utcnow()
    layout = call_form(application.call)
    return render_template("applications/overview.html", application=application,
                           progress=layout.progress(application),
                           answers=layout.display_answers(application),
                           status=services.applicant_status(application, now),
                           editable=services.is_editable(application, now),
                           missed_deadline=services.missed_deadline(application, now),
                           deadline=deadline_for(application.call, application.applicant_id),
                           extended_until=extended_until(application.call,
                                                         application.applicant_id))


@bp.route("/applications/<int:application_id>/sections/<key>", methods=["GET", "POST"])
@form_view
@login_required
def edit_section(application_id: int, key: str):
    application = own_application_by_id(application_id)
    layout = call_form(application.call)
    section = layout.section(key)
    if section is None or section.form_class is None:
        abort(404)
    # A page loaded in time keeps its text when it is sent late (the save then says so).
    if not application.is_draft or (request.method == "GET"
                                    and not services.is_editable(application, utcnow())):
        return redirect(url_for("applications.view_application", application_id=application.id))
    stored = application.section(key)
    form_class = layout.form_class(section)
    form = form_class(data={**layout.form_data(section, _stored_answers(form_class, stored)),
                            "version": stored.version if stored else 0})
    saved_version, saved = None, False
    if form.validate_on_submit():
        try:
            result = services.save_section(
                application, key, answers=_sent_answers(layout, section, form),
                expected_version=_int(form.version.data), now=utcnow(),
                files=_uploads(section, form), actor=current_user, form=layout)
        except services.StaleSection as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
            saved_version = application.section(key)
        except services.ApplicationError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            application_id = application.id  # read before the commit expires the object
            db.session.commit()
            saved = True
            if not result.file_errors:
                return _after_save(application_id, key, result, layout)
            # The answers are saved; the refused files are said beside their fields.
            flash(_("Your answers were saved, but a file was not: see below."), "warning")
            for name, message in result.file_errors.items():
                form[name].errors = [*form[name].errors, str(message)]
            stored = application.section(key)
            form.version.data = stored.version
    if request.method == "POST" and not saved:
        _ask_for_files_again(section, form)
    return render_template("applications/section.html", application=application,
                           section=section, form=form, progress=layout.progress(application),
                           saved_version=saved_version,
                           saved_rows=_saved_rows(layout, section, saved_version, application),
                           missing=_still_missing(layout, section, stored, application),
                           questions=layout.by_answer_key,
                           rule_failures=_rule_failures(layout, section, application),
                           rule_attributes=_rule_attributes(section),
                           file_limits=_file_limits(section),
                           files=_answer_files(application),
                           editable=services.is_editable(application, utcnow()))


def _uploads(section, form) -> dict:
    """The files sent for the section's file questions."""
    return {question: form[question.answer_key].data for question in section.questions
            if question.kind == QuestionKind.file}


def _saved_rows(layout: CallForm, section, saved, application) -> list[tuple[str, str]]:
    """(label, text) of the answers saved in another window, to show beside the page's."""
    if saved is None:
        return []
    rows = {shown.key: rows for shown, rows in layout.display_answers(application)}.get(
        section.key, [])
    return [(label, value) for label, value in rows if value]


def _sent_answers(layout: CallForm, section, form) -> dict:
    """The answers the page sent. A question the page did not ask (added, or asked again,
    after it was loaded) is left out, so that the save keeps its stored answer; the page
    names the questions it asks ("asked"), so that a choice cleared still counts as sent."""
    answers = layout.answers_from(section, form)
    sent = set(request.form) | set(request.files) | set(request.form.getlist("asked"))
    return {name: value for name, value in answers.items()
            if name not in layout.by_answer_key or name in sent}


def _ask_for_files_again(section, form) -> None:
    """A file chosen on a page that was not saved is not kept (a browser cannot choose it
    again by itself): say so beside its field."""
    for question, upload in _uploads(section, form).items():
        field = form[question.answer_key]
        if getattr(upload, "filename", "") and not field.errors:
            field.errors = [*field.errors, _(
                "The file was not uploaded because the page could not be saved: choose it "
                "again.")]


def _rule_failures(layout: CallForm, section, application) -> dict[str, str]:
    """Answer key → why its saved answer makes the application ineligible."""
    return {question.answer_key: why for question, why in layout.rule_failures(application)
            if question.section_key == section.key}


def _rule_attributes(section) -> dict[str, dict]:
    """Answer key → the data attributes with which the page's script checks an answer
    against its question's eligibility rule as soon as it changes (portal.js)."""
    return {question.answer_key: {
        "data-rule-kind": question.kind.value,
        "data-rule-operator": question.rule_operator.value,
        "data-rule-value": json.dumps(question.rule_value),
        "data-rule-message": failure_message(question),
        "data-rule-target": f"{question.answer_key}-rule",
    } for question in section.questions if question.has_rule}


# The extensions a file chooser offers for each accepted type (the content is what counts).
EXTENSIONS_OF_TYPE = {"pdf": ".pdf", "jpeg": ".jpg,.jpeg", "png": ".png", "docx": ".docx",
                      "xlsx": ".xlsx"}


def _file_limits(section) -> dict[str, dict]:
    """Answer key → the types (for people and for the file chooser) and the largest size in MB
    of each file question of the section."""
    largest = current_app.config["MAX_DOCUMENT_SIZE"] // (1024 * 1024)
    limits = {}
    for question in section.questions:
        if question.kind == QuestionKind.file:
            types = services.accepted_types(question)
            limits[question.answer_key] = {
                "types": ", ".join(key.upper() for key in types),
                "accept": ",".join(EXTENSIONS_OF_TYPE.get(key, "") for key in types),
                "size": min(largest, question.max_size_mb or largest)}
    return limits


def _answer_files(application) -> dict[int, list]:
    files = {}
    for document in application.documents:
        if document.question_id is not None:
            files.setdefault(document.question_id, []).append(document)
    return files


def _still_missing(layout: CallForm, section, stored, application) -> list[str]:
    """The required answers a saved section lacks, to mark beside their fields (a section
    never saved yet is not marked: nothing has been left out of it so far)."""
    if stored is None or stored.version == 0:
        return []
    return layout.missing_answers(section, stored.answers, application)


def _after_save(application_id: int, key: str, result, layout: CallForm):
    if result.rule_failures:
        flash(_("Saved. Your answers do not meet this call's eligibility rules: %(rules)s",
                rules=" ".join(why for _question, why in result.rule_failures)), "danger")
        return redirect(url_for("applications.edit_section", application_id=application_id,
                                key=key))
    if not result.complete:
        flash(_("Saved as a draft. Before you can submit, please also fill in: %(fields)s.",
                fields=", ".join(result.missing)), "warning")
        return redirect(url_for("applications.edit_section", application_id=application_id,
                                key=key))
    flash(_("Section saved."), "success")
    following = layout.next_section(key)
    if following is None:
        return redirect(url_for("applications.check_answers", application_id=application_id))
    if following.form_class is None:
        return redirect(url_for("applications.documents", application_id=application_id))
    return redirect(url_for("applications.edit_section", application_id=application_id,
                            key=following.key))


def _stored_answers(form_class, stored) -> dict:
    """The saved answers as the form wants them: ISO date strings become dates."""
    answers = dict(stored.answers) if stored else {}
    for name, value in answers.items():
        field = getattr(form_class, name, None)
        if field is not None and field.field_class is DateField and isinstance(value, str):
            try:
                answers[name] = date.fromisoformat(value)
            except ValueError:
                answers[name] = None
    return answers


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@bp.route("/applications/<int:application_id>/check")
@login_required
def check_answers(application_id: int):
    application = own_application_by_id(application_id)
    if services.missed_deadline(application, utcnow()):
        return redirect(url_for("applications.view_application", application_id=application.id))
    return _check_page(application, SubmitForm())


def _check_page(application: Application, form, problems=None):
    """The answers to check, what is missing, which of the call's eligibility rules the
    answers break (submission is refused), what contradicts its checked conditions (a
    warning: the coordinators decide) and, while it can succeed, the declaration."""
    editable = services.is_editable(application, utcnow())
    layout = call_form(application.call)
    return render_template("applications/check.html", application=application,
                           problems=problems or services.submission_problems(application, layout),
                           rule_failures=services.rule_failures(application, layout)
                           if editable else [],
                           answers=layout.display_answers(application),
                           form=form, progress=layout.progress(application), editable=editable,
                           extended_until=extended_until(application.call,
                                                         application.applicant_id),
                           eligibility=application_problems(application) if editable else [])


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@form_view
@login_required
def submit(application_id: int):
    application = own_application_by_id(application_id)
    form = SubmitForm()
    problems = []
    if form.validate_on_submit():
        try:
            services.submit_application(application, actor=current_user, now=utcnow())
        except services.IncompleteApplication as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
            problems = [str(p) for p in exc.problems]
        except services.ApplicationError as exc:  # the rules broken are listed on the page
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            return redirect(url_for("applications.submitted", application_id=application.id))
    return _check_page(application, form, problems), 200


@bp.route("/applications/<int:application_id>/submitted")
@login_required
def submitted(application_id: int):
    application = own_application_by_id(application_id)
    if application.reference is None:
        return redirect(url_for("applications.view_application", application_id=application.id))
    return render_template("applications/submitted.html", application=application)


@bp.route("/applications/<int:application_id>/pdf")
@login_required
def download_pdf(application_id: int):
    from portal.applications.pdf import application_pdf

    application = db.session.get(Application, application_id)
    if application is None or not can_view_application(current_user, application) \
            or application.reference is None:
        abort(404)
    return send_file(application_pdf(application), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{application.reference}.pdf",
                     max_age=0)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@form_view
@login_required
def withdraw(application_id: int):
    application = own_application_by_id(application_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw_application(application, actor=current_user, now=utcnow())
        except services.ApplicationError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Your application has been withdrawn."), "info")
            return redirect(url_for("applications.dashboard"))
    return render_template("applications/withdraw.html", application=application, form=form)
