"""The form builder's pages, under /manage/calls/<id>/form.

Each view: load the call (and the question or section) or 404, check permission (the
`require` guard), validate the form, call one service, commit, flash, redirect.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.layout import ADJUSTABLE, call_form
from portal.applications.models import DocumentKind
from portal.applications.sections import FORM_SECTIONS
from portal.applications.sections import field_label as builtin_label
from portal.applications.sections import field_names as builtin_names
from portal.applications.services import accepted_types
from portal.bilingual import CONTENT_LANGUAGES
from portal.callforms import bp, queries, services
from portal.callforms.forms import (
    EXTRA_CHOICE_ROWS,
    ActionForm,
    MoveForm,
    NewSectionForm,
    QuestionForm,
    SectionForm,
    new_question_data,
    question_form_data,
    settings_form_class,
)
from portal.calls.models import Call
from portal.calls.services import StaleCall
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.permissions import can_manage_calls, require
from portal.questions import rules
from portal.questions.models import FormSection, Question, QuestionKind, questions_of, sections_of


@bp.route("/manage/calls/<int:call_id>/form")
@require(can_manage_calls)
def form_page(call_id: int):
    call = db.get_or_404(Call, call_id)
    questions = questions_of(call.id, include_retired=True)
    return render_template(
        "callforms/form.html", call=call, locked=services.is_locked(call),
        outline=queries.form_outline(questions, sections_of(call.id)),
        answered=queries.answered_question_ids(call, questions), rule_text=rules.rule_text,
        move_form=MoveForm(), action_form=ActionForm())


# --- Questions -------------------------------------------------------------------------------

@bp.route("/manage/calls/<int:call_id>/form/questions/new", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def add_question(call_id: int):
    call = db.get_or_404(Call, call_id)
    choices = _section_choices(call)
    section_key = request.args.get("section", "")
    try:
        kind = QuestionKind(request.args.get("kind", ""))
    except ValueError:
        kind = None
    if kind is None or section_key not in dict(choices):
        return render_template("callforms/choose_kind.html", call=call, sections=choices,
                               section_key=section_key, kinds=list(QuestionKind))
    form = QuestionForm(data=new_question_data(section_key, kind), section_choices=choices)
    form.offer_rule_operators()
    if form.validate_on_submit():
        try:
            services.save_question(call, None, actor=current_user, data=form.question_data())
        except services.FormError as exc:
            db.session.rollback()
            form.add_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("The question has been added."), "success")
            return redirect(url_for("callforms.form_page", call_id=call.id))
    return _question_page(call, None, form, locked=False, stale=False)


@bp.route("/manage/calls/<int:call_id>/form/questions/<int:question_id>",
          methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def edit_question(call_id: int, question_id: int):
    question = _question_of(call_id, question_id)
    call = db.session.get(Call, call_id)
    locked = services.is_locked(call)
    form = QuestionForm(data=question_form_data(
        question, extra_rows=0 if locked else EXTRA_CHOICE_ROWS),
        section_choices=_section_choices(call), locked_kind=question.kind if locked else None,
        locked_section=question.section_key if locked else None)
    form.offer_rule_operators()
    stale = False
    if form.validate_on_submit():
        try:
            services.save_question(call, question, actor=current_user, data=form.question_data(),
                                   expected_version=form.expected_version())
        except services.StaleQuestion:
            db.session.rollback()
            stale = True  # their entries stay on the page; saving again means "keep mine"
            form.version.data = str(_question_of(call_id, question_id).version)
        except services.FormError as exc:
            db.session.rollback()
            form.add_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(url_for("callforms.form_page", call_id=call_id))
    return _question_page(call, question, form, locked=locked, stale=stale)


def _question_page(call: Call, question: Question | None, form, *, locked: bool, stale: bool):
    if form.shown_kind.has_choices and not locked:
        form.offer_empty_choice_rows()
    return render_template("callforms/question.html", call=call, question=question, form=form,
                           locked=locked, stale=stale, max_size=services.max_file_size_mb())


@bp.route("/manage/calls/<int:call_id>/form/questions/<int:question_id>/move",
          methods=["POST"])
@form_view
@require(can_manage_calls)
def move_question(call_id: int, question_id: int):
    question = _question_of(call_id, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    elif services.move_question(question, actor=current_user, direction=form.direction.data):
        db.session.commit()
        flash(_("The question has been moved."), "success")
    return redirect(url_for("callforms.form_page", call_id=call_id) + f"#question-{question_id}")


@bp.route("/manage/calls/<int:call_id>/form/questions/<int:question_id>/remove",
          methods=["POST"])
@form_view
@require(can_manage_calls)
def remove_question(call_id: int, question_id: int):
    question = _question_of(call_id, question_id)
    form = ActionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    elif services.remove_question(question, actor=current_user, now=utcnow()) == "retired":
        db.session.commit()
        flash(_("The question has answers, so it has been retired: applicants are no longer "
                "asked it, and the answers given are kept."), "success")
    else:
        db.session.commit()
        flash(_("The question has been deleted."), "success")
    return redirect(url_for("callforms.form_page", call_id=call_id))


@bp.route("/manage/calls/<int:call_id>/form/questions/<int:question_id>/restore",
          methods=["POST"])
@form_view
@require(can_manage_calls)
def restore_question(call_id: int, question_id: int):
    question = _question_of(call_id, question_id)
    form = ActionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    else:
        services.restore_question(question, actor=current_user)
        db.session.commit()
        flash(_("The question is asked again."), "success")
    return redirect(url_for("callforms.form_page", call_id=call_id) + f"#question-{question_id}")


# --- The call's own sections -----------------------------------------------------------------

@bp.route("/manage/calls/<int:call_id>/form/sections/new", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def add_section(call_id: int):
    call = db.get_or_404(Call, call_id)
    form = NewSectionForm()
    if form.validate_on_submit():
        try:
            services.add_section(call, actor=current_user, data=form.section_data())
        except services.FormError as exc:
            db.session.rollback()
            form.add_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("The section has been added."), "success")
            return redirect(url_for("callforms.form_page", call_id=call.id))
    return render_template("callforms/section.html", call=call, section=None, form=form)


@bp.route("/manage/calls/<int:call_id>/form/sections/<int:section_id>",
          methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def edit_section(call_id: int, section_id: int):
    section = _section_of(call_id, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        try:
            services.update_section(section, actor=current_user, data=form.section_data())
        except services.FormError as exc:
            db.session.rollback()
            form.add_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("The section has been saved."), "success")
            return redirect(url_for("callforms.form_page", call_id=call_id))
    return render_template("callforms/section.html", call=db.session.get(Call, call_id),
                           section=section, form=form)


@bp.route("/manage/calls/<int:call_id>/form/sections/<int:section_id>/move", methods=["POST"])
@form_view
@require(can_manage_calls)
def move_section(call_id: int, section_id: int):
    section = _section_of(call_id, section_id)
    form = MoveForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    elif services.move_section(section, actor=current_user, direction=form.direction.data):
        db.session.commit()
        flash(_("The section has been moved."), "success")
    return redirect(url_for("callforms.form_page", call_id=call_id) + f"#{section.key}")


@bp.route("/manage/calls/<int:call_id>/form/sections/<int:section_id>/delete",
          methods=["POST"])
@form_view
@require(can_manage_calls)
def delete_section(call_id: int, section_id: int):
    section = _section_of(call_id, section_id)
    form = ActionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
    else:
        try:
            services.delete_section(section, actor=current_user)
        except services.FormError as exc:
            db.session.rollback()
            for _name, message in exc.problems:
                flash(str(message), "danger")
        else:
            db.session.commit()
            flash(_("The section has been deleted."), "success")
    return redirect(url_for("callforms.form_page", call_id=call_id))


# --- The built-in answers and the preview ----------------------------------------------------

@bp.route("/manage/calls/<int:call_id>/form/settings", methods=["GET", "POST"])
@form_view
@require(can_manage_calls)
def form_settings(call_id: int):
    call = db.get_or_404(Call, call_id)
    labels = builtin_answer_labels()
    form_class = settings_form_class(labels)
    saved = dict(call.form_settings or {})
    form = form_class(data={**{name: saved.get(name, services.REQUIRED_SETTING)
                               for name in ADJUSTABLE}, "version": call.version})
    stale = False
    if form.validate_on_submit():
        try:
            services.update_form_settings(
                call, actor=current_user, expected_version=_int(form.version.data),
                settings={name: form[name].data for name in ADJUSTABLE})
        except StaleCall:
            db.session.rollback()
            stale = True
            form.version.data = str(db.session.get(Call, call_id).version)
        except services.FormError as exc:
            db.session.rollback()
            for name, message in exc.problems:
                (form[name].errors.append if name in form else form.form_errors.append)(
                    str(message))
        else:
            db.session.commit()
            flash(_("The settings of the built-in answers have been saved."), "success")
            return redirect(url_for("callforms.form_page", call_id=call_id))
    return render_template("callforms/settings.html", call=call, form=form, stale=stale,
                           groups=_settings_groups(), locked=services.is_locked(call))


@bp.route("/manage/calls/<int:call_id>/form/preview/<lang>")
@require(can_manage_calls)
def preview_form(call_id: int, lang: str):
    if lang not in CONTENT_LANGUAGES:
        abort(404)
    call = db.get_or_404(Call, call_id)
    layout = call_form(call)
    with force_locale(lang):  # the administrations' names, for one, are read in the language
        sections = [(section, layout.form_class(section, lang)(meta={"csrf": False},
                                                               formdata=None)
                     if section.form_class is not None else None)
                    for section in layout.sections]
    return render_template("callforms/preview.html", call=call, lang=lang, layout=layout,
                           sections=sections, required=set(layout.required_documents()),
                           file_limits=_file_limits(layout))


# --- Helpers ---------------------------------------------------------------------------------

def _file_limits(layout) -> dict[str, dict]:
    """Answer key → the types and the largest size in MB of each file question, as the
    applicant's section page says them."""
    largest = services.max_file_size_mb()
    return {q.answer_key: {"types": ", ".join(key.upper() for key in accepted_types(q)),
                           "accept": "", "size": min(largest, q.max_size_mb or largest)}
            for q in layout.questions if q.kind == QuestionKind.file}


