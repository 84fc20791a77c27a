"""Every state-changing route refuses a request without a valid CSRF token, changing nothing."""

import pytest
import sqlalchemy as sa

from portal.accounts.services import new_reset_token
from portal.database import utcnow
from portal.reviews.services import assign_reviewer
from tests.test_permissions import ROUTES

# Plausible form data per route, so that only the missing token can stop the change.
FORM_DATA = {
    "main.set_language_choice": {"lang": "ru", "next": "/"},
    "accounts.register": {"email": "new@example.org", "password": "long enough password",
                          "confirm": "long enough password", "full_name": "New Person",
                          "administration_code": "AZ", "position": "Inspector",
                          "preferred_language": "en", "time_zone": "Asia/Baku"},
    "accounts.login": {"email": "admin@example.org", "password": "correct horse battery staple"},
    "accounts.logout": {},
    "accounts.resend_verification": {},
    "accounts.request_password_reset": {"email": "admin@example.org"},
    "accounts.profile": {"full_name": "Changed", "administration_code": "GE", "position": "X",
                         "preferred_language": "ru", "time_zone": "UTC"},
    "accounts.change_password": {"current_password": "correct horse battery staple",
                                 "password": "another long password",
                                 "confirm": "another long password"},
    "accounts.reset_password": {"password": "another long password",
                                "confirm": "another long password"},
    "accounts.edit_user": {"email": "changed@example.org", "full_name": "Changed Name",
                           "administration_code": "GE", "preferred_language": "ru",
                           "roles": ["coordinator", "admin"]},
    "accounts.new_user": {"email": "invited@example.org", "full_name": "Invited Person",
                          "administration_code": "GE", "preferred_language": "ru",
                          "roles": ["reviewer"]},
    "accounts.resend_confirmation": {},
    "accounts.send_password_reset": {},
    "accounts.deactivate_user": {},
    "accounts.reactivate_user": {},
    "accounts.change_email": {"email": "changed@example.org"},
    "accounts.merge_user": {},
    "accounts.accept_invitation": {"password": "another long password",
                                   "confirm": "another long password"},
    "applications.start_application": {"language": "ru"},
    "applications.edit_section": {"version": "1", "full_name": "Changed Name", "phone": "1"},
    "applications.documents": {"kind": "certificate"},
    "applications.remove_document": {},
    "applications.submit": {"declaration": "y"},
    "applications.withdraw": {},
    "applications.screen_out": {"reason_en": "Not eligible", "reason_ru": "Не соответствует"},
    "reviews.edit_profile": {"reads_en": "y", "reads_ru": "y", "expertise": "risk",
                             "max_reviews_per_call": "7"},
    "reviews.review": {"version": "0", "comments": "x", "save": "1"},
    "reviews.declare_conflict": {"reason": "x"},
    "reviews.list_reviewers": {"email": "new.reviewer@example.org", "language": "en",
                               "administration_code": "none"},
    "reviews.assign_automatically": {},
    "reviews.assign_in_bulk": {"reviewer_id": "1", "application_ids": ["1"]},
    "reviews.assign_by_hand": {"reviewer_id": "1"},
    "reviews.release_assignment": {},
    "reviews.send_reminders": {},
    "endorsements.screen_out_non_endorsed": {"reason_en": "Not endorsed",
                                              "reason_ru": "Не поддержана"},
    "selection.fill_places": {"confirm": "y", "waitlist_length": ""},
    "selection.decide": {"outcome": "accepted", "note": "Strong project"},
    "selection.publish": {"response_days": "14", "confirm": "y", "override_reason": "Because"},
    "selection.expire_offers": {},
    "selection.respond_to_offer": {"answer": "decline"},
    "selection.extend_offer_deadline": {"respond_by": "2099-01-01T12:00", "reason": "Visa"},
    "administrations.edit_administration": {"name_en": "Changed", "is_active": ""},
    "administrations.new_administration": {"code": "US", "name_en": "", "name_ru": ""},
    "administrations.focal_points": {"full_name": "Asel Bekova", "title": "Head",
                                     "email": "asel@customs.example", "language": "ru"},
    "administrations.remove_focal_point": {},
    "administrations.resend_focal_point_invitation": {},
    "calls.create_call": {"title_en": "New call", "time_zone": "Asia/Baku", "places": "2",
                          "reviewers_per_application": "3"},
    "calls.edit_call": {"title_en": "Changed", "time_zone": "Asia/Baku", "places": "2",
                        "reviewers_per_application": "3", "version": "1"},
    "calls.open_call": {},
    "calls.close_call": {"confirm": "y"},
    "calls.edit_extension": {"closes_at": "2099-01-01T12:00", "reason": "Illness"},
    "calls.remove_extension": {"removal_reason": "Recovered", "version": "1"},
    "calls.add_criterion": {"name_en": "New", "weight": "1", "scale_min": "1", "scale_max": "5"},
    "calls.edit_criterion": {"name_en": "Changed", "weight": "2", "scale_min": "0",
                             "scale_max": "10"},
    "calls.delete_criterion": {},
    "callforms.add_question": {"section_key": "professional", "kind": "number",
                               "text_en": "Years", "text_ru": "Годы"},
    "callforms.edit_question": {"section_key": "professional", "kind": "short_text",
                                "text_en": "Changed", "text_ru": "Изменён", "version": "1"},
    "callforms.move_question": {"direction": "up"},
    "callforms.remove_question": {},
    "callforms.restore_question": {},
    "callforms.add_section": {"title_en": "More", "title_ru": "Ещё"},
    "callforms.edit_section": {"title_en": "Changed", "title_ru": "Изменён"},
    "callforms.move_section": {"direction": "down"},
    "callforms.delete_section": {},
    "callforms.form_settings": {"phone": "optional", "version": "1"},
    "calls.copy_call": {"programme_year": "2028"},
    "endorsements.endorse": {"version": "1", "statement": "Strong candidate"},
    "endorsements.decline": {"version": "1", "reason": "Not released"},
    "endorsements.set_priority": {"version": "1", "position": "1"},
    "endorsements.move": {"version": "1", "direction": "up"},
    "endorsements.request_endorsement": {},
    "privacy.accept_notice": {"version": "1", "accept": "y", "next": "/"},
    "privacy.new_notice": {},
    "jobs.retry": {},
    "reports.export": {},
    "privacy.download_data": {},
    "privacy.edit_notice": {"text_en": "Changed", "text_ru": "Изменено"},
    "privacy.publish_notice": {"confirm": "y"},
    "privacy.delete_account": {"password": "correct horse battery staple", "confirm": "y"},
    "messages.compose": {"audience": "person", "person_email": "admin@example.org",
                         "call_id": "", "subject_en": "News", "subject_ru": "Новости",
                         "body_en": "Text", "body_ru": "Текст", "kind": "message",
                         "send": "1"},
}


