"""Who may reach what: every route against every role, and every predicate.

A new route fails `test_every_route_has_an_entry` until it is added to ROUTES here.
"""

import pytest

from portal import permissions
from portal.accounts.models import Role

ROLES = ["anonymous", "applicant", "reviewer", "coordinator", "admin", "nominator"]

PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}
ADMIN_ONLY = {"anonymous": 302, "applicant": 403, "reviewer": 403, "coordinator": 403,
              "admin": 200, "nominator": 403}
VISITORS_ONLY = {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}
COORDINATOR_ONLY = {"anonymous": 302, "applicant": 403, "reviewer": 403, "coordinator": 200,
                    "admin": 403, "nominator": 403}
# Someone else's application: it does not exist for anyone but its owner...
NOT_OWNER = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404)}
# ... except that coordinators read submitted applications and their files.
OWNER_OR_COORDINATOR = {**NOT_OWNER, "coordinator": 200}
COORDINATOR_POST = {**COORDINATOR_ONLY, "coordinator": 302}  # the action, then back to the page
COORDINATOR_OR_ADMIN = {**COORDINATOR_ONLY, "admin": 200}


class _CallPage(str):
    """A call page's address that names more than the call's id: a criterion's id, the slug.

    Formatting fills them in from the call given as `call_id`, else from a new open call.
    """

    def format(self, **ids):
        from portal.calls.models import Call, CallState
        from portal.extensions import db
        from tests.calls.factories import make_call

        call = db.session.get(Call, ids["call_id"]) if "call_id" in ids else make_call(
            CallState.open)
        return str(self).format(**{**ids, "call_id": call.id, "slug": call.slug,
                                   "criterion_id": call.criteria[0].id})


class _FormPage(str):
    """A page of a call's form builder that names a question or a section of the call's own:
    one of each is made in the call given as `call_id`."""

    def format(self, **ids):
        from portal.extensions import db
        from portal.questions.models import FormSection, Question, QuestionKind

        question = Question(call_id=ids["call_id"], section_key="professional",
                            kind=QuestionKind.short_text, text_en="Theme", text_ru="Тема")
        section = FormSection(call_id=ids["call_id"], key="extra-1", title_en="More",
                              title_ru="Ещё")
        db.session.add_all([question, section])
        db.session.commit()
        return str(self).format(**{**ids, "question_id": question.id, "section_id": section.id})


class _FocalPointPage(str):
    """A page of one focal point of Azerbaijan's administration (one is made for it)."""

    def format(self, **ids):
        from portal.administrations.models import FocalPoint
        from portal.extensions import db

        focal_point = FocalPoint(administration_code="AZ", user_id=ids["user_id"], title="Head")
        db.session.add(focal_point)
        db.session.commit()
        return str(self).format(**{**ids, "focal_point_id": focal_point.id})


class _MessagePage(str):
    """A page of a message sent to the user given as `user_id` (one is made for it)."""

    def format(self, **ids):
        from portal.database import utcnow
        from portal.extensions import db
        from portal.messages.models import Message, MessageRecipient

        message = Message(audience="person", person_id=ids["user_id"], subject_en="News",
                          subject_ru="Новости", body_en="Text", body_ru="Текст",
                          sent_at=utcnow(), recipient_count=1)
        db.session.add(message)
        db.session.flush()
        db.session.add(MessageRecipient(message_id=message.id, user_id=ids["user_id"]))
        db.session.commit()
        return str(self).format(**{**ids, "message_id": message.id})


class _JobPage(str):
    """A page of a failed job started by the user given as `user_id`, for no call (one is made
    for it): only its starter and admins see it (tests/jobs try a call's job with coordinators)."""

    def format(self, **ids):
        from portal.extensions import db
        from portal.jobs.models import Job, JobState

        job = Job(kind="ranking", started_by_id=ids["user_id"], state=JobState.FAILED,
                  error_id="abc123")
        db.session.add(job)
        db.session.commit()
        return str(self).format(**{**ids, "job_id": job.id})


