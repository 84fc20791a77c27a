"""Journeys in a real headless Chromium against a live server with a real SMTP server.

The app of the root conftest (migrated database, emptied after each test) is served by
werkzeug on a free loopback port; its background sender delivers e-mail over SMTP to an
aiosmtpd server on another loopback port, where the test reads it.
Without /usr/bin/chromium (or axe-core) the browser tests are skipped, or fail under CI=true.
"""

import email
import email.policy
import os
import socket
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.axe import AXE_SCRIPT

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

# The layout and accessibility checks of every page (test_layout, test_focal_pages,
# test_office_pages) do not depend on the database, and they are the slowest tests (about six
# minutes of a run): scripts/test runs them in the SQLite half only. The journeys run in both.
LAYOUT_CHECK = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the pages' layout and accessibility do not depend on the database: checked in the SQLite run")
# Quiet on a closed network (see RECIPES.md). Playwright gives each launch a fresh profile.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str):
    """Skip on a developer's machine; in CI nothing may be skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, recipient: str, timeout: float = 15.0, *,
                 subject: str | None = None) -> EmailMessage:
        """The first message to `recipient` (with this `subject`, if given), waiting up to
        `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self.messages:
                    if message["To"] == recipient and subject in (None, message["Subject"]):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    wanted = recipient if subject is None else f"{recipient} ({subject!r})"
                    raise AssertionError(
                        f"no e-mail to {wanted} within {timeout:.0f} s "
                        f"(received: {[(m['To'], m['Subject']) for m in self.messages]})"
                    )
                self._arrived.wait(left)


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[1]


@pytest.fixture
def app_config(app_config, smtp_server):
    """The root conftest's overrides, plus real SMTP delivery through the queue (whose jobs run
    inline in the tests, at the end of the request that queued them)."""
    controller, _ = smtp_server
    return {
        **app_config,
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
        "OUTBOX_SEND_IN_BACKGROUND": True,
    }


@pytest.fixture
def live_server(app):
    """The test's app served on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links in e-mails must lead to this server.
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver)")
    if not AXE_SCRIPT.exists():
        unavailable(f"{AXE_SCRIPT.relative_to(ROOT)} is missing (run `npm ci`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(locale="ru-RU", ...): a page in a fresh browser context (its own cookies).

    The page records console errors and uncaught exceptions in `page.problems`, so that a
    script blocked by the Content-Security-Policy does not go unnoticed.
    """
    contexts = []

    def make(**context_options):
        context = browser.new_context(base_url=live_server, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
