"""A real PostgreSQL stopped in the middle of a request, then started again.

The tests here run on a throw-away cluster of their own (whatever TEST_DATABASE_URL names), so that
stopping it disturbs nothing else. They need the PostgreSQL server binaries: without them they are
skipped, with the reason, except under CI=true, where that is a failure.
"""

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestConfig
from portal import create_app
from portal.applications import services as application_services
from portal.applications.models import ApplicationSection
from portal.extensions import db as _db
from portal.extensions import limiter
from tests.conftest import IsolatedClient, _empty_tables

MOTIVATION = "Я хочу изучить управление рисками.\nAnd bring it home."


def _pg_bin_dir() -> str | None:
    which = shutil.which("pg_ctl")
    candidates = [os.path.dirname(which)] if which else []
    candidates += ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in ("initdb", "pg_ctl")):
            return directory
    return None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Cluster:
    """A PostgreSQL cluster in a temporary folder, run as `postgres` when we are root (it refuses
    to run as root)."""

    def __init__(self, bin_dir: str):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="portal-outage-"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.running = False

    def _run(self, program: str, *args: str) -> None:
        command = [os.path.join(self.bin_dir, program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.root / "data"), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        if not self.running:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"), "-w",
                      "-o", f"-k {self.root} -h 127.0.0.1 -p {self.port} -c fsync=off "
                            "-c full_page_writes=off", "start")
            self.running = True

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
            self.running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(_schema):
    # _schema: the suite's database is built first, whichever test runs first, because alembic's
    # logging set-up silences the loggers that exist when it runs (the portal's, made here).
    bin_dir = _pg_bin_dir()
    if bin_dir is None:
        reason = ("no PostgreSQL server binaries (initdb, pg_ctl) on PATH, in /usr/local/bin or "
                  "/usr/lib/postgresql/*/bin: the outage tests need a server they can stop")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    if os.geteuid() == 0 and not _user_exists("postgres"):
        subprocess.run([shutil.which("useradd") or "/usr/sbin/useradd", "--system",
                        "--no-create-home", "postgres"], check=True)
    cluster = Cluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=cluster.url)
        with app.app_context():
            # The tables as the models declare them (the migrations are tested on the suite's
            # database; alembic's logging set-up would also silence loggers made before it).
            _db.create_all()
            _db.engine.dispose()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def app(postgres, app_config):
    """The portal on the module's own cluster (instead of the suite's database)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=postgres.url, **app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()
        yield app
        _db.session.remove()
        postgres.start()  # if the test stopped short
        _db.engine.dispose()
        _empty_tables()
        _db.engine.dispose()


def _entries(html: str) -> list[tuple[str, str]]:
    """(label, text) of each text shown back on the outage page."""
    return re.findall(r'<label class="form-label" for="entry-\d+">(.*?)</label>\s*'
                      r'<textarea[^>]*readonly>(.*?)</textarea>', html, re.S)


def test_database_stopped_during_a_post_answers_503_with_the_text_then_recovers(
        app, db, client, forms, login_as, create_user, create_application, postgres, monkeypatch):
    application = create_application(applicant=create_user(language="ru"))
    login_as(application.applicant)
    url = f"/applications/{application.id}/sections/motivation"
    application_id = application.id
    token = forms.token(url)
    db.session.close()  # the test holds no connection across the outage
    save_section = application_services.save_section

    def stop_then_save(*args, **kwargs):
        postgres.stop()  # the request has read the application and is about to write
        return save_section(*args, **kwargs)

    monkeypatch.setattr(application_services, "save_section", stop_then_save)
    typed = {"version": "0", "motivation": MOTIVATION, "project_title": "Risk & profiles",
             "project_description": "", "csrf_token": token}
    response = client.post(url, data=typed)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    # In the applicant's language, read before the outage; the text fields named by their labels,
    # without the form's version and token.
    assert "<h1>Портал ненадолго недоступен</h1>" in html
    assert _entries(html) == [("Мотивационное письмо", MOTIVATION),
                              ("Название предлагаемого проекта стажировки", "Risk &amp; profiles")]

    health = client.get("/healthz")
    assert (health.status_code, health.get_json()) == (503, {"status": "error",
                                                             "database": "unreachable"})

    monkeypatch.setattr(application_services, "save_section", save_section)
    postgres.start()
    assert client.get("/healthz").status_code == 200
    assert client.get(url).status_code == 200
    assert client.post(url, data=typed).status_code == 302
    saved = db.session.get(ApplicationSection, (application_id, "motivation"))
    assert saved.answers["motivation"] == MOTIVATION


def test_first_request_after_a_restart_succeeds(app, db, client, login_as, create_user, postgres):
    """The connections kept in the pool died with the server; each is checked before use."""
    login_as(create_user())
    db.session.close()
    assert client.get("/applications/").status_code == 200
    postgres.stop()
    postgres.start()
    assert client.get("/applications/").status_code == 200
    assert db.session.scalar(sa.text("SELECT 1")) == 1
