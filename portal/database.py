"""Database plumbing shared by every model: naming convention, UTC times, SQLite tuning,
rows that two transactions may both insert first."""

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, request

# Stable constraint names, so that migrations are the same on SQLite and PostgreSQL.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """An aware UTC datetime on every backend (SQLite forgets the zone otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def add_first_row(session: so.Session, row, *, twin_exists: Callable[[], bool]) -> bool:
    """Insert `row`, which a unique constraint allows once (the first decision on an application,
    the first draft of a review), in a savepoint. False if another transaction inserted its twin
    meanwhile (`twin_exists` then finds it): the caller answers as it does to a stale page.
    Any other failure is raised.

    On SQLite a writing request holds the lock from its start, so it sees a twin committed before
    it and never gets here with one; on PostgreSQL two transactions can both find no row and both
    insert: the second waits for the first to commit, then fails with a unique violation.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except sa.exc.IntegrityError:
        if twin_exists():
            return False
        raise
    return True


def _writes_expected() -> bool:
    """Requests with an unsafe method write; GETs read.

    Outside a request (commands, the e-mail sender, tests) transactions start deferred:
    there a read must never hold the write lock that the web requests wait for, and the
    writes are single short statements that wait their turn through the busy timeout.
    """
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def configure_sqlite(engine: sa.Engine, busy_timeout: int) -> None:
    """WAL, a busy timeout, and write transactions that take the lock up front.

    SQLite's default deferred transaction upgrades its read lock to a write lock at
    the first write and fails at once with "database is locked" if another writer got
    there first; BEGIN IMMEDIATE makes it wait its turn (up to the busy timeout).
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event, not the driver, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        # A connection may say which it needs (portal/ratelimit.py's counts, read after a view
        # that still holds the write lock, must not wait for it).
        immediate = connection.get_execution_options().get("sqlite_immediate",
                                                            _writes_expected())
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- Which sessions hold writes --------------------------------------------------------------
# On SQLite (WAL) a transaction that has only read cannot start writing once another connection
# has committed since its first read ("database is locked", whatever the busy timeout). Long work
# (a job, a page that keeps a computed ranking) asks whether its transaction wrote: if not, it
# may end it and write in a fresh one.
_WROTE = "portal.wrote"


def session_wrote(session: so.Session) -> bool:
    """Whether the session's current transaction has written (flushed or executed DML)."""
    return bool(session.info.get(_WROTE)) or bool(session.new or session.dirty or session.deleted)


def start_writing(session: so.Session) -> None:
    """Make a job's session ready to write. On SQLite a transaction that has only read ends first
    (nothing is pending, so nothing is committed; what it loaded stays loaded) and the next one
    takes the write lock at once: it could not write from a snapshot that another connection's
    commit (a progress report, the heartbeat, a web request) made old. From then on the session
    counts as writing, so no progress is written on another connection until it ends (it would
    wait for the lock)."""
    if session.get_bind().dialect.name != "sqlite" or session_wrote(session):
        return
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    session.connection(execution_options={"sqlite_immediate": True})
    session.info[_WROTE] = True


@sa.event.listens_for(so.Session, "after_flush")
def _flushed(session, _flush_context) -> None:
    session.info[_WROTE] = True


@sa.event.listens_for(so.Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@sa.event.listens_for(so.Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
