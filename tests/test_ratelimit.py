"""Rate limits counted in the portal's database: one count for every worker and host."""

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from portal.ratelimit import DatabaseStorage, rate_limit

ROOT = Path(__file__).resolve().parent.parent

# A worker of its own: a separate process with its own app, as gunicorn's workers are. It signs
# in `attempts` times with a wrong password and prints the statuses.
WORKER = textwrap.dedent("""
    import json, re, sys
    from config import TestConfig
    from portal import create_app

    url, tmp, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limits = {"RATELIMIT_STORAGE_URI": sys.argv[4]} if len(sys.argv) > 4 else {}
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, STORAGE_PATH=tmp, MAIL_FILE_DIR=tmp,
                     **limits)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    statuses = [client.post("/login", data={"email": "victim@example.org", "password": "guess",
                                            "csrf_token": token}).status_code
                for _ in range(attempts)]
    print(json.dumps(statuses))
""")

# Many hits on one key from a process of its own, for the atomicity test.
HITTER = textwrap.dedent("""
    import sys
    from config import TestConfig
    from portal import create_app
    from portal.ratelimit import DatabaseStorage

    url, tmp, hits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, STORAGE_PATH=tmp, MAIL_FILE_DIR=tmp)
    storage = DatabaseStorage("database://")
    with app.app_context():
        for _ in range(hits):
            storage.incr("shared-key", 60)
""")


