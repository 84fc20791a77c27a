"""The coordinator's messages (/manage/messages) and each person's inbox (/messages)."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_login import current_user

from portal.accounts.models import User
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.forms import form_view
from portal.messages import bp, services
from portal.messages.audiences import count_recipients, recipients_query
from portal.messages.forms import MessageForm
from portal.messages.models import Message, MessageRecipient
from portal.pagination import RowsPagination, requested_page
from portal.permissions import can_send_messages, is_signed_in, require

PER_PAGE = 50


@bp.route("/manage/messages")
@require(can_send_messages)
def list_messages():
    sender = so.aliased(User)
    query = (sa.select(Message.id, Message.sent_at, Message.audience, Message.kind,
                       Message.subject_en, Message.subject_ru, Message.recipient_count,
                       sender.full_name.label("sender_name"),
                       Call.title_en.label("call_en"), Call.title_ru.label("call_ru"))
             .outerjoin(sender, Message.sender_id == sender.id)
             .outerjoin(Call, Message.call_id == Call.id)
             .where(Message.sent_at.is_not(None))
             .order_by(Message.sent_at.desc(), Message.id.desc()))
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE, select=query)
    return render_template("messages/manage_list.html", page=page)


@bp.route("/manage/messages/new", methods=["GET", "POST"])
@form_view
@require(can_send_messages)
def compose():
    form = MessageForm()
    if request.method == "GET":
        _prefill(form)
    if form.validate_on_submit():
        draft = _draft_of(form)
        if form.send.data:
            try:
                message = services.send_message(draft, actor=current_user, now=utcnow())
            except services.MessageError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                db.session.commit()
                flash(ngettext("The message was sent to %(num)d person.",
                               "The message was sent to %(num)d people.",
                               message.recipient_count), "success")
                return redirect(url_for("messages.view_sent", message_id=message.id))
        return render_template("messages/compose.html", form=form, draft=draft,
                               count=_count(draft), previews=_previews(draft))
    return render_template("messages/compose.html", form=form, draft=None)


def _prefill(form: MessageForm) -> None:
    """From the links that open the composer: a call's group, one person, the reminder."""
    call = db.session.get(Call, request.args.get("call_id", 0, type=int))
    if call is not None:
        form.call_id.data = str(call.id)
    if request.args.get("audience") in dict(form.audience.choices):
        form.audience.data = request.args["audience"]
    person = db.session.get(User, request.args.get("person_id", 0, type=int))
    if person is not None:
        form.audience.data, form.person_email.data = "person", person.email
    if call is not None and request.args.get("reminder"):
        form.audience.data, form.kind.data = "drafts", "draft_reminder"
        for name, text in services.draft_reminder(call).items():
            form[name].data = text


def _draft_of(form: MessageForm) -> services.Draft:
    return services.Draft(
        audience=form.audience.data, call_id=form.chosen_call_id,
        person_id=form.chosen_person_id, subject_en=form.subject_en.data.strip(),
        subject_ru=form.subject_ru.data.strip(), body_en=form.body_en.data.strip(),
        body_ru=form.body_ru.data.strip(), kind=form.kind.data)


def _count(draft: services.Draft) -> int:
    return count_recipients(draft.audience, call_id=draft.call_id, person_id=draft.person_id)


def _previews(draft: services.Draft) -> dict[str, dict]:
    """The e-mail as each language's recipients read it, greeting one of them (or the sender)."""
    sample = db.session.scalar(recipients_query(
        draft.audience, call_id=draft.call_id, person_id=draft.person_id).limit(1))
    previews = {}
    for language in services.LANGUAGES:
        with force_locale(language):
            previews[language] = {
                "subject": draft.subject(language),
                "text": render_template("notifications/email/message.txt", body=draft.body(language),
                                        user=sample or current_user, link=url_for("messages.inbox",
                                                                        _external=True)),
            }
    return previews


@bp.route("/manage/messages/<int:message_id>")
@require(can_send_messages)
def view_sent(message_id: int):
    message = db.get_or_404(Message, message_id)
    sender = db.session.get(User, message.sender_id) if message.sender_id else None
    call = db.session.get(Call, message.call_id) if message.call_id else None
    query = (sa.select(User.id, User.full_name, User.email, MessageRecipient.language,
                       MessageRecipient.read_at)
             .join(MessageRecipient, MessageRecipient.user_id == User.id)
             .where(MessageRecipient.message_id == message.id).order_by(User.full_name, User.id))
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE, select=query)
    read = db.session.scalar(sa.select(sa.func.count()).select_from(MessageRecipient).where(
        MessageRecipient.message_id == message.id, MessageRecipient.read_at.is_not(None)))
    return render_template("messages/manage_view.html", message=message, sender=sender,
                           call=call, page=page, read=read)


@bp.route("/messages")
@require(is_signed_in)
def inbox():
    query = (sa.select(Message.id, Message.sent_at, Message.subject_en, Message.subject_ru,
                       MessageRecipient.read_at)
             .join(MessageRecipient, MessageRecipient.message_id == Message.id)
             .where(MessageRecipient.user_id == current_user.id)
             .order_by(Message.sent_at.desc(), Message.id.desc()))
    page = RowsPagination(page=requested_page(), per_page=PER_PAGE, select=query)
    return render_template("messages/inbox.html", page=page)


@bp.route("/messages/<int:message_id>")
@require(is_signed_in)
def read_message(message_id: int):
    found = services.received(current_user, message_id)
    if found is None:
        abort(404)
    recipient, message = found
    services.mark_read(recipient, now=utcnow())
    db.session.commit()
    call = db.session.get(Call, message.call_id) if message.call_id else None
    own_deadline = services.extended_deadlines(message.kind, call, [current_user.id]).get(
        current_user.id)
    return render_template("messages/read.html", message=message, recipient=recipient,
                           call=call, own_deadline=own_deadline)
