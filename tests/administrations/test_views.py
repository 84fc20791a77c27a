import sqlalchemy as sa

from portal.administrations.models import Administration


def test_admin_lists_administrations_in_russian(client, login_as, create_user):
    login_as(create_user(roles=("admin",), language="ru"))
    html = client.get("/admin/administrations").get_data(as_text=True)
    assert "Азербайджан" in html and "Косово" in html


def test_admin_corrects_a_name(client, forms, login_as, create_user, db):
    login_as(create_user(roles=("admin",)))
    response = forms.post("/admin/administrations/tr", {"name_en": "Türkiye", "name_ru": "",
                                                        "note": "", "is_active": "y"})
    assert response.status_code == 302
    assert db.session.get(Administration, "TR").name_en == "Türkiye"


def test_unknown_administration_is_404(client, login_as, create_user):
    login_as(create_user(roles=("admin",)))
    assert client.get("/admin/administrations/QQ").status_code == 404


def test_admin_adds_an_administration_with_the_standard_names(client, forms, login_as,
                                                               create_user, db):
    from portal.administrations.services import administration_choices

    login_as(create_user(roles=("admin",)))
    page = client.get("/admin/administrations/new").get_data(as_text=True)
    assert 'value="US"' in page and 'value="AZ"' not in page  # only those not yet present
    response = forms.post("/admin/administrations/new", {"code": "US", "name_en": "",
                                                          "name_ru": "", "note": ""})
    assert response.headers["Location"] == "/admin/administrations/US"
    assert db.session.get(Administration, "US").name("ru") == "Соединенные Штаты"  # CLDR's
    assert ("US", "United States") in administration_choices("en")


def test_adding_an_administration_twice_is_refused(forms, login_as, create_user, db):
    login_as(create_user(roles=("admin",)))
    response = forms.post("/admin/administrations/new", {"code": "AZ"})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Administration).where(
        Administration.code == "AZ")) == 1