def _python(script, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _output(process):
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_the_default_store_is_the_portals_database(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    from portal.extensions import limiter

    assert type(limiter.storage) is DatabaseStorage


@pytest.fixture
def redis_url():
    """The Redis server scripts/test starts (TEST_REDIS_URL), emptied; skipped without one,
    except in CI."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_REDIS_URL is not set (scripts/test starts a Redis server)")
        pytest.skip("no Redis server: set TEST_REDIS_URL (scripts/test starts one)")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_redis_url_makes_redis_the_store(tmp_path):
    """With REDIS_URL set (and no RATELIMIT_STORAGE_URI), the limits count in that Redis."""
    env = {k: v for k, v in os.environ.items() if k != "RATELIMIT_STORAGE_URI"}
    script = "import config; print(config.Config.RATELIMIT_STORAGE_URI)"
    shown = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={**env, **extra}, check=True).stdout.strip()
             for extra in ({"REDIS_URL": "redis://127.0.0.1:6379/3"},
                           {"REDIS_URL": "redis://127.0.0.1:6379/3",
                            "RATELIMIT_STORAGE_URI": "database://"},
                           {"REDIS_URL": ""})]
    assert shown == ["redis://127.0.0.1:6379/3", "database://", "database://"]


def test_two_apps_on_one_redis_share_the_sign_in_limit(app, db, database_url, redis_url, tmp_path):
    """Two processes, each with its own app as two hosts have, counting in one Redis: 6 attempts
    in one and 6 in the other make 12, of which the last 2 are refused."""
    db.session.commit()
    first = json.loads(_output(_python(WORKER, database_url, tmp_path, 6, redis_url)))
    second = json.loads(_output(_python(WORKER, database_url, tmp_path, 6, redis_url)))
    assert first + second == [200] * 10 + [429] * 2
    import redis

    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() > 0  # counted there, not in the database
    assert db.session.scalar(sa.select(sa.func.count()).select_from(rate_limit)) == 0


def test_two_workers_on_one_database_share_the_sign_in_limit(app, db, database_url, tmp_path):
    """The sign-in limit (10 a minute) holds across workers: 6 attempts in one worker and 6 in
    another make 12, of which the last 2 are refused (each worker allowed 10 with memory://)."""
    db.session.commit()
    first = json.loads(_output(_python(WORKER, database_url, tmp_path, 6)))
    second = json.loads(_output(_python(WORKER, database_url, tmp_path, 6)))
    assert first + second == [200] * 10 + [429] * 2


def test_hits_from_processes_at_once_are_all_counted(app, db, database_url, tmp_path):
    db.session.commit()
    workers = [_python(HITTER, database_url, tmp_path, 40) for _ in range(3)]
    for worker in workers:
        _output(worker)
    assert DatabaseStorage("database://").get("shared-key") == 120


def test_two_stores_count_together_and_a_window_starts_afresh_when_it_ends(app, db):
    limit = parse("3 per minute")
    workers = [FixedWindowRateLimiter(DatabaseStorage("database://")) for _ in range(2)]
    allowed = [workers[n % 2].hit(limit, "client") for n in range(5)]
    assert allowed == [True, True, True, False, False]
    assert workers[1].get_window_stats(limit, "client").remaining == 0

    db.session.execute(sa.update(rate_limit).values(expires_at=0))  # the minute is over
    db.session.commit()
    assert workers[0].get_window_stats(limit, "client").remaining == 3
    assert [workers[1].hit(limit, "client") for _ in range(2)] == [True, True]
    assert workers[0].get_window_stats(limit, "client").remaining == 1


def test_clear_and_reset(app, db):
    storage = DatabaseStorage("database://")
    for key in ("a", "a", "b"):
        storage.incr(key, 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1
    assert storage.get("b") == 0
    assert storage.check() is True


def test_keys_are_stored_hashed(app, db, create_user, forms):
    user = create_user(email="victim@example.org")
    forms.post("/login", {"email": user.email, "password": "wrong guess number"})
    keys = db.session.scalars(sa.select(rate_limit.c.key)).all()
    assert len(keys) == 4  # a minute's and an hour's, by client address and by e-mail address
    assert [len(key) for key in keys] == [64] * 4
    assert all("victim" not in key and "127.0.0.1" not in key for key in keys)


def test_a_refused_sign_in_is_logged_with_the_limit_and_the_address_only(
        app, forms, create_user, caplog):
    user = create_user(email="victim@example.org")
    caplog.set_level(logging.INFO)
    statuses = [forms.post("/login", {"email": user.email, "password": "wrong guess number"},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
                for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    refusals = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert refusals == ["rate limit 10 per 1 minute exceeded by 203.0.113.7 at POST "
                        "accounts.login"]
    assert "victim" not in caplog.text


def _reset_requests(forms, addresses):
    """Ask for a reset link once from each client address (as the proxy names it)."""
    return [forms.post("/password/forgot", {"email": "nobody@example.org"},
                       headers={"X-Forwarded-For": address}).status_code
            for address in addresses]


@pytest.fixture
def behind_proxy(app_config):
    app_config["TRUSTED_PROXIES"] = 1


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(behind_proxy, app, forms):
    """Behind nginx every request comes from the proxy's address: with TRUSTED_PROXIES=1 the
    limits count per client (the address nginx puts in X-Forwarded-For), not for all at once."""
    app.config["RESET_RATE_LIMIT"] = "5 per minute"
    assert _reset_requests(forms, ["203.0.113.1"] * 6 + ["203.0.113.2"]) == [200] * 5 + [429, 200]


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(app, forms):
    """A client could write X-Forwarded-For itself: unless a proxy is declared, it is ignored."""
    app.config["RESET_RATE_LIMIT"] = "5 per minute"
    assert _reset_requests(forms, [f"203.0.113.{n}" for n in range(1, 8)]) == [200] * 5 + [429] * 2


def test_a_shared_store_that_is_down_still_limits_in_each_process(app, db, database_url, tmp_path):
    """Redis down: sign-in still works (no error page), and each process counts for itself until
    the store is back, so guessing stays limited. (A process of its own: the limiter's store is
    the extension's, which this process's other tests share.)"""
    db.session.commit()
    statuses = json.loads(_output(_python(WORKER, database_url, tmp_path, 11,
                                          "redis://127.0.0.1:9/0")))  # nothing listens there
    assert statuses == [200] * 10 + [429]