class _JobFile(str):
    """The address of a file a done job made: an export of the call given as `call_id` (its
    coordinators download it), else the own data of the user given as `user_id` (only they)."""

    def format(self, **ids):
        import io

        from portal.extensions import db
        from portal.jobs.models import Job, JobState
        from portal.storage import storage

        stored = storage().save(io.BytesIO(b"a,b\n"), max_size=100)
        result = {"key": stored.key, "name": "file.csv", "content_type": "text/csv",
                  "size": stored.size}
        if "call_id" in ids:
            job = Job(kind="export-applications-csv", call_id=ids["call_id"], result=result,
                      state=JobState.DONE)
        else:
            job = Job(kind="data-download", started_by_id=ids["user_id"], state=JobState.DONE,
                      params={"user_id": ids["user_id"], "lock": f"user:{ids['user_id']}"},
                      result=result)
        db.session.add(job)
        db.session.commit()
        return str(self).format(**{**ids, "job_id": job.id})


class _NoticePage(str):
    """A page of a draft of the privacy notice (one is made for it)."""

    def format(self, **ids):
        from portal.accounts.models import PrivacyNotice
        from portal.extensions import db

        notice = PrivacyNotice(version=1, text_en="Notice", text_ru="Уведомление")
        db.session.add(notice)
        db.session.commit()
        return str(self).format(**{**ids, "notice_id": notice.id})


ADMIN_POSTS = {**ADMIN_ONLY, "admin": 302}  # the action, then back to the page
REVIEWER_ONLY = {"anonymous": 302, "applicant": 403, "reviewer": 200, "coordinator": 403,
                 "admin": 403, "nominator": 403}
COORDINATOR_POSTS = {**COORDINATOR_ONLY, "coordinator": 302}
# Admins and coordinators: the action, then back to the page.
STAFF_POSTS = {**COORDINATOR_OR_ADMIN, "coordinator": 302, "admin": 302}
# The focal points' pages: only nominators reach them, and the matrix's nominator is no focal
# point of the application's administration, so its candidates do not exist for them
# (tests/endorsements/test_views.py tries a focal point of another administration).
NOMINATOR_ONLY = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 403), "nominator": 200}
NOT_THEIR_CANDIDATE = {**NOMINATOR_ONLY, "nominator": 404}

# An admin's action on a user: done, then back to the user's page.
ADMIN_POSTS = {**ADMIN_ONLY, "admin": 302}

