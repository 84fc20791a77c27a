"""Merging a duplicate account (accounts/merge.py): everything moves, in one transaction,
audited; refused where both applied to the same call, both review one application, …"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts import merge
from portal.accounts.models import Role, SignInSession, User, UserRole
from portal.accounts.sign_in import start_session
from portal.administrations.models import Administration
from portal.administrations.services import add_focal_point
from portal.applications.models import Application
from portal.audit.models import AuditEvent
from portal.calls.models import DeadlineExtension
from portal.database import utcnow
from portal.messages.models import Message, MessageRecipient
from portal.reviews.models import Assignment, AssignmentState, ReviewerProfile
from portal.reviews.services import assign_reviewer, update_reviewer_profile


@pytest.fixture
def pair(create_user):
    """Two accounts of one person: the older one kept, the newer a duplicate."""
    kept = create_user(full_name="Aigul Osmonova", email="aigul@customs.kg", administration="KG")
    duplicate = create_user(full_name="Aigul Osmonova", email="a.osmonova@example.org",
                            administration="KG", roles=("applicant", "reviewer"))
    return duplicate, kept


@pytest.fixture
def admin(create_user):
    return create_user(roles=("admin",))


def _focal_point(user, code, admin):
    return add_focal_point(_administration(code), full_name=user.full_name, title="Head",
                           email=user.email, language="en", actor=admin, now=utcnow())


def _administration(code):
    from portal.extensions import db

    return db.session.get(Administration, code)


def _message(db, *users):
    message = Message(audience="person", subject_en="Hello", subject_ru="Привет")
    db.session.add(message)
    db.session.flush()
    for user in users:
        db.session.add(MessageRecipient(message_id=message.id, user_id=user.id))
    return message


def test_every_foreign_key_to_user_has_a_rule(app):
    assert merge.user_foreign_keys() == set(merge.RULES)


def test_merge_moves_everything(db, pair, admin, create_user, create_call, create_application):
    duplicate, kept = pair
    # The duplicate's own things: two applications, a review assignment, a reviewer profile, a
    # focal point (of an administration the kept account is a focal point of too), messages
    # (one the kept account got as well), a deadline extension, a sign-in.
    mine = create_application(applicant=duplicate, submit=True)
    second = create_application(applicant=duplicate)
    kept_application = create_application(applicant=kept)
    other = create_application(submit=True)
    update_reviewer_profile(duplicate, reads_en=True, reads_ru=True, expertise="transit",
                            max_reviews_per_call=5)
    assignment = assign_reviewer(other, duplicate, actor=admin, now=utcnow())
    _focal_point(duplicate, "KG", admin)
    _focal_point(duplicate, "KZ", admin)
    _focal_point(kept, "KG", admin)
    shared, own = _message(db, duplicate, kept), _message(db, duplicate)
    db.session.add(DeadlineExtension(call_id=second.call_id, user_id=duplicate.id,
                                     closes_at=utcnow() + timedelta(days=40), reason="Ill"))
    sign_in = start_session(duplicate, now=utcnow())
    db.session.commit()
    duplicate_id, kept_id = duplicate.id, kept.id

    preview = merge.preview_merge(duplicate, kept, actor=admin)
    assert preview.refusals == []
    assert preview.roles == {Role.applicant, Role.reviewer, Role.nominator}
    assert [(row.key, row.moving, row.dropped) for row in preview.moving] == [
        ("application.applicant_id", 2, 0),
        ("assignment.reviewer_id", 1, 0),
        ("deadline_extension.user_id", 1, 0),
        ("focal_point.user_id", 1, 1),
        ("message_recipient.user_id", 1, 1),
        ("reviewer_profile.user_id", 1, 0),
        ("user_role.user_id", 1, 2),
    ]
    merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    db.session.commit()

    kept, duplicate = db.session.get(User, kept_id), db.session.get(User, duplicate_id)
    assert sorted(db.session.scalars(sa.select(Application.id)
                                     .where(Application.applicant_id == kept_id))) == \
        sorted([mine.id, second.id, kept_application.id])
    assert db.session.get(Assignment, assignment.id).reviewer_id == kept_id
    assert db.session.get(ReviewerProfile, kept_id).expertise == "transit"
    assert kept.roles == {Role.applicant, Role.reviewer, Role.nominator}
    assert sorted(fp.administration_code for fp in db.session.scalars(
        sa.select(merge_focal_point()).where(merge_focal_point().user_id == kept_id))) == \
        ["KG", "KZ"]
    assert sorted(db.session.scalars(sa.select(MessageRecipient.message_id)
                                     .where(MessageRecipient.user_id == kept_id))) == \
        sorted([shared.id, own.id])
    assert db.session.scalar(sa.select(DeadlineExtension.user_id)) == kept_id
    # Nothing points at the duplicate any more but its own sign-ins.
    for table, column in merge.user_foreign_keys() - {("sign_in_session", "user_id")}:
        t = db.metadata.tables[table]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(t)
                                 .where(t.c[column] == duplicate_id)) == 0, (table, column)
    assert (duplicate.is_active_account, duplicate.merged_into_id, duplicate.email) == \
        (False, kept_id, f"merged-{duplicate_id}@merged.invalid")
    assert duplicate.roles == set()
    assert db.session.get(SignInSession, sign_in.id).ended_at is not None
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.in_(["account.merged", "account.merged_away"]))
        .order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id, e.actor_id) for e in events] == [
        ("account.merged", str(kept_id), admin.id),
        ("account.merged_away", str(duplicate_id), admin.id)]
    assert events[0].details == {
        "user": duplicate_id, "email": "a.osmonova@example.org",
        "moved": {"application.applicant_id": 2, "assignment.reviewer_id": 1,
                  "deadline_extension.user_id": 1, "focal_point.user_id": 1,
                  "message_recipient.user_id": 1, "reviewer_profile.user_id": 1,
                  "user_role.user_id": 1}}
    assert events[1].details == {"user": kept_id}


def merge_focal_point():
    from portal.administrations.models import FocalPoint

    return FocalPoint


def test_merge_frees_the_address_for_the_kept_account(db, pair, admin):
    duplicate, kept = pair
    merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    db.session.commit()
    kept.email = "a.osmonova@example.org"  # the address the person uses now
    db.session.commit()
    assert db.session.scalar(sa.select(User.id).where(User.email == "a.osmonova@example.org")) \
        == kept.id


def test_merge_refused_when_both_applied_to_the_same_call(db, pair, admin, create_call,
                                                          create_application):
    duplicate, kept = pair
    call = create_call()
    call.title_en = "Fellowship 2027"
    mine = create_application(applicant=duplicate, call=call, submit=True)
    create_application(applicant=kept, call=call)
    create_application(applicant=duplicate)  # another call: no clash

    with pytest.raises(merge.MergeRefused) as refused:
        merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    assert refused.value.reasons == [
        "Both accounts applied to the same call: “Fellowship 2027”. An applicant has one "
        "application per call; withdrawing one does not remove it."]
    db.session.rollback()
    assert db.session.get(Application, mine.id).applicant_id == duplicate.id
    assert db.session.get(User, duplicate.id).is_active_account is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "account.merged")) == 0


def test_merge_refused_when_both_review_one_application(db, pair, admin, create_application):
    duplicate, kept = pair
    application = create_application(submit=True)
    kept.role_rows.append(UserRole(role=Role.reviewer))
    for user in (duplicate, kept):
        assign_reviewer(application, user, actor=admin, now=utcnow())
    db.session.commit()

    preview = merge.preview_merge(duplicate, kept, actor=admin)
    assert preview.refusals == [
        f"Both accounts are assigned to review the same application: {application.reference} "
        f"(“{application.call.title_en}”). Release one of the assignments first."]


def test_merge_refused_when_one_reviews_the_others_application(db, pair, admin,
                                                                create_application):
    duplicate, kept = pair
    application = create_application(applicant=kept, submit=True)
    duplicate.administration_code = "PL"  # no conflict of interest found by administration
    assign_reviewer(application, duplicate, actor=admin, now=utcnow())
    db.session.commit()

    assert merge.preview_merge(duplicate, kept, actor=admin).refusals == [
        f"One account is assigned to review an application of the other: "
        f"{application.reference} (“{application.call.title_en}”). Release the assignment first."]


def test_merge_refused_for_the_accounts_themselves(db, pair, admin, create_user):
    duplicate, kept = pair
    assert merge.preview_merge(kept, kept, actor=admin).refusals == [
        "An account cannot be merged into itself."]
    assert merge.preview_merge(admin, kept, actor=admin).refusals == [
        "You cannot merge away the account you are signed in with."]
    kept.is_active_account = False
    assert merge.preview_merge(duplicate, kept, actor=admin).refusals == [
        "Aigul Osmonova is deactivated: reactivate the account to keep first."]
    kept.is_active_account = True
    merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    third = create_user(full_name="Aigul O.")
    assert merge.preview_merge(duplicate, third, actor=admin).refusals == [
        "Aigul Osmonova has been merged into another account already."]
    assert merge.preview_merge(third, duplicate, actor=admin).refusals == [
        "Aigul Osmonova has been merged or deleted: choose the account it was merged into."]


def test_merge_points_earlier_merges_at_the_kept_account(db, pair, admin, create_user):
    duplicate, kept = pair
    oldest = create_user(full_name="Aigul Osmonova")
    merge.merge_accounts(oldest, duplicate, actor=admin, now=utcnow())
    merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    db.session.commit()
    assert db.session.get(User, oldest.id).merged_into_id == kept.id


# The admin's pages.

def test_merge_page_offers_accounts_of_the_same_name(db, client, login_as, pair, admin,
                                                     create_user):
    duplicate, kept = pair
    create_user(full_name="Someone Else")
    merged = create_user(full_name="Aigul Osmonova")
    merged.merged_into_id = kept.id
    login_as(admin)
    html = client.get(f"/admin/users/{kept.id}/merge").get_data(as_text=True)
    assert html.count(f"/admin/users/{kept.id}/merge?duplicate=") == 1
    assert f"/admin/users/{kept.id}/merge?duplicate={duplicate.id}" in html
    html = client.get(f"/admin/users/{kept.id}/merge?q=someone").get_data(as_text=True)
    assert html.count(f"/admin/users/{kept.id}/merge?duplicate=") == 1


def test_merge_page_previews_then_merges(db, client, forms, login_as, pair, admin,
                                         create_application):
    duplicate, kept = pair
    create_application(applicant=duplicate, submit=True)
    login_as(admin)
    url = f"/admin/users/{kept.id}/merge?duplicate={duplicate.id}"
    html = client.get(url).get_data(as_text=True)
    assert '<tr><th scope="row">Applications</th><td class="text-end">1</td>' in html
    assert "Roles after the merge: Applicant, Reviewer" in html

    response = forms.post(url)
    assert (response.status_code, response.headers["Location"]) == \
        (302, f"/admin/users/{kept.id}")
    assert db.session.get(User, duplicate.id).merged_into_id == kept.id
    assert db.session.scalar(sa.select(Application.applicant_id)) == kept.id


def test_merge_page_says_why_it_refuses(db, client, forms, login_as, pair, admin, create_call,
                                        create_application):
    duplicate, kept = pair
    call = create_call()
    for user in pair:
        create_application(applicant=user, call=call)
    login_as(admin)
    url = f"/admin/users/{kept.id}/merge?duplicate={duplicate.id}"
    assert "Merge the accounts" not in client.get(url).get_data(as_text=True)

    response = forms.post(url, page=f"/admin/users/{kept.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Both accounts applied to the same call: “{call.title_en}”." in html
    assert db.session.get(User, duplicate.id).merged_into_id is None


def test_user_page_links_to_the_merge(db, client, login_as, pair, admin):
    duplicate, kept = pair
    login_as(admin)
    html = client.get(f"/admin/users/{kept.id}").get_data(as_text=True)
    assert f'<a href="/admin/users/{kept.id}/merge">Merge a duplicate into this account</a>' in html


def test_merge_ends_the_assignments_that_become_a_conflict(db, pair, admin, create_user,
                                                            create_application):
    duplicate, kept = pair  # both of Kyrgyzstan
    duplicate.administration_code = "PL"  # registered again with another administration
    kyrgyz = create_application(applicant=create_user(administration="KG"), submit=True)
    assignment = assign_reviewer(kyrgyz, duplicate, actor=admin, now=utcnow())
    db.session.commit()

    merge.merge_accounts(duplicate, kept, actor=admin, now=utcnow())
    db.session.commit()
    assert (assignment.reviewer_id, assignment.state) == (kept.id, AssignmentState.released)


def _queries(client, path) -> int:
    client.get(path)  # warm
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    from portal.extensions import db as _db

    sa.event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", counter)
    return count[0]


def test_merge_page_issues_as_many_queries_for_12_duplicates_as_for_2(db, client, login_as,
                                                                      pair, admin, create_user):
    duplicate, kept = pair
    login_as(admin)
    url = f"/admin/users/{kept.id}/merge"
    few = _queries(client, url)
    for n in range(10):
        create_user(full_name="Aigul Osmonova", administration=("KG", "KZ", "PL")[n % 3],
                    roles=("applicant", "reviewer"))
    html = client.get(url).get_data(as_text=True)
    assert html.count(f"{url}?duplicate=") == 11
    assert _queries(client, url) == few


def test_two_merges_the_other_way_round_at_once_leave_one_account(app, db, pair, admin,
                                                                  create_user, monkeypatch):
    from tests.races import post_at_once, signed_in_client

    duplicate, kept = pair
    other_admin = create_user(roles=("admin",))
    responses = post_at_once(monkeypatch, merge, "merge_accounts", [
        (signed_in_client(app, admin), f"/admin/users/{kept.id}/merge?duplicate={duplicate.id}",
         {}),
        (signed_in_client(app, other_admin),
         f"/admin/users/{duplicate.id}/merge?duplicate={kept.id}", {})])
    assert sorted(r.status_code for r in responses) == [200, 302]
    db.session.expire_all()
    merged = sorted((u.merged_into_id is not None, u.is_active_account)
                    for u in (db.session.get(User, duplicate.id), db.session.get(User, kept.id)))
    assert merged == [(False, True), (True, False)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "account.merged")) == 1