def _pending_invitation_token(create_user):
    from portal.accounts.invitations import invitation_token, unusable_password_hash

    invited = create_user(email="invited@example.org", roles=("nominator",))
    invited.password_hash = unusable_password_hash()
    return invitation_token(invited)


def _snapshot(db):
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name == "rate_limit":  # an attempt counts against the limits, token or not
            continue
        rows = db.session.execute(sa.select(table)).all()
        tables[table.name] = sorted(map(repr, rows))
    return tables


def _focal_point_and_candidate(create_user, create_application):
    from portal.administrations.models import FocalPoint
    from portal.calls.models import Call
    from portal.extensions import db

    focal = create_user(roles=("nominator",), administration="RU")
    db.session.add(FocalPoint(administration_code="RU", user_id=focal.id))
    candidate = create_application(applicant=create_user(), complete=True)
    db.session.get(Call, candidate.call_id).endorsement_required = True
    db.session.commit()
    from portal.applications.services import submit_application

    submit_application(candidate, actor=candidate.applicant, now=utcnow())
    db.session.commit()
    return focal, candidate


def _post_routes(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods})


def test_every_post_route_has_form_data(app):
    assert set(_post_routes(app)) == set(FORM_DATA)


@pytest.mark.parametrize("token", [None, "forged"])
@pytest.mark.parametrize("endpoint", sorted(FORM_DATA))
def test_post_without_valid_token_changes_nothing(app, client, login_as, create_user, db,
                                                  create_application,
                                                  endpoint, token):
    admin = create_user(email="admin@example.org", roles=("admin", "coordinator", "reviewer"))
    draft = create_application(applicant=admin, complete=True)
    submitted = create_application(applicant=admin, submit=True)
    theirs = create_application(submit=True, applicant=create_user(administration="GE"))
    assignment = assign_reviewer(theirs, admin, actor=None, now=utcnow())
    db.session.commit()
    actor = admin
    if endpoint in ("endorsements.endorse", "endorsements.decline", "endorsements.set_priority",
                    "endorsements.move"):  # a focal point acting on a candidate of theirs
        actor, draft = _focal_point_and_candidate(create_user, create_application)
    if endpoint not in ("accounts.login", "accounts.register", "accounts.request_password_reset",
                        "accounts.reset_password",
                        "accounts.accept_invitation"):
        login_as(actor)
    application = submitted if endpoint in ("applications.withdraw",
                                            "applications.screen_out") else draft
    if endpoint.startswith("reviews."):
        application = theirs
    url = ROUTES[endpoint][1].format(user_id=admin.id, application_id=application.id,
                                     call_id=application.call_id,
                                     document_id=application.documents[0].id,
                                     assignment_id=assignment.id)
    if endpoint == "accounts.reset_password":
        url = "/password/reset/" + new_reset_token(admin)
    if endpoint == "accounts.accept_invitation":
        url = "/invitation/" + _pending_invitation_token(create_user)
    data = dict(FORM_DATA[endpoint])
    if token:
        data["csrf_token"] = token
    before = _snapshot(db)
    response = client.post(url, data=data)
    # 404: an offer exists only after publication (tests/selection post real ones without a token).
    assert response.status_code in (200, 302, 400) or (
        endpoint in ("selection.respond_to_offer", "selection.extend_offer_deadline")
        and response.status_code == 404)
    if response.status_code == 200:
        assert "This form had expired" in response.get_data(as_text=True)
    assert _snapshot(db) == before
