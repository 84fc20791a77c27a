import pytest
import sqlalchemy as sa

from portal.administrations.models import Administration
from portal.administrations.services import (
    UnknownTerritory,
    administration_choices,
    load_administrations,
    update_administration,
)


def test_load_adds_the_region_once_and_keeps_corrections(app, db):
    path = app.config["ADMINISTRATIONS_CSV"]
    assert load_administrations(path) == (52, 0, 0)
    update_administration(db.session.get(Administration, "XK"), actor=None, name_en="Kosovo*",
                          name_ru=None, note="", is_active=True)
    update_administration(db.session.get(Administration, "KG"), actor=None, name_en=None,
                          name_ru="Кыргызская Республика", note="", is_active=True)
    db.session.commit()
    assert load_administrations(path) == (0, 0, 52)
    assert (db.session.get(Administration, "XK").name("en"),
            db.session.get(Administration, "KG").name("ru")) == ("Kosovo*", "Кыргызская Республика")


def test_names_are_those_the_administrations_use_for_themselves(db, administrations):
    names = {code: (db.session.get(Administration, code).name("en"),
                    db.session.get(Administration, code).name("ru"))
             for code in ("KG", "BA", "BY", "MD")}
    assert names == {"KG": ("Kyrgyzstan", "Кыргызстан"),
                     "BA": ("Bosnia and Herzegovina", "Босния и Герцеговина"),
                     "BY": ("Belarus", "Беларусь"), "MD": ("Moldova", "Молдова")}


def test_load_gives_an_existing_database_the_reference_names(app, db):
    """A database loaded before the file had names gets them; an admin's other changes
    (here: retiring Andorra) do not count as a correction of its names."""
    from portal.audit.models import AuditEvent

    db.session.add_all([Administration(code="KG"), Administration(code="BA"),
                        Administration(code="AD")])
    update_administration(db.session.get(Administration, "AD"), actor=None, name_en=None,
                          name_ru=None, note="", is_active=False)
    db.session.commit()
    assert load_administrations(app.config["ADMINISTRATIONS_CSV"]) == (49, 2, 3)
    assert (db.session.get(Administration, "KG").name("ru"),
            db.session.get(Administration, "BA").name("en")) == (
        "Кыргызстан", "Bosnia and Herzegovina")
    events = db.session.execute(sa.select(AuditEvent.object_id, AuditEvent.details).where(
        AuditEvent.action == "administration.reference_names").order_by(AuditEvent.object_id)).all()
    assert [(code, details["after"]) for code, details in events] == [
        ("BA", ["Bosnia and Herzegovina", None]), ("KG", [None, "Кыргызстан"])]


def test_reference_file_gives_each_administration_a_time_zone(app):
    from portal.administrations.services import reference_time_zones

    zones = reference_time_zones(app.config["ADMINISTRATIONS_CSV"])
    assert (len(zones), zones["AZ"], zones["KG"], zones["UA"]) == (
        52, "Asia/Baku", "Asia/Bishkek", "Europe/Kyiv")


def test_load_refuses_codes_cldr_does_not_know(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("iso_code,note\nAZ,\nQQ,\n", encoding="utf-8")
    with pytest.raises(UnknownTerritory):
        load_administrations(bad)


def test_names_come_from_cldr_in_each_language(db, administrations):
    mk = db.session.get(Administration, "MK")
    assert (mk.name("en"), mk.name("ru")) == ("North Macedonia", "Северная Македония")


def test_choices_are_sorted_by_name_in_the_language_and_skip_hidden(db, create_user):
    update_administration(db.session.get(Administration, "AD"), actor=None, name_en=None,
                          name_ru=None, note="", is_active=False)
    names = [name for _, name in administration_choices("ru")]
    assert names == sorted(names)
    assert "Андорра" not in names
    assert dict(administration_choices("en"))["AZ"] == "Azerbaijan"


def test_update_is_audited(db, create_user):
    from portal.audit.models import AuditEvent

    admin = create_user(roles=("admin",))
    update_administration(db.session.get(Administration, "TR"), actor=admin, name_en="Türkiye",
                          name_ru="", note="", is_active=True)
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "administration.updated"))
    assert (event.actor_id, event.object_id) == (admin.id, "TR")
    assert db.session.get(Administration, "TR").name("en") == "Türkiye"
