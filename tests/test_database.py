"""The database layer: migrations match the models; SQLite copes with simultaneous writers."""

import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.accounts.models import User


def test_migrations_match_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_times_come_back_aware_in_utc(db, create_user):
    user = create_user()
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh.created_at.utcoffset().total_seconds() == 0


def test_simultaneous_writers_wait_their_turn(app, db, create_user):
    """Sixteen threads each update rows at once: none fails with 'database is locked'."""
    users = [create_user() for _ in range(16)]
    ids = [u.id for u in users]
    db.session.commit()  # end this thread's own transaction before the writers start
    errors = []
    barrier = threading.Barrier(len(ids))

    def write(user_id):
        with app.test_request_context(method="POST"):
            try:
                barrier.wait()
                for _ in range(5):
                    user = db.session.get(User, user_id)
                    user.position = f"{user.position}+"
                    db.session.commit()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    positions = db.session.scalars(sa.select(User.position)).all()
    assert positions == ["Inspector+++++"] * 16


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
