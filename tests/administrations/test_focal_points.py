"""An administration's focal points: added (invited or linked), listed, re-invited, removed."""

import re

import pytest
import sqlalchemy as sa

from portal.accounts.invitations import InvitationUsed, accept_invitation, has_usable_password
from portal.accounts.models import Role, User
from portal.administrations import services
from portal.administrations.models import Administration, FocalPoint
from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.extensions import db as _db
from tests.conftest import link_in


def _add(code, actor, **kw):
    values = dict(full_name="Asel Bekova", title="Head of training",
                  email="asel@customs.kg", language="ru", actor=actor, now=utcnow())
    values.update(kw)
    return services.add_focal_point(_db.session.get(Administration, code), **values)


def test_add_a_new_person_invites_them_as_nominator(db, create_user, outbox):
    coordinator = create_user(roles=("coordinator",))
    focal_point = _add("KG", coordinator)
    db.session.commit()
    user = focal_point.user
    assert (focal_point.administration_code, focal_point.title, focal_point.created_by_id,
            user.full_name, user.roles, user.administration_code, user.time_zone,
            has_usable_password(user)) == (
        "KG", "Head of training", coordinator.id, "Asel Bekova", {Role.nominator}, "KG",
        "Asia/Bishkek", False)
    [message] = outbox()
    assert (message.recipient, message.language) == ("asel@customs.kg", "ru")
    assert "контактным лицом администрации (выдвигающим кандидатов): Кыргызстан" in \
        message.body_text
    assert link_in(message.body_text).startswith("/invitation/")
    assert services.focal_points_of("KG") == [focal_point]
    assert services.administrations_focal_point_of(user) == {"KG"}
    assert db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_id == "KG")).all() == ["focal_point.added"]


def test_add_an_existing_account_links_it(db, create_user, outbox):
    officer = create_user(email="officer@customs.kg", administration="KG", language="en",
                          full_name="Own Name")
    focal_point = _add("KG", create_user(roles=("admin",)), email="Officer@customs.kg",
                       full_name="Typed Name", language="ru")
    db.session.commit()
    assert (focal_point.user_id, officer.full_name, officer.preferred_language,
            officer.roles) == (officer.id, "Own Name", "en", {Role.applicant, Role.nominator})
    [message] = outbox()
    assert (message.language, link_in(message.body_text)) == ("en", "/login")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_the_same_person_twice_is_refused(db, create_user):
    actor = create_user(roles=("admin",))
    _add("KG", actor)
    with pytest.raises(services.FocalPointError):
        _add("KG", actor)
    _add("KZ", actor)  # another administration is fine
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocalPoint)) == 2


def test_remove_takes_the_role_once_no_administration_is_left(db, create_user):
    actor = create_user(roles=("admin",))
    kg, kz = _add("KG", actor), _add("KZ", actor)
    user = kg.user
    services.remove_focal_point(kg, actor=actor)
    assert (services.administrations_focal_point_of(user), user.roles) == (
        {"KZ"}, {Role.nominator})
    services.remove_focal_point(kz, actor=actor)
    assert (services.administrations_focal_point_of(user), user.roles) == (set(), set())


def test_administrations_without_focal_point(db, create_user):
    actor = create_user(roles=("admin",))
    before = services.administrations_without_focal_point()
    _add("KG", actor)
    after = services.administrations_without_focal_point()
    assert ("KG" in before, sorted(set(before) - set(after))) == (True, ["KG"])


def test_resend_until_the_password_is_set(db, create_user, outbox):
    actor = create_user(roles=("admin",))
    focal_point = _add("KG", actor)
    services.resend_focal_point_invitation(focal_point, actor=actor, now=utcnow())
    db.session.commit()
    token = link_in(outbox()[-1].body_text).rsplit("/", 1)[1]
    accept_invitation(token, "a brand new passphrase")
    with pytest.raises(InvitationUsed):
        services.resend_focal_point_invitation(focal_point, actor=actor, now=utcnow())


# --- Through the pages --------------------------------------------------------------------