def builtin_answer_labels() -> dict[str, str]:
    """The adjustable built-in answers' and documents' names, in the viewer's language."""
    labels = {kind.value: kind.label for kind in DocumentKind}
    for section in FORM_SECTIONS:
        for name in builtin_names(section):
            labels[name] = builtin_label(section, name)
    return {name: labels[name] for name in ADJUSTABLE}


def _settings_groups() -> list[tuple[object, list[str]]]:
    """The adjustable names grouped by the section that asks them, documents last."""
    groups = [(section.title, [n for n in builtin_names(section) if n in ADJUSTABLE])
              for section in FORM_SECTIONS]
    groups.append((_("Documents"), [kind.value for kind in DocumentKind
                                    if kind.value in ADJUSTABLE]))
    return [(title, names) for title, names in groups if names]


def _section_choices(call: Call) -> list[tuple[str, object]]:
    own = sections_of(call.id)
    return [(s.key, s.title) for s in FORM_SECTIONS] + [(s.key, s.text("title")) for s in own]


def _question_of(call_id: int, question_id: int) -> Question:
    """The question, if it belongs to that call (else 404: ids are not to be mixed)."""
    question = db.get_or_404(Question, question_id)
    if question.call_id != call_id:
        abort(404)
    return question


def _section_of(call_id: int, section_id: int) -> FormSection:
    section = db.get_or_404(FormSection, section_id)
    if section.call_id != call_id:
        abort(404)
    return section


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _flash_form_errors(form) -> None:
    for _field_id, _label, message in form.error_items:
        flash(str(message), "warning")
