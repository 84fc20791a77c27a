"""A real SMTP server on loopback, a port nobody answers on, and outbox helpers."""

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import has_app_context

from portal.database import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage


class _Recorder:
    """aiosmtpd handler: keeps every envelope; can hold deliveries until released."""

    def __init__(self):
        self.envelopes = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.released.set()
        self.holding = threading.Event()  # set once a delivery is being held

    async def handle_DATA(self, server, session, envelope):
        if not self.released.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 10)
        with self.lock:
            self.envelopes.append(envelope)
        return "250 OK"


class SmtpServer:
    """What the test SMTP server received, parsed as a mail client would."""

    def __init__(self, recorder: _Recorder, port: int):
        self._recorder = recorder
        self.port = port

    @property
    def envelopes(self) -> list:
        with self._recorder.lock:
            return list(self._recorder.envelopes)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default)
                for e in self.envelopes]

    @property
    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        """The messages, once at least `count` have arrived (fails after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while len(self.envelopes) < count:
            assert time.monotonic() < deadline, f"{len(self.envelopes)} of {count} e-mails arrived"
            time.sleep(0.02)
        return self.messages

    def hold(self) -> None:
        """Keep the next deliveries waiting inside the DATA command until release()."""
        self._recorder.holding.clear()
        self._recorder.released.clear()

    def wait_until_holding(self, timeout: float = 10.0) -> None:
        assert self._recorder.holding.wait(timeout), "no delivery reached the SMTP server"

    def release(self) -> None:
        self._recorder.released.set()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _running_smtp_server(app_config, **smtp_parameters):
    recorder = _Recorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **smtp_parameters)
    controller.start()
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    try:
        yield SmtpServer(recorder, port)
    finally:
        recorder.released.set()
        controller.stop()


@pytest.fixture
def smtp_server(app_config):
    """A real aiosmtpd server on 127.0.0.1; the app is configured to send to it.

    Request it before `app` (the app reads MAIL_SERVER/MAIL_PORT when it is built).
    """
    assert not has_app_context(), "request smtp_server before app"
    with _running_smtp_server(app_config) as server:
        yield server


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def starttls_smtp_server(app_config, certificate):
    """Like smtp_server, but it accepts mail only after STARTTLS, with a self-signed certificate."""
    assert not has_app_context(), "request starttls_smtp_server before app"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    with _running_smtp_server(app_config, tls_context=context, require_starttls=True) as server:
        app_config["MAIL_USE_TLS"] = True
        yield server


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections (bound, never listening, so nobody takes it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def queue_verification(app):
    """Factory: queue_verification(recipient, language="en", subject=...) queues a verify_email."""
    from flask_babel import lazy_gettext as _l

    from portal.notifications.services import queue_email

    def queue(recipient="ana@example.org", *, language="en", subject=None, name="Ana Petrova"):
        message = queue_email(
            kind="verify_email", recipient=recipient, language=language,
            subject=subject or _l("Confirm your e-mail address"),
            user=SimpleNamespace(full_name=name),
            verify_url="http://portal.test/verify-email/abc", valid_days=3,
        )
        db.session.commit()
        return message

    return queue


@pytest.fixture
def skip_time(app):
    """skip_time(): make every queued message due now, as if its back-off had passed."""

    def skip():
        db.session.execute(
            sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    return skip
