"""Versions of the privacy notice: drafts, publication, acceptance at registration and sign-in."""

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import PrivacyNotice, User
from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.extensions import db
from portal.privacy import notices
from tests.conftest import PASSWORD


def _actions(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_start_version_numbers_after_the_newest_and_copies_the_text_in_force(
        create_user, publish_notice):
    admin = create_user(roles=("admin",))
    publish_notice(1)
    draft = notices.start_version(actor=admin, now=utcnow())
    assert (draft.version, draft.text_en, draft.published_at) == (2, "Notice 1 in English", None)
    assert [e.details for e in _actions("privacy.notice_created")] == [{"version": 2}]


def test_start_version_refused_while_a_draft_exists(create_user):
    admin = create_user(roles=("admin",))
    notices.start_version(actor=admin, now=utcnow())
    with pytest.raises(notices.NoticeRefused):
        notices.start_version(actor=admin, now=utcnow())


def test_publish_needs_both_languages(create_user):
    admin = create_user(roles=("admin",))
    draft = notices.start_version(actor=admin, now=utcnow())
    notices.save_draft(draft, notices.NoticeTexts(text_en="Text", text_ru=""), actor=admin)
    with pytest.raises(notices.NoticeRefused):
        notices.publish(draft, actor=admin, now=utcnow())
    assert draft.published_at is None


def test_publish_of_a_later_version_needs_what_changed(create_user, publish_notice):
    admin = create_user(roles=("admin",))
    publish_notice(1)
    draft = notices.start_version(actor=admin, now=utcnow())
    with pytest.raises(notices.NoticeRefused):
        notices.publish(draft, actor=admin, now=utcnow())
    notices.save_draft(draft, notices.NoticeTexts(text_en="New", text_ru="Новое",
                                                  summary_en="More", summary_ru="Больше"),
                       actor=admin)
    notices.publish(draft, actor=admin, now=utcnow())
    assert notices.version_in_force() == 2


def test_a_published_version_is_never_edited(create_user, publish_notice):
    admin = create_user(roles=("admin",))
    notice = publish_notice(1)
    with pytest.raises(notices.NoticeRefused):
        notices.save_draft(notice, notices.NoticeTexts(text_en="X", text_ru="Х"), actor=admin)
    assert notice.text_en == "Notice 1 in English"


def test_needs_acceptance_only_of_a_newer_version(create_user, publish_notice):
    user = create_user()
    assert notices.needs_acceptance(user) is None  # nothing published
    publish_notice(1)
    assert notices.needs_acceptance(user) == 1
    user.privacy_version = 1
    assert notices.needs_acceptance(user) is None
    publish_notice(2)
    assert notices.needs_acceptance(user) == 2


REGISTRATION = {"email": "new@example.org", "password": "long enough password",
                "confirm": "long enough password", "full_name": "New Person",
                "administration_code": "AZ", "position": "Inspector",
                "preferred_language": "en", "time_zone": "Asia/Baku"}


def test_registration_refused_without_accepting_the_notice(forms, administrations,
                                                           publish_notice):
    publish_notice(1)
    response = forms.post("/register", REGISTRATION)
    assert response.status_code == 200
    assert "Accept the privacy notice to create an account." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_registration_records_the_version_accepted(forms, administrations, publish_notice):
    publish_notice(1)
    publish_notice(2)
    response = forms.post("/register", {**REGISTRATION, "accept_privacy": "y"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.privacy_version == 2
    assert user.privacy_accepted_at is not None


def test_setting_the_password_of_an_invitation_asks_to_accept_the_notice_in_force(
        client, forms, create_user, outbox, publish_notice):
    from portal.accounts.invitations import has_usable_password, invite_user
    from portal.accounts.models import Role
    from tests.conftest import link_in

    publish_notice(1)
    publish_notice(2)
    invited = invite_user(email="invited@example.org", full_name="Asel Bekova", language="en",
                          roles={Role.reviewer}, actor=create_user(roles=("admin",)),
                          now=utcnow())
    db.session.commit()
    path = link_in(outbox()[0].body_text)
    assert 'name="accept_privacy"' in client.get(path).get_data(as_text=True)
    passwords = {"password": PASSWORD, "confirm": PASSWORD}
    refused = forms.post(path, passwords)
    assert refused.status_code == 200
    assert "Accept the privacy notice to use your account." in refused.get_data(as_text=True)
    db.session.refresh(invited)
    assert (has_usable_password(invited), invited.privacy_version) == (False, None)
    assert forms.post(path, {**passwords, "accept_privacy": "y"}).status_code == 302
    db.session.refresh(invited)
    assert (has_usable_password(invited), invited.privacy_version) == (True, 2)
    assert [e.details.get("version") for e in _actions("privacy.accepted")] == [2]


def test_registration_without_a_notice_asks_nothing(forms, client, administrations):
    assert "accept_privacy" not in client.get("/register").get_data(as_text=True)
    assert forms.post("/register", REGISTRATION).status_code == 302


def test_sign_in_with_an_older_version_goes_to_the_notice_first(client, forms, create_user,
                                                                 publish_notice):
    user = create_user()
    publish_notice(1)
    user.privacy_version = 1
    publish_notice(2)
    forms.post("/login?next=/account", {"email": user.email, "password": PASSWORD})
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location == "/privacy/accept?next=/account"
    page = client.get("/privacy/accept?next=/account").get_data(as_text=True)
    assert "Changes 2" in page
    response = forms.post("/privacy/accept", {"version": "2", "next": "/account",
                                              "accept": "y"}, page="/privacy/accept")
    assert (response.status_code, response.location) == (302, "/account")
    assert client.get("/account").status_code == 200
    db.session.refresh(user)
    assert user.privacy_version == 2
    assert [e.details for e in _actions("privacy.accepted")] == [{"version": 2}]


def test_files_of_the_pages_are_served_before_accepting(client, forms, create_user,
                                                         publish_notice):
    user = create_user()
    publish_notice(1)
    user.privacy_version = 1
    publish_notice(2)
    forms.post("/login", {"email": user.email, "password": PASSWORD})
    page = client.get("/privacy/accept").get_data(as_text=True)
    stylesheets = re.findall(r'<link[^>]+href="(/[^"]+\.css)"', page)
    assert stylesheets
    assert [client.get(url).status_code for url in stylesheets] == [200] * len(stylesheets)


def test_accepting_refused_without_the_box_ticked(client, forms, create_user, publish_notice):
    user = create_user()
    publish_notice(1)
    user.privacy_version = 1
    publish_notice(2)
    forms.post("/login", {"email": user.email, "password": PASSWORD})
    response = forms.post("/privacy/accept", {"version": "2"}, page="/privacy/accept")
    assert response.status_code == 200
    assert client.get("/account").status_code == 302
    db.session.refresh(user)
    assert user.privacy_version == 1


def test_sign_in_with_the_version_in_force_goes_on(client, forms, create_user, publish_notice):
    user = create_user()
    publish_notice(1)
    user.privacy_version = 1
    forms.post("/login", {"email": user.email, "password": PASSWORD})
    assert client.get("/account").status_code == 200


def test_sign_in_of_an_account_that_never_accepted_goes_on(client, forms, create_user,
                                                           publish_notice):
    user = create_user()  # made as by an invitation: no version accepted
    publish_notice(1)
    forms.post("/login", {"email": user.email, "password": PASSWORD})
    assert client.get("/account").status_code == 200


def test_public_page_shows_the_version_in_force_in_the_readers_language(client,
                                                                        publish_notice):
    publish_notice(1)
    publish_notice(2)
    publish_notice(3, published=False)
    page = client.get("/privacy", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Уведомление 2 по-русски" in page
    assert "Уведомление 3" not in page


def test_admin_writes_and_publishes_a_version(client, forms, login_as, create_user):
    login_as(create_user(roles=("admin",)))
    response = forms.post("/admin/privacy/new", page="/admin/privacy")
    notice = db.session.scalar(sa.select(PrivacyNotice))
    assert response.location == f"/admin/privacy/{notice.id}"
    forms.post(f"/admin/privacy/{notice.id}", {"text_en": "Our notice", "text_ru": "Наше",
                                               "summary_en": "", "summary_ru": ""})
    response = forms.post(f"/admin/privacy/{notice.id}/publish", {"confirm": "y"},
                          page=f"/admin/privacy/{notice.id}")
    assert response.location == "/admin/privacy"
    db.session.refresh(notice)
    assert (notice.text_ru, notice.published_at is not None) == ("Наше", True)
    assert "Our notice" in client.get("/privacy").get_data(as_text=True)


def _queries(client, path) -> int:
    client.get(path)  # warm
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return count[0]


def test_list_of_versions_issues_as_many_queries_for_twelve_as_for_two(client, login_as,
                                                                        create_user,
                                                                        publish_notice):
    login_as(create_user(roles=("admin",)))
    publish_notice(1)
    publish_notice(2, published=False)
    few = _queries(client, "/admin/privacy")
    db.session.execute(sa.update(PrivacyNotice).where(PrivacyNotice.version == 2)
                       .values(published_at=utcnow()))
    for version in range(3, 13):
        publish_notice(version)
    assert _queries(client, "/admin/privacy") == few
