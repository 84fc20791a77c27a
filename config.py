"""Configuration classes: the only place that reads environment variables."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# The value development and tests use; production refuses to start with it.
DEVELOPMENT_SECRET = "development-only-secret-do-not-deploy"  # noqa: S105 (refused in production)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    ENV_NAME = "base"
    OUTBOX_SEND_IN_BACKGROUND = True
    MIGRATIONS_DIR = BASE_DIR / "migrations"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite'}"
    )
    # pre_ping: a connection that died with a database restart is replaced before use, so the
    # first request after an outage succeeds. hide_parameters: an error's log names the SQL but
    # not its values, which can be personal data.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # How long (seconds) a SQLite writer waits for the lock before giving up.
    SQLITE_BUSY_TIMEOUT = _env_int("SQLITE_BUSY_TIMEOUT", 30)

    STORAGE_PATH = os.environ.get("STORAGE_PATH", str(INSTANCE_DIR / "storage"))
    # Where documents are kept: "folder" (STORAGE_PATH, every host must share it) or "database"
    # (chunks in the portal's database, which every host reaches already).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "folder")
    # Jobs (portal/jobs): Huey on the Redis server of REDIS_URL when there is one, else on this
    # SQLite file, read by `flask jobs worker` (scripts/run starts one).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH", str(INSTANCE_DIR / "jobs.sqlite"))
    JOBS_IMMEDIATE = False  # run each job inline at once (the tests)
    JOBS_RETRY_DELAY = _env_int("JOBS_RETRY_DELAY", 30)  # seconds before the first retry; doubles
    JOBS_HEARTBEAT = _env_int("JOBS_HEARTBEAT", 10)  # seconds between a running job's signs of life
    JOBS_STALE_AFTER = _env_int("JOBS_STALE_AFTER", 60)  # no sign of life for this long: worker died
    JOBS_RESEND_AFTER = _env_int("JOBS_RESEND_AFTER", 120)  # queued this long unclaimed: send again
    # With no MAIL_SERVER, e-mails are written as .eml files here instead of sent.
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "ROCB Europe fellowships <fellowships@localhost>"
    )
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    # How many times a message is tried before it is left for an operator.
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 10)

    # Links in e-mails are built from this, never from the request's Host header.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)
    # Uploaded documents: per file, per application, and how many certificates.
    MAX_DOCUMENT_SIZE = _env_int("MAX_DOCUMENT_SIZE", 10 * 1024 * 1024)
    MAX_APPLICATION_DOCUMENTS_SIZE = _env_int("MAX_APPLICATION_DOCUMENTS_SIZE", 40 * 1024 * 1024)
    MAX_CERTIFICATES = 5
    # A PDF upload is parsed in a child process with at most this much memory and time.
    PDF_CHECK_MEMORY = 256 * 1024 * 1024
    PDF_CHECK_SECONDS = 10
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_PATH = "/"
    # A sign-in session (seconds) ends after this long whatever its use, and sooner when left
    # idle: staff (reviewers, coordinators, admins) reach others' data, applicants write long
    # answers (which their drafts keep).
    SESSION_LIFETIME = _env_int("SESSION_LIFETIME", 8 * 3600)
    SESSION_IDLE_TIMEOUT = _env_int("SESSION_IDLE_TIMEOUT", 2 * 3600)
    SESSION_IDLE_TIMEOUT_STAFF = _env_int("SESSION_IDLE_TIMEOUT_STAFF", 30 * 60)
    # The server decides when a session ends (portal/accounts/sessions.py); the cookie only
    # outlives it, so that the sign-in page can say why it ended, and is not re-sent with
    # every response.
    PERMANENT_SESSION_LIFETIME = SESSION_LIFETIME + 12 * 3600
    SESSION_REFRESH_EACH_REQUEST = False
    # A form's token is good for this long (seconds) and only in the session that got it.
    WTF_CSRF_TIME_LIMIT = _env_int("CSRF_TIME_LIMIT", 2 * 3600)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    OFFICE_TIMEZONE = "Asia/Baku"

    # Where the rate limits count, shared by every worker and host: the Redis server of
    # REDIS_URL when there is one, else the portal's own database (portal/ratelimit.py);
    # RATELIMIT_STORAGE_URI overrides both. Never the per-process "memory://", which lets each
    # worker grant the whole limit again.
    RATELIMIT_STORAGE_URI = (os.environ.get("RATELIMIT_STORAGE_URI")
                             or os.environ.get("REDIS_URL") or "database://")
    RATELIMIT_HEADERS_ENABLED = True
    # The shared store unreachable (Redis restarting): each process counts for itself until it is
    # back, rather than every rate-limited form failing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How many reverse proxies (nginx) stand in front of the portal. Their X-Forwarded-For and
    # X-Forwarded-Proto are then believed, so that the limits (and the audit log) see each
    # client's address instead of the proxy's, which would put every user under one limit.
    # 0, the default: the headers are ignored, as any client could write them.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute;20 per hour")
    # E-mails that anyone can make the portal send to an address (a reset link, "this address is
    # already registered"): each kind at most this often per address, whoever asks.
    EMAILS_PER_ADDRESS_LIMIT = os.environ.get("EMAILS_PER_ADDRESS_LIMIT",
                                              "1 per 5 minutes;6 per day")

    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    # An invitation's set-password link (portal/accounts/invitations.py) works for this many days.
    INVITATION_DAYS = _env_int("INVITATION_DAYS", 14)

    # Argon2id cost: OWASP's recommended setting (19 MiB, 2 passes, 1 lane), about 45 ms of one
    # core here. argon2-cffi's default (64 MiB, 3 passes, 4 lanes) took 0.33 s of CPU, which alone
    # held sign-ins to about 7 a second on 2 cores. Hashes made with other costs are upgraded at
    # the next sign-in. Tests lower it so that the suite stays quick.
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 19 * 1024)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 1)

    BOOTSTRAP_SERVE_LOCAL = True
    ADMINISTRATIONS_CSV = str(
        BASE_DIR / "portal" / "administrations" / "data" / "member-administrations.csv"
    )


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # Tests send the outbox themselves, when and as they choose.
    OUTBOX_SEND_IN_BACKGROUND = False
    # Jobs run inline, at the commit that starts them (a test of the worker starts a real one).
    JOBS_IMMEDIATE = True
    REDIS_URL = ""
    SECRET_KEY = DEVELOPMENT_SECRET
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = True
    # The database, whatever the environment says (a test of Redis names its server itself).
    RATELIMIT_STORAGE_URI = "database://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    MAIL_SERVER = ""
    PUBLIC_BASE_URL = "http://portal.test"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    # "__Host-": browsers keep such a cookie only if it is Secure, for the whole site (Path=/)
    # and for this host alone (no Domain), so no subdomain can set or read it. Off only where
    # production runs over plain HTTP on purpose (bench/), which browsers refuse it on.
    SESSION_COOKIE_NAME = "__Host-portal_session" if SESSION_COOKIE_SECURE else "portal_session"
    SESSION_COOKIE_DOMAIN = None

    @classmethod
    def check(cls) -> None:
        """Refuse to run with a secret that is public knowledge or too short."""
        if cls.SECRET_KEY == DEVELOPMENT_SECRET or len(cls.SECRET_KEY) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if cls.PUBLIC_BASE_URL.startswith("http://127.0.0.1"):
            raise RuntimeError("PUBLIC_BASE_URL must name the address users reach the portal at.")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by PORTAL_ENV (development by default)."""
    name = os.environ.get("PORTAL_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