def test_coordinator_adds_lists_resends_and_removes(client, forms, db, login_as, create_user,
                                                    outbox):
    login_as(create_user(roles=("coordinator",)))
    page = "/admin/administrations/KG/focal-points"
    response = forms.post(page, {"full_name": "Asel Bekova", "title": "Head of training",
                                 "email": "asel@customs.kg", "language": "ru"})
    assert (response.status_code, response.headers["Location"]) == (302, page)
    listing = client.get(page).get_data(as_text=True)
    assert "asel@customs.kg" in listing
    assert "invited, no password set yet" in listing
    focal_point = db.session.scalar(sa.select(FocalPoint))
    response = forms.post(f"{page}/{focal_point.id}/resend", {}, page=page)
    assert response.status_code == 302
    assert [m.kind for m in outbox()] == ["account_invitation", "account_invitation"]
    response = forms.post(f"{page}/{focal_point.id}/remove", {}, page=page)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocalPoint)) == 0
    assert "This administration has no focal point yet" in client.get(page).get_data(
        as_text=True)


def test_adding_the_same_person_again_says_so_beside_the_address(forms, db, login_as,
                                                                 create_user):
    login_as(create_user(roles=("admin",)))
    data = {"full_name": "Asel Bekova", "title": "Head", "email": "asel@customs.kg",
            "language": "en"}
    forms.post("/admin/administrations/KG/focal-points", data)
    response = forms.post("/admin/administrations/KG/focal-points", data)
    assert response.status_code == 200
    assert "asel@customs.kg is already a focal point of this administration." in \
        response.get_data(as_text=True)


def test_another_administrations_focal_point_is_not_found(forms, db, login_as, create_user):
    actor = login_as(create_user(roles=("admin",)))
    focal_point = _add("KG", actor)
    db.session.commit()
    page = "/admin/administrations/KZ/focal-points"
    response = forms.post(f"{page}/{focal_point.id}/remove", {}, page=page)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocalPoint)) == 1


def test_active_state_and_last_sign_in_are_listed(client, forms, db, login_as, create_user):
    officer = create_user(email="officer@customs.kg", administration="KG")
    login_as(officer)
    forms.post("/logout", {}, page="/")
    login_as(create_user(roles=("coordinator",)))
    _add("KG", None, email=officer.email)
    db.session.commit()
    listing = client.get("/admin/administrations/KG/focal-points").get_data(as_text=True)
    assert ("officer@customs.kg" in listing, "invited, no password set yet" in listing,
            ">never<" in listing) == (True, False, False)


def test_audit_log_names_the_person_added(client, db, login_as, create_user):
    coordinator = login_as(create_user(roles=("coordinator",)))
    _add("KG", coordinator, title="Head of training")
    db.session.commit()
    page = client.get("/manage/audit?action=focal_point.added").get_data(as_text=True)
    details = re.findall(r'<dt class="d-inline">([^<]*)</dt> <dd[^>]*>([^<]*)</dd>', page)
    assert details == [("Job title:", "Head of training"), ("Person:", "Asel Bekova")]


def test_a_name_in_cyrillic_is_refused_beside_the_field(forms, db, login_as, create_user):
    login_as(create_user(roles=("coordinator",)))
    response = forms.post("/admin/administrations/KG/focal-points", {
        "full_name": "Асель Бекова", "title": "Head", "email": "asel@customs.kg",
        "language": "ru"})
    assert response.status_code == 200
    assert "Write the name in Latin letters, as in the passport." in response.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocalPoint)) == 0


def _queries(client, path) -> int:
    client.get(path)  # warm
    count = [0]

    def counter(*_args, **_kwargs):
        count[0] += 1

    sa.event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return count[0]


def test_focal_point_pages_issue_as_many_queries_for_eight_as_for_one(client, db, login_as,
                                                                       create_user):
    coordinator = login_as(create_user(roles=("coordinator",)))
    pages = ("/admin/administrations/KG/focal-points", "/admin/administrations")
    _add("KG", coordinator, email="first@customs.kg")
    db.session.commit()
    one = [_queries(client, page) for page in pages]
    for n in range(7):  # three active accounts (and four elsewhere), four invited
        officer = create_user(email=f"officer{n}@customs.kg", administration="KG")
        _add("KG" if n % 2 else "KZ", coordinator, email=officer.email)
        if n % 2 == 0:
            _add("KG", coordinator, email=f"invited{n}@customs.kg")
    db.session.commit()
    assert len(services.focal_points_of("KG")) == 8
    assert [_queries(client, page) for page in pages] == one
