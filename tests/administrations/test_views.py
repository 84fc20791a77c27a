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
