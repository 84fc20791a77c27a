"""The coordinator's pages over applications: the list of a call's, one in full, screening."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.applications import bp, services
from portal.applications.eligibility import application_problems, flagged_applications
from portal.applications.forms import ScreenOutForm
from portal.applications.layout import call_form
from portal.applications.models import Application, ApplicationState
from portal.applications.queries import (
    administrations_of_call,
    call_applications_query,
    extended_deadlines,
    list_extensions,
)
from portal.calls.deadlines import extension_of
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.pagination import RowsPagination, requested_page
from portal.permissions import can_manage_applications, require
from portal.questions.rules import rule_text
from portal.search import collation_key

PER_PAGE = 50
SORT_LABELS = {
    "submitted": _l("Newest first"),
    "name": _l("Applicant's name"),
    "reference": _l("Reference number"),
    "administration": _l("Administration"),
}


@bp.route("/manage/calls/<int:call_id>/applications")
@require(can_manage_applications)
def list_call_applications(call_id: int):
    call = db.get_or_404(Call, call_id)
    # The call's administrations, named once in the viewer's language: the filter's choices,
    # sorted by name, and the rows' names.
    locale = get_locale()
    administration_names = {a.code: a.name(locale) for a in administrations_of_call(call.id)}
    administration = request.args.get("administration", "")
    filters = {
        "state": request.args.get("state", ""),
        "administration": administration if administration in administration_names else "",
        "language": request.args.get("language", ""),
        "search": request.args.get("q", "").strip()[:100],
        "sort": request.args.get("sort", "submitted"),
    }
    # Columns and filters of later packages (the endorsement's), in the same query.
    extensions = list_extensions(call)
    extra = {name: value for extension in extensions
             for name, value in extension.read_filters(request.args).items()}
    query = call_applications_query(call.id, **filters)
    for extension in extensions:
        query = extension.extend(query, extra)
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE, select=query, error_out=False)
    return render_template("applications/manage_list.html", call=call, page=page,
                           flagged=flagged_applications(call, [row.id for row in page.items]),
                           extended=extended_deadlines(call.id, [row.id for row in page.items]),
                           filters={**filters, **extra}, list_extensions=extensions,
                           states=list(ApplicationState),
                           sort_labels=SORT_LABELS,
                           state_labels={state: state.label for state in ApplicationState},
                           administration_names=administration_names,
                           administration_choices=sorted(administration_names.items(),
                                                         key=lambda item: collation_key(item[1])))


@bp.route("/manage/applications/<int:application_id>")
@require(can_manage_applications)
def manage_application(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.state == ApplicationState.draft:
        abort(404)  # drafts are the applicant's own business until submitted
    layout = call_form(application.call)
    return render_template("applications/manage_view.html", application=application,
                           answers=layout.display_answers(application),
                           failed_rules=[rule_text(question) for question, _why
                                         in layout.rule_failures(application)],
                           eligibility=application_problems(application),
                           extension=extension_of(application.call, application.applicant_id))


@bp.route("/manage/applications/<int:application_id>/screen-out", methods=["GET", "POST"])
@form_view
@require(can_manage_applications)
def screen_out(application_id: int):
    application = db.get_or_404(Application, application_id)
    if application.state == ApplicationState.draft:
        abort(404)
    form = ScreenOutForm()
    if form.validate_on_submit():
        try:
            services.screen_out(application, actor=current_user, reason=form.reason_en.data,
                                reason_ru=form.reason_ru.data, now=utcnow())
        except services.ApplicationError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Application %(reference)s marked as ineligible.",
                    reference=application.reference), "info")
            return redirect(url_for("applications.manage_application",
                                    application_id=application.id))
    return render_template("applications/screen_out.html", application=application, form=form)