# endpoint: (method, url, expected status per role)
ROUTES = {
    "main.index": ("GET", "/", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.set_language_choice": ("POST", "/language", dict.fromkeys(ROLES, 302)),
    "accounts.register": ("GET", "/register", VISITORS_ONLY),
    "accounts.registered": ("GET", "/register/check-your-email", dict.fromkeys(ROLES, 302)),
    "accounts.verify_email": ("GET", "/verify-email/not-a-token", dict.fromkeys(ROLES, 400)),
    "accounts.resend_verification": ("POST", "/account/resend-verification",
                                     dict.fromkeys(ROLES, 302)),
    "accounts.login": ("GET", "/login", VISITORS_ONLY),
    "accounts.logout": ("POST", "/logout", dict.fromkeys(ROLES, 302)),
    "accounts.request_password_reset": ("GET", "/password/forgot", PUBLIC),
    "accounts.reset_password": ("GET", "/password/reset/not-a-token", dict.fromkeys(ROLES, 400)),
    "accounts.accept_invitation": ("GET", "/invitation/not-a-token", dict.fromkeys(ROLES, 400)),
    "accounts.profile": ("GET", "/account", SIGNED_IN),
    "accounts.change_password": ("GET", "/account/password", SIGNED_IN),
    "accounts.list_users": ("GET", "/admin/users", ADMIN_ONLY),
    "accounts.edit_user": ("GET", "/admin/users/{user_id}", ADMIN_ONLY),
    # The preview of merging the user into themselves: refused, on a page that says so.
    "accounts.new_user": ("GET", "/admin/users/new", ADMIN_ONLY),
    "accounts.resend_confirmation": ("POST", "/admin/users/{user_id}/resend-confirmation",
                                     ADMIN_POSTS),
    "accounts.send_password_reset": ("POST", "/admin/users/{user_id}/password-reset",
                                     ADMIN_POSTS),
    "accounts.deactivate_user": ("POST", "/admin/users/{user_id}/deactivate", ADMIN_POSTS),
    "accounts.reactivate_user": ("POST", "/admin/users/{user_id}/reactivate", ADMIN_POSTS),
    "accounts.change_email": ("GET", "/account/email", SIGNED_IN),
    "accounts.confirm_email_change": ("GET", "/account/email/confirm/not-a-token",
                                      dict.fromkeys(ROLES, 400)),
    "accounts.merge_user": ("GET", "/admin/users/{user_id}/merge?duplicate={user_id}",
                            ADMIN_ONLY),
    "administrations.list_administrations": ("GET", "/admin/administrations",
                                             COORDINATOR_OR_ADMIN),
    "administrations.new_administration": ("GET", "/admin/administrations/new", ADMIN_ONLY),
    "administrations.edit_administration": ("GET", "/admin/administrations/AZ", ADMIN_ONLY),
    "administrations.focal_points": ("GET", "/admin/administrations/AZ/focal-points",
                                     COORDINATOR_OR_ADMIN),
    "administrations.remove_focal_point": ("POST", _FocalPointPage(
        "/admin/administrations/AZ/focal-points/{focal_point_id}/remove"), STAFF_POSTS),
    "administrations.resend_focal_point_invitation": ("POST", _FocalPointPage(
        "/admin/administrations/AZ/focal-points/{focal_point_id}/resend"), STAFF_POSTS),
    "applications.dashboard": ("GET", "/applications/", SIGNED_IN),
    "applications.start_application": ("GET", "/applications/new/{call_id}", SIGNED_IN),
    "applications.view_application": ("GET", "/applications/{application_id}", NOT_OWNER),
    "applications.edit_section": ("GET", "/applications/{application_id}/sections/personal",
                                  NOT_OWNER),
    "applications.documents": ("GET", "/applications/{application_id}/documents", NOT_OWNER),
    "applications.remove_document": (
        "POST", "/applications/{application_id}/documents/{document_id}/remove", NOT_OWNER),
    "applications.download_document": (
        "GET", "/applications/{application_id}/documents/{document_id}", OWNER_OR_COORDINATOR),
    "applications.check_answers": ("GET", "/applications/{application_id}/check", NOT_OWNER),
    "applications.submit": ("POST", "/applications/{application_id}/submit", NOT_OWNER),
    "applications.submitted": ("GET", "/applications/{application_id}/submitted", NOT_OWNER),
    "applications.download_pdf": ("GET", "/applications/{application_id}/pdf",
                                  OWNER_OR_COORDINATOR),
    "applications.withdraw": ("GET", "/applications/{application_id}/withdraw", NOT_OWNER),
    "applications.list_call_applications": ("GET", "/manage/calls/{call_id}/applications",
                                            COORDINATOR_ONLY),
    "calls.list_extensions": ("GET", "/manage/calls/{call_id}/extensions?q=someone",
                              COORDINATOR_ONLY),
    "calls.edit_extension": ("GET", "/manage/calls/{call_id}/extensions/{user_id}",
                             COORDINATOR_ONLY),
    "calls.remove_extension": ("POST", "/manage/calls/{call_id}/extensions/{user_id}/remove",
                               COORDINATOR_ONLY),
    "applications.manage_application": ("GET", "/manage/applications/{application_id}",
                                        COORDINATOR_ONLY),
    "applications.screen_out": ("GET", "/manage/applications/{application_id}/screen-out",
                                COORDINATOR_ONLY),
    "reviews.dashboard": ("GET", "/reviews/", REVIEWER_ONLY),
    "reviews.edit_profile": ("GET", "/reviews/profile", REVIEWER_ONLY),
    # Someone else's assignment: it does not exist for other reviewers either.
    "reviews.review": ("GET", "/reviews/{assignment_id}", NOT_OWNER),
    "reviews.declare_conflict": ("GET", "/reviews/{assignment_id}/conflict", NOT_OWNER),
    "reviews.download_document": (
        "GET", "/reviews/{assignment_id}/documents/{document_id}", NOT_OWNER),
    "reviews.list_reviewers": ("GET", "/manage/reviewers", COORDINATOR_ONLY),
    "reviews.manage_assignments": ("GET", "/manage/calls/{call_id}/assignments",
                                   COORDINATOR_ONLY),
    "reviews.assign_automatically": ("POST", "/manage/calls/{call_id}/assignments/automatic",
                                     COORDINATOR_POSTS),
    "reviews.assign_in_bulk": ("POST", "/manage/calls/{call_id}/assignments/bulk",
                               COORDINATOR_POSTS),
    "reviews.assign_by_hand": ("GET", "/manage/applications/{application_id}/assignments",
                               COORDINATOR_ONLY),
    "reviews.release_assignment": ("POST", "/manage/assignments/{assignment_id}/release",
                                   COORDINATOR_POSTS),
    "reviews.send_reminders": ("POST", "/manage/calls/{call_id}/reminders", COORDINATOR_POSTS),
    "endorsements.call_endorsements": ("GET", "/manage/calls/{call_id}/endorsements",
                                        COORDINATOR_ONLY),
    "endorsements.screen_out_non_endorsed": (
        "GET", "/manage/calls/{call_id}/endorsements/screen-out", COORDINATOR_ONLY),
    "selection.ranking": ("GET", "/manage/calls/{call_id}/ranking", COORDINATOR_ONLY),
    # (refused for an open call: the ranking again, the reason beside the form)
    "selection.fill_places": ("POST", "/manage/calls/{call_id}/fill", COORDINATOR_ONLY),
    "selection.decide": ("GET", "/manage/applications/{application_id}/decision", COORDINATOR_ONLY),
    "selection.publish": ("GET", "/manage/calls/{call_id}/publish", COORDINATOR_ONLY),
    "selection.fellows": ("GET", "/manage/calls/{call_id}/fellows", COORDINATOR_ONLY),
    "selection.expire_offers": ("POST", "/manage/calls/{call_id}/offers/expire", COORDINATOR_POSTS),
    # Someone else's offer does not exist for anyone but its owner.
    "selection.respond_to_offer": ("GET", "/applications/{application_id}/offer", NOT_OWNER),
    # An application not yet published has no offer: 404 for coordinators (tests/selection).
    "selection.extend_offer_deadline": ("GET", "/manage/applications/{application_id}/offer/extend",
                                        {**COORDINATOR_ONLY, "coordinator": 404}),
    "endorsements.index": ("GET", "/endorsements/", NOMINATOR_ONLY),
    "endorsements.call_candidates": ("GET", "/endorsements/calls/{call_id}", NOT_THEIR_CANDIDATE),
    "endorsements.candidate": ("GET", "/endorsements/applications/{application_id}",
                               NOT_THEIR_CANDIDATE),
    "endorsements.endorse": ("POST", "/endorsements/applications/{application_id}/endorse",
                             NOT_THEIR_CANDIDATE),
    "endorsements.decline": ("POST", "/endorsements/applications/{application_id}/decline",
                             NOT_THEIR_CANDIDATE),
    "endorsements.set_priority": ("POST", "/endorsements/applications/{application_id}/priority",
                                  NOT_THEIR_CANDIDATE),
    "endorsements.move": ("POST", "/endorsements/applications/{application_id}/move",
                          NOT_THEIR_CANDIDATE),
    "endorsements.download_document": (
        "GET", "/endorsements/applications/{application_id}/documents/{document_id}",
        NOT_THEIR_CANDIDATE),
    "endorsements.download_pdf": ("GET", "/endorsements/applications/{application_id}/pdf",
                                  NOT_THEIR_CANDIDATE),
    "endorsements.download_letter": ("GET", "/endorsements/applications/{application_id}/letter",
                                     NOT_THEIR_CANDIDATE),
    "endorsements.request_endorsement": ("POST", "/applications/{application_id}/endorsement",
                                         NOT_OWNER),
    "reports.index": ("GET", "/manage/calls/{call_id}/reports", COORDINATOR_ONLY),
    # Starts the job building the file, then on to its progress page.
    "reports.export": ("POST", "/manage/calls/{call_id}/exports/documents.zip", COORDINATOR_POST),
    "reports.download_export": ("GET", _JobFile("/manage/calls/{call_id}/exports/files/{job_id}"),
                                COORDINATOR_ONLY),
    "reports.dossier": ("GET", "/manage/applications/{application_id}/dossier.pdf",
                        COORDINATOR_ONLY),
    "privacy.travel_csv": ("GET", "/manage/calls/{call_id}/exports/travel.csv", COORDINATOR_ONLY),
    "privacy.travel_xlsx": ("GET", "/manage/calls/{call_id}/exports/travel.xlsx",
                            COORDINATOR_ONLY),
    "statistics.call_statistics": ("GET", "/manage/calls/{call_id}/statistics", COORDINATOR_ONLY),
    "audit.audit_log": ("GET", "/manage/audit", COORDINATOR_OR_ADMIN),
    "calls.list_calls": ("GET", "/manage/calls", COORDINATOR_ONLY),
    "calls.create_call": ("GET", "/manage/calls/new", COORDINATOR_ONLY),
    "calls.manage_call": ("GET", "/manage/calls/{call_id}", COORDINATOR_ONLY),
    "calls.edit_call": ("GET", "/manage/calls/{call_id}/edit", COORDINATOR_ONLY),
    "calls.open_call": ("POST", "/manage/calls/{call_id}/open", COORDINATOR_POST),
    "calls.close_call": ("POST", "/manage/calls/{call_id}/close", COORDINATOR_POST),
    "calls.preview_call": ("GET", "/manage/calls/{call_id}/preview/ru", COORDINATOR_ONLY),
    "calls.copy_call": ("GET", "/manage/calls/{call_id}/copy", COORDINATOR_ONLY),
    "calls.add_criterion": ("GET", "/manage/calls/{call_id}/criteria/new", COORDINATOR_ONLY),
    "calls.edit_criterion": ("GET", _CallPage(
        "/manage/calls/{call_id}/criteria/{criterion_id}/edit"), COORDINATOR_ONLY),
    "calls.delete_criterion": ("GET", _CallPage(
        "/manage/calls/{call_id}/criteria/{criterion_id}/delete"), COORDINATOR_ONLY),
    "calls.view_call": ("GET", _CallPage("/calls/{slug}"), PUBLIC),
    "callforms.form_page": ("GET", "/manage/calls/{call_id}/form", COORDINATOR_ONLY),
    "callforms.add_question": (
        "GET", "/manage/calls/{call_id}/form/questions/new?section=professional&kind=number",
        COORDINATOR_ONLY),
    "callforms.edit_question": ("GET", _FormPage(
        "/manage/calls/{call_id}/form/questions/{question_id}"), COORDINATOR_ONLY),
    "callforms.move_question": ("POST", _FormPage(
        "/manage/calls/{call_id}/form/questions/{question_id}/move"), COORDINATOR_POSTS),
    "callforms.remove_question": ("POST", _FormPage(
        "/manage/calls/{call_id}/form/questions/{question_id}/remove"), COORDINATOR_POSTS),
    "callforms.restore_question": ("POST", _FormPage(
        "/manage/calls/{call_id}/form/questions/{question_id}/restore"), COORDINATOR_POSTS),
    "callforms.add_section": ("GET", "/manage/calls/{call_id}/form/sections/new",
                              COORDINATOR_ONLY),
    "callforms.edit_section": ("GET", _FormPage(
        "/manage/calls/{call_id}/form/sections/{section_id}"), COORDINATOR_ONLY),
    "callforms.move_section": ("POST", _FormPage(
        "/manage/calls/{call_id}/form/sections/{section_id}/move"), COORDINATOR_POSTS),
    "callforms.delete_section": ("POST", _FormPage(
        "/manage/calls/{call_id}/form/sections/{section_id}/delete"), COORDINATOR_POSTS),
    "callforms.form_settings": ("GET", "/manage/calls/{call_id}/form/settings",
                                COORDINATOR_ONLY),
    "callforms.preview_form": ("GET", "/manage/calls/{call_id}/form/preview/ru",
                               COORDINATOR_ONLY),
    "messages.list_messages": ("GET", "/manage/messages", COORDINATOR_ONLY),
    "messages.compose": ("GET", "/manage/messages/new", COORDINATOR_ONLY),
    "messages.view_sent": ("GET", _MessagePage("/manage/messages/{message_id}"),
                           COORDINATOR_ONLY),
    "messages.inbox": ("GET", "/messages", SIGNED_IN),
    # Someone else's message does not exist for anyone but its recipients.
    "messages.read_message": ("GET", _MessagePage("/messages/{message_id}"), NOT_OWNER),
    # Someone else's job exists for admins alone (and for coordinators when it is a call's).
    "jobs.list_jobs": ("GET", "/manage/jobs", COORDINATOR_OR_ADMIN),
    "jobs.show": ("GET", _JobPage("/jobs/{job_id}"), {**NOT_OWNER, "admin": 200}),
    "jobs.status": ("GET", _JobPage("/jobs/{job_id}/status"), {**NOT_OWNER, "admin": 200}),
    "jobs.retry": ("POST", _JobPage("/jobs/{job_id}/retry"), {**NOT_OWNER, "admin": 302}),
    "privacy.notice": ("GET", "/privacy", PUBLIC),
    # Nothing to accept while no notice is published: on to the home page.
    "privacy.accept_notice": ("GET", "/privacy/accept", dict.fromkeys(ROLES, 302)),
    "privacy.list_notices": ("GET", "/admin/privacy", ADMIN_ONLY),
    "privacy.new_notice": ("POST", "/admin/privacy/new", ADMIN_POSTS),
    "privacy.edit_notice": ("GET", _NoticePage("/admin/privacy/{notice_id}"), ADMIN_ONLY),
    "privacy.publish_notice": ("POST", _NoticePage("/admin/privacy/{notice_id}/publish"),
                               ADMIN_POSTS),
    "privacy.my_data": ("GET", "/account/data", SIGNED_IN),
    # Starts the job preparing one's data, then on to its progress page.
    "privacy.download_data": ("POST", "/account/data.zip", dict.fromkeys(ROLES, 302)),
    # Someone else's data: no one else may have it, admins neither.
    "privacy.download_data_file": ("GET", _JobFile("/account/data/{job_id}.zip"), NOT_OWNER),
    "privacy.delete_account": ("GET", "/account/delete", SIGNED_IN),
}

# Served files, not pages: open to everyone by design.
UNGUARDED = {"static", "bootstrap.static"}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - UNGUARDED
    assert endpoints - set(ROUTES) == set(), "add the new routes to ROUTES"
    assert set(ROUTES) - endpoints == set(), "ROUTES names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_access(client, forms, login_as, create_user, create_application, endpoint, role):
    method, url, expected = ROUTES[endpoint]
    some_user = create_user(email="someone@example.org")
    if role != "anonymous":
        login_as(create_user(roles=(role,)))
    url = url.format(**_ids(url, some_user, create_application, create_user))
    if method == "GET":
        response = client.get(url)
    else:
        response = forms.post(url, {}, page="/")
    assert response.status_code == expected[role]
    if response.status_code == 302 and role == "anonymous" and expected is not PUBLIC:
        assert response.headers["Location"].startswith(("/login", "/", "/register"))


def _ids(url, some_user, create_application, create_user):
    """Ids for the URL's placeholders: objects that belong to someone else."""
    ids = {"user_id": some_user.id}
    if "{application_id}" in url or "{call_id}" in url or "{assignment_id}" in url:
        application = create_application(applicant=some_user, submit=True)
        ids.update(application_id=application.id, call_id=application.call_id,
                   document_id=application.documents[0].id)
    if "{assignment_id}" in url:
        ids["assignment_id"] = _someone_elses_assignment(application, create_user).id
    return ids


def _someone_elses_assignment(application, create_user):
    from portal.database import utcnow
    from portal.extensions import db
    from portal.reviews.services import assign_reviewer, update_reviewer_profile

    reviewer = create_user(roles=("reviewer",), administration="PL")
    update_reviewer_profile(reviewer, reads_en=True, reads_ru=True, expertise="",
                            max_reviews_per_call=5)
    assignment = assign_reviewer(application, reviewer, actor=None, now=utcnow())
    db.session.commit()
    return assignment


class _Visitor:
    is_authenticated = False


class _User:
    is_authenticated = True

    email_verified = True

    def __init__(self, *roles):
        self.roles = {Role(r) for r in roles}

    def has_role(self, role):
        return role in self.roles


PREDICATES = {
    # predicate: roles for which it is true
    "can_manage_users": {"admin"},
    "can_manage_administrations": {"admin"},
    "can_view_administrations": {"admin", "coordinator"},
    "can_manage_focal_points": {"admin", "coordinator"},
    "can_view_audit_log": {"admin", "coordinator"},
    "can_manage_calls": {"coordinator"},
    "can_review": {"reviewer"},
    "can_manage_applications": {"coordinator"},
    "can_manage_reviews": {"coordinator"},
    "can_export_travel": {"coordinator"},
    "can_send_messages": {"coordinator"},
    "can_apply": {"applicant", "reviewer", "coordinator", "admin", "nominator"},
    "is_signed_in": {"applicant", "reviewer", "coordinator", "admin", "nominator"},
    "can_endorse": {"nominator"},
    "can_manage_privacy_notice": {"admin"},
    "can_view_jobs": {"admin", "coordinator"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_predicate_matrix(name, role):
    user = _Visitor() if role == "anonymous" else _User(role)
    assert getattr(permissions, name)(user) is (role in PREDICATES[name])


def test_every_predicate_is_in_the_matrix():
    # These take an object as well as the user; tests/applications check them per object.
    per_object = {"can_change_roles", "can_view_application", "is_owner", "is_assigned_reviewer",
                  "can_download_for_review", "is_focal_point_for", "can_view_job",
                  "can_download_export", "can_download_own_data"}
    names = set(permissions.TEMPLATE_PREDICATES) - per_object
    assert names == set(PREDICATES)
