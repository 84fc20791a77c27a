"""Rate limits counted in the portal's own database, so that they hold for the whole site.

A storage for the `limits` library (which Flask-Limiter counts with), registered under the scheme
`database://`, the default of RATELIMIT_STORAGE_URI: every worker and host that shares the portal's
database (SQLite or PostgreSQL) shares the counts, with no server of its own to run. A site with
Redis (REDIS_URL) counts there instead: config.py then makes it the default.

Each hit is one statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) in a short transaction
of its own: atomic on both databases, so two workers never both read the same count, and an attempt
stays counted when the request's own work is rolled back. (On SQLite, should a writing request's
session already hold the database's only write lock when a limit is checked, the hit goes into that
transaction instead: a transaction of its own would wait for the lock its own request holds.)
Reads never take SQLite's write lock. Windows are fixed, as in Flask-Limiter's default strategy.
Keys are kept hashed: a limit keyed by an e-mail address stores no address.
"""

import hashlib
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite

from portal.database import _writes_expected, metadata

rate_limit = sa.Table(
    "rate_limit", metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # SHA-256 of the limiter's key, in hex
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),  # Unix time
)

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in the table `rate_limit` of the current app's database."""

    STORAGE_SCHEME = ["database"]
    # Every this many hits (per process), the expired counters are deleted.
    PRUNE_EVERY = 200

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._hits = itertools.count(1)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _engine() -> sa.Engine:
        return current_app.extensions["sqlalchemy"].engine

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with self._engine().connect() as connection:
            yield connection.execution_options(sqlite_immediate=False)

    @contextmanager
    def _writing(self, engine: sa.Engine) -> Iterator[sa.Connection]:
        session = current_app.extensions["sqlalchemy"].session()
        if engine.dialect.name == "sqlite" and _writes_expected() and session.in_transaction():
            yield session.connection()  # it holds the write lock: count in its transaction
            return
        with engine.connect() as connection:
            connection.execution_options(sqlite_immediate=True)
            with connection.begin():
                yield connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        engine = self._engine()
        now = time.time()
        insert = _INSERT[engine.dialect.name](rate_limit).values(
            key=_hashed(key), hits=amount, expires_at=now + expiry)
        expired = rate_limit.c.expires_at <= now
        statement = insert.on_conflict_do_update(
            index_elements=[rate_limit.c.key],
            set_={"hits": sa.case((expired, insert.excluded.hits),
                                  else_=rate_limit.c.hits + amount),
                  "expires_at": sa.case((expired, insert.excluded.expires_at),
                                        else_=rate_limit.c.expires_at)},
        ).returning(rate_limit.c.hits)
        with self._writing(engine) as connection:
            hits = connection.scalar(statement)
            if next(self._hits) % self.PRUNE_EVERY == 0:
                connection.execute(rate_limit.delete().where(expired))
        return hits

    def get(self, key: str) -> int:
        with self._reading() as connection:
            hits = connection.scalar(sa.select(rate_limit.c.hits).where(
                rate_limit.c.key == _hashed(key), rate_limit.c.expires_at > time.time()))
        return hits or 0

    def get_expiry(self, key: str) -> float:
        with self._reading() as connection:
            expires_at = connection.scalar(sa.select(rate_limit.c.expires_at).where(
                rate_limit.c.key == _hashed(key)))
        return expires_at or time.time()

    def check(self) -> bool:
        try:
            with self._reading() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._writing(self._engine()) as connection:
            return connection.execute(rate_limit.delete()).rowcount

    def clear(self, key: str) -> None:
        with self._writing(self._engine()) as connection:
            connection.execute(rate_limit.delete().where(rate_limit.c.key == _hashed(key)))


def log_breach(limit: RequestLimit) -> None:
    """Log a refused request: the limit, the client's address and the endpoint, nothing personal
    besides (not the path, which may hold a reset link's token; not the limiter's key, which may
    be an e-mail address, hence Flask-Limiter's own message is kept out of the log)."""
    current_app.logger.warning("rate limit %s exceeded by %s at %s %s", limit.limit,
                               get_remote_address(), request.method, request.endpoint)
