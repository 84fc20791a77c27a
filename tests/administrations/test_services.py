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
    assert load_administrations(path) == (52, 0)
    kosovo = db.session.get(Administration, "XK")
    kosovo.name_en = "Kosovo*"
    db.session.commit()
    assert load_administrations(path) == (0, 52)
    assert db.session.get(Administration, "XK").name_en == "Kosovo*"


def test_load_refuses_codes_cldr_does_not_know(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("iso_code,note\nAZ,\nQQ,\n", encoding="utf-8")
    with pytest.raises(UnknownTerritory):
        load_administrations(bad)


def test_names_come_from_cldr_in_each_language(db, administrations):
    mk = db.session.get(Administration, "MK")
    assert (mk.name("en"), mk.name("ru")) == ("North Macedonia", "Северная Македония")


def test_choices_are_sorted_by_name_in_the_language_and_skip_hidden(db, create_user):
    admin = create_user(roles=("admin",))
    update_administration(db.session.get(Administration, "AD"), actor=admin, name_en=None,
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
