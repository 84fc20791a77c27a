"""Shared fixtures: an app per test on a database built by the migrations, emptied after."""

import os
import re

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings

from config import TestConfig
from portal import create_app
from portal.extensions import db as _db
from portal.extensions import limiter

# Property tests are not timed: on two busy cores an example may take longer than Hypothesis'
# default 200 ms deadline, which would fail a correct test.
settings.register_profile("portal", deadline=None)
settings.load_profile("portal")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# Where the tests keep documents: "folder" (the default) or "database" (scripts/test runs the
# PostgreSQL half with it).
TEST_STORAGE_BACKEND = os.environ.get("TEST_STORAGE_BACKEND", "folder")


def pytest_report_header(config):
    backend = "PostgreSQL" if TEST_DATABASE_URL else "SQLite (temporary file)"
    return f"portal test database: {backend}; documents stored in: {TEST_STORAGE_BACKEND}"


@pytest.fixture(scope="session", autouse=True)
def _page_counts_remembered():
    """The uploads' PDF check parses each file in a child process (about 35 ms). Thousands of
    tests upload the same few files, so the result for the same bytes and limits is remembered
    for the session: the same answer, computed once. tests/test_pdf_structure.py checks the
    parser itself, uncached."""
    import hashlib
    from pathlib import Path

    from portal.applications import documents
    from portal.endorsements import services as endorsement_services

    real = documents.page_count
    known = {}

    def page_count(path, *, memory, seconds):
        key = (hashlib.sha256(Path(path).read_bytes()).hexdigest(), memory, seconds)
        if key not in known:
            known[key] = real(path, memory=memory, seconds=seconds)
        return known[key]

    documents.page_count = endorsement_services.page_count = page_count
    yield
    documents.page_count = endorsement_services.page_count = real


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Build the schema once per run, through the migrations (so they are tested too)."""
    from flask_migrate import downgrade, upgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        _db.session.execute(sa.text("SELECT 1"))
        _db.session.rollback()
        _drop_everything()
        upgrade()
    yield
    with app.app_context():
        downgrade(revision="base")
        _db.engine.dispose()


def _drop_everything():
    metadata = sa.MetaData()
    metadata.reflect(bind=_db.engine)
    metadata.drop_all(bind=_db.engine)
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app_config(tmp_path):
    """Overrides for the app of one test; a test may change it before using `app`."""
    return {
        "STORAGE_PATH": str(tmp_path / "storage"),
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "STORAGE_BACKEND": TEST_STORAGE_BACKEND,
    }


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as a real server does.

    The test's own context (and its database session) would otherwise be shared with
    the request: `g` (and the signed-in user cached there) would leak from one request
    into the next. The test's work is committed first so the request sees it, and the
    test's objects are expired after, so the test sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        in_test_context = has_app_context()  # not so in a test's worker threads
        if in_test_context:
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if in_test_context:
            _db.session.expire_all()
        return response


# What every test's app is given (app_config's defaults): an app built with only these is shared.
PER_TEST_KEYS = frozenset({"STORAGE_PATH", "MAIL_FILE_DIR", "STORAGE_BACKEND"})
_shared_apps: dict[str, object] = {}


def _shared_app(database_url: str):
    """One app per database for the tests that change nothing of its making: building an app
    compiles its 650 URL rules, about a tenth of a second, which every test paid before."""
    if database_url not in _shared_apps:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
        app.test_client_class = IsolatedClient
        _shared_apps[database_url] = app
    return _shared_apps[database_url]


@pytest.fixture
def app(request, _schema, database_url, app_config):
    """The app of one test. Shared between tests unless the test changes what create_app reads
    (app_config keys beyond the per-test folders) or marks itself `own_app` (it adds routes,
    which Flask refuses once an app has served a request); the shared app's configuration is
    put back as it was after each test."""
    own = set(app_config) - PER_TEST_KEYS or request.node.get_closest_marker("own_app")
    if own:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **app_config)
        app.test_client_class = IsolatedClient
    else:
        app = _shared_app(database_url)
    config_before = dict(app.config)
    app.config.update(app_config)
    with app.app_context():
        limiter.reset()
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()
    app.config.clear()
    app.config.update(config_before)


def _empty_tables():
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f'DELETE FROM "{name}"'))  # noqa: S608 (names from metadata)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def administrations(app):
    from portal.administrations.services import load_administrations

    load_administrations(app.config["ADMINISTRATIONS_CSV"])
    _db.session.commit()


PASSWORD = "correct horse battery staple"


@pytest.fixture
def create_user(app, administrations):
    """Factory: create_user(roles=("reviewer",), email=..., language="ru", verified=True)."""
    from portal.accounts.models import Role
    from portal.accounts.services import Profile
    from portal.accounts.services import create_user as create

    counter = iter(range(1, 100_000))

    def make(*, email=None, roles=(Role.applicant,), language="en", verified=True,
             administration="AZ", full_name=None, password=PASSWORD, time_zone="Asia/Baku"):
        n = next(counter)
        profile = Profile(full_name=full_name or f"Test User {n}", native_name=None,
                          administration_code=administration, position="Inspector",
                          preferred_language=language, time_zone=time_zone)
        user = create(email=email or f"user{n}@example.org", password=password,
                      profile=profile, roles=[Role(r) for r in roles], verified=verified)
        _db.session.commit()
        return user

    return make


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class FormClient:
    """Posts forms the way a browser does: fetch the page, send its CSRF token back."""

    def __init__(self, client):
        self.client = client

    def token(self, url="/"):
        return csrf_token_from(self.client.get(url).get_data(as_text=True))

    def post(self, url, data=None, *, page=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def forms(client):
    return FormClient(client)


@pytest.fixture
def login_as(client, forms):
    """login_as(user): sign the test client in through the real login form."""

    def login(user, password=PASSWORD):
        response = forms.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def outbox(app):
    """The messages queued in the outbox, newest last."""
    from portal.notifications.models import OutboxMessage

    def messages():
        _db.session.expire_all()
        return _db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()

    return messages


def link_in(text: str, base: str = "http://portal.test") -> str:
    """The first portal link in an e-mail body, as a path for the test client."""
    match = re.search(re.escape(base) + r"(/[^\s\"<]+)", text)
    assert match, "no portal link in the message"
    return match.group(1)


@pytest.fixture
def create_call(app, administrations):
    """Factory: an open call (both languages, one criterion) unless told otherwise."""
    from datetime import timedelta

    from portal.calls.models import Call, CallState, Criterion
    from portal.database import utcnow

    counter = iter(range(1, 100_000))

    def make(*, state=CallState.open, opens_at=None, closes_at=None, **fields):
        n = next(counter)
        now = utcnow()
        call = Call(
            slug=f"call-{n}", state=state,
            title_en=f"Fellowship call {n}", title_ru=f"Конкурс {n}",
            summary_en="Summary", summary_ru="Кратко",
            description_en="Description", description_ru="Описание",
            eligibility_en="Eligibility", eligibility_ru="Требования",
            opens_at=opens_at or now - timedelta(days=1),
            closes_at=closes_at or now + timedelta(days=30),
            review_deadline=(closes_at or now + timedelta(days=30)) + timedelta(days=30),
            **{"places": 3, "programme_year": 2027, **fields})
        call.criteria = [Criterion(position=1, name_en="Experience", name_ru="Опыт",
                                   guidance_en="How much", guidance_ru="Сколько")]
        _db.session.add(call)
        _db.session.commit()
        return call

    return make


# A minimal one-page PDF that a PDF library opens (uploads are parsed, not only sniffed).
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
             b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
             b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")

COMPLETE_ANSWERS = {
    "personal": {"full_name": "Ivan Petrov", "native_name": "Иван Петров",
                 "date_of_birth": "1985-04-12", "phone": "+7 495 000 00 00"},
    "professional": {"administration_code": "RU", "department": "Risk management",
                     "position": "Chief inspector", "years_in_service": 12,
                     "expertise": "Risk analysis, post-clearance audit"},
    "languages": {"english_level": "B2", "russian_level": "native", "other_languages": ""},
    "motivation": {"motivation": "I want to learn.", "project_title": "Risk profiles",
                   "project_description": "A project on shared risk profiles."},
    "nomination": {"nominator_name": "Olga Smirnova", "nominator_title": "Head of department",
                   "nominator_email": "o.smirnova@customs.example"},
}


@pytest.fixture
def create_application(app, create_user, create_call):
    """Factory: a draft application; complete=True fills every section and uploads documents."""
    import io

    from portal.applications import services
    from portal.applications.models import DocumentKind
    from portal.database import utcnow

    def make(*, applicant=None, call=None, complete=False, language="en", submit=False):
        applicant = applicant or create_user()
        call = call or create_call()
        application = services.start_application(call, applicant=applicant, language=language,
                                                 now=utcnow())
        if complete or submit:
            for key, answers in COMPLETE_ANSWERS.items():
                section = application.section(key)
                services.save_section(application, key, answers=dict(answers),
                                      expected_version=section.version if section else 0,
                                      now=utcnow())
            for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
                services.add_document(application, kind=kind, stream=io.BytesIO(PDF_BYTES),
                                      filename=f"{kind.value}.pdf", actor=applicant,
                                      now=utcnow())
        if submit:
            services.submit_application(application, actor=applicant, now=utcnow())
        _db.session.commit()
        return application

    return make


@pytest.fixture
def count_queries(db):
    """count_queries(action): how many SQL statements the action sent to the database."""

    def count(action):
        seen = []

        def listener(*args):
            seen.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            action()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    return count
