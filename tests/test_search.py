"""portal/search.py: searches fold case in every script and take the term's wildcards literally,
on SQLite and PostgreSQL alike (run with TEST_DATABASE_URL for the second)."""

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.search import collation_key, fold, like_escaped, matches, search_text


def test_fold_casefolds_every_script_and_collapses_white_space():
    assert fold("  АЙБЕК\tТоктогулов ") == "айбек токтогулов"
    assert fold("Straße ÇAĞRI ΟΔΥΣΣΕΑΣ") == "strasse çağri οδυσσεασ"
    assert fold(None) == ""


def test_search_text_keeps_parts_apart_so_a_term_never_spans_two():
    assert search_text("Aibek Toktogulov", "Айбек Токтогулов", None) == (
        "aibek toktogulov\x1fайбек токтогулов\x1f")
    assert fold("a\x1fb") == "a b"  # the separator is white space to a term


def test_like_escaped_escapes_both_wildcards_and_the_escape_itself():
    assert like_escaped("100%_a\\b") == "100\\%\\_a\\\\b"


def _names(db, term):
    return sorted(db.session.scalars(sa.select(User.full_name)
                                     .where(matches(term, User.search_text))))


@pytest.fixture
def people(create_user, db):
    create_user(full_name="Aibek Toktogulov", email="a.toktogulov@customs.example")
    create_user(full_name="Nurlan Abenov", email="n_abenov@customs.example")
    create_user(full_name="Olga 100% Sure", email="olga@customs.example")
    create_user(full_name="Back Slash", email="back\\slash@customs.example")
    for user, native in zip(db.session.scalars(sa.select(User).order_by(User.id)),
                            ["Айбек Токтогулов", "Нурлан Абенов", None, None], strict=True):
        user.native_name = native
    db.session.commit()


@pytest.mark.parametrize(("term", "found"), [
    ("айбек", ["Aibek Toktogulov"]),
    ("АЙБЕК", ["Aibek Toktogulov"]),
    ("тОКТОГУЛОВ айбек", ["Aibek Toktogulov"]),  # every word, in any order
    ("AIBEK", ["Aibek Toktogulov"]),
    ("нурлан", ["Nurlan Abenov"]),
    ("N_ABENOV@", ["Nurlan Abenov"]),
    ("%", ["Olga 100% Sure"]),
    ("_", ["Nurlan Abenov"]),
    ("\\", ["Back Slash"]),
    ("a%b", []),
    ("a_toktogulov", []),
    ("токтогулов aibek", ["Aibek Toktogulov"]),
    ("", ["Aibek Toktogulov", "Back Slash", "Nurlan Abenov", "Olga 100% Sure"]),
])
def test_matches_folds_case_in_any_script_and_takes_wildcards_literally(db, people, term, found):
    assert _names(db, term) == found


def test_search_column_follows_every_change_made_through_the_orm(db, create_user):
    user = create_user(full_name="Rustam Nazarov", email="r.nazarov@customs.example")
    user.native_name = "Рустам Назаров"
    db.session.commit()
    assert _names(db, "назаров") == ["Rustam Nazarov"]
    user.native_name = "Рустам Назарбеков"
    user.email = "rustam@customs.example"
    db.session.commit()
    assert _names(db, "назаров") == []
    assert _names(db, "назарбеков RUSTAM@") == ["Rustam Nazarov"]


def test_search_column_is_filled_by_a_bulk_insert(db, administrations):
    db.session.execute(sa.insert(User), [{
        "email": "bulk@customs.example", "password_hash": "x", "full_name": "Bulk Inserted",
        "native_name": "Вставлен Разом"}])
    db.session.commit()
    assert _names(db, "разом") == ["Bulk Inserted"]


def test_collation_key_puts_accented_letters_beside_their_base():
    names = ["Türkiye", "Tajikistan", "Ukraine", "Österreich", "Norway", "Ёлка", "Жуков", "Ель"]
    assert sorted(names, key=collation_key) == [
        "Norway", "Österreich", "Tajikistan", "Türkiye", "Ukraine", "Ёлка", "Ель", "Жуков"]


def test_migration_fills_the_search_columns_of_existing_rows(tmp_path):
    """Users and applications that existed before the columns are found like new ones."""
    import importlib.util
    from datetime import UTC, datetime
    from pathlib import Path

    from flask_migrate import downgrade, upgrade

    from config import TestConfig
    from portal import create_app
    from portal.extensions import db

    path = next((Path(__file__).parents[1] / "migrations" / "versions").glob("*_search_columns.py"))
    spec = importlib.util.spec_from_file_location("search_columns_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}",
                     STORAGE_PATH=str(tmp_path / "storage"), MAIL_FILE_DIR=str(tmp_path / "mail"))
    now = datetime(2026, 11, 30, tzinfo=UTC).replace(tzinfo=None)
    with app.app_context():
        upgrade(revision=migration.down_revision)
        tables = sa.MetaData()
        tables.reflect(bind=db.engine)
        with db.engine.begin() as connection:
            connection.execute(sa.insert(tables.tables["user"]), [{
                "id": 1, "email": "a.toktogulov@customs.example", "password_hash": "x",
                "full_name": "Aibek Toktogulov", "native_name": "Айбек Токтогулов",
                "position": "", "preferred_language": "ru", "time_zone": "Asia/Bishkek",
                "is_active_account": True, "session_token": "t1", "created_at": now}])
            connection.execute(sa.insert(tables.tables["call"]), [{
                "id": 1, "slug": "call", "state": "open", "title_en": "", "title_ru": "",
                "summary_en": "", "summary_ru": "", "description_en": "", "description_ru": "",
                "eligibility_en": "", "eligibility_ru": "", "time_zone": "Asia/Baku", "places": 1,
                "reviewers_per_application": 1, "blind_review": True, "show_other_reviews": False,
                "offer_response_days": 14, "created_at": now, "updated_at": now, "version": 1}])
            connection.execute(sa.insert(tables.tables["application"]), [{
                "id": 1, "call_id": 1, "applicant_id": 1, "state": "draft", "language": "ru",
                "applicant_name": "Aibek Toktogulov", "created_at": now, "updated_at": now,
                "screening_reason": ""}])
            connection.execute(sa.insert(tables.tables["application_section"]), [{
                "application_id": 1, "key": "personal", "version": 1, "complete": True,
                "updated_at": now,
                "answers": {"full_name": "Aibek Toktogulov", "native_name": "Айбек Токтогулов"}}])
        upgrade(revision=migration.revision)
        with db.engine.connect() as connection:
            user = connection.execute(sa.text('SELECT search_text FROM "user"')).scalar_one()
            application = connection.execute(sa.text(
                "SELECT applicant_native_name, search_text FROM application")).one()
        downgrade(revision=migration.down_revision)  # with rows that point at each other
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM application")).scalar() == 1
        db.engine.dispose()
    assert user == "aibek toktogulov\x1fайбек токтогулов\x1fa.toktogulov@customs.example"
    assert tuple(application) == ("Айбек Токтогулов", "aibek toktogulov\x1fайбек токтогулов")
