"""The real arrangement of several hosts, on loopback: PostgreSQL, Redis, two gunicorn hosts
(`gunicorn -w 2 wsgi:app` each) and one jobs worker (`flask jobs worker`) behind nginx, with a real
SMTP server (aiosmtpd).

A rush of applicants goes through nginx (bench/rush.py's journey: sign in, fill every section,
upload two PDFs, submit) while one host and the worker are killed with SIGKILL and started again
on the same ports. Then: every acknowledged submission is in the database once, its documents'
SHA-256 that of the bytes sent; every applicant's confirmation arrives once at the SMTP server;
no response was a 500 (a 502 for a request caught on the killed host is retried, as a browser's
user would, and counted). Beside it: the rate limit holds across the hosts, and a sign-out on one
host ends the session on the other.

scripts/test runs it as its own step (CLUSTER_DATABASE_URL: an empty database in its throw-away
PostgreSQL; CLUSTER_REDIS_URL; NGINX_BIN). Every process it starts is stopped at the end.
"""

import collections
import email
import email.policy
import hashlib
import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.common import GUNICORN, PYTHON, ROOT, Browser, csrf, free_port, portal_env, seed_env
from bench.rush import SECTION_ANSWERS, VERSION_RE
from bench.seed import BENCH_PASSWORD, pdf_bytes

pytestmark = pytest.mark.cluster

APPLICANTS = 40
CONCURRENCY = 8
TAG = "c"
RETRY_STATUSES = frozenset({502, 503, 504})  # the proxy's word for a host that is down
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 25m;
    upstream portal {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=2s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _wait_for_http(port: int, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer in {seconds:.0f} s")


class Processes:
    """Every process the test starts, each in a session of its own: killed with its children."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 (kept by the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if sig != signal.SIGKILL:  # what a graceful stop leaves behind (gunicorn's workers)
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


class Cluster:
    def __init__(self, processes: Processes, env: dict, nginx: str, tmp: Path):
        self.processes, self.env, self.nginx, self.tmp = processes, env, nginx, tmp
        self.host_ports = {"a": free_port(), "b": free_port()}
        self.proxy_port = free_port()

    def start_host(self, name: str) -> float:
        started = time.monotonic()
        port = self.host_ports[name]
        process = self.processes.start(
            f"host-{name}", [GUNICORN, "-w", "2", "--bind", f"127.0.0.1:{port}",
                             "--log-level", "warning", "wsgi:app"], self.env)
        _wait_for_http(port, process, f"gunicorn host {name}")
        return time.monotonic() - started

    def start_worker(self) -> None:
        self.processes.start("worker", [PYTHON, "-m", "flask", "jobs", "worker"], self.env)

    def start_proxy(self) -> None:
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.proxy_port,
                                          port_a=self.host_ports["a"], port_b=self.host_ports["b"]))
        process = self.processes.start(
            "nginx", [self.nginx, "-p", str(self.tmp), "-c", str(conf), "-g", "daemon off;"],
            self.env)
        _wait_for_http(self.proxy_port, process, "nginx")


class Mailbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "subject": str(message["Subject"])})
        return "250 OK"

    def count(self, address: str, text: str) -> int:
        with self.lock:
            return sum(1 for m in self.messages if address in m["to"] and text in m["subject"])


class Tally:
    """Every status the clients saw, and the problems."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.connection_errors = 0
        self.server_errors: list[str] = []

    def saw(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500 and status not in RETRY_STATUSES:
                self.server_errors.append(f"{status} {method} {path}")


class RetryingBrowser(Browser):
    """A user whose browser met a 502 (or a dropped connection) sends the request again."""

    ATTEMPTS = 20

    def __init__(self, port: int, tally: Tally):
        super().__init__(port)
        self.tally = tally

    def request(self, method, path, body=None, content_type=None):
        for _attempt in range(self.ATTEMPTS):
            try:
                status, location, html = super().request(method, path, body, content_type)
            except (OSError, http.client.HTTPException):
                with self.tally.lock:
                    self.tally.connection_errors += 1
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                time.sleep(0.3)
                continue
            self.tally.saw(method, path, status)
            if status not in RETRY_STATUSES:
                return status, location, html
            time.sleep(0.3)
        raise RuntimeError(f"{method} {path}: no answer after {self.ATTEMPTS} attempts")


def _expect(result, statuses, what):
    if result[0] not in statuses:
        raise RuntimeError(f"{what}: {result[0]} {result[1]}")
    return result


def apply(port: int, address: str, call_id: int, tally: Tally) -> dict:
    """bench/rush.py's journey, made safe to resume: a POST sent again after a 502 may find its
    work done (the application started, the section saved, the application submitted)."""
    browser = RetryingBrowser(port, tally)
    try:
        _, _, html = _expect(browser.get("/login"), {200}, "login page")
        _expect(browser.post("/login", {"csrf_token": csrf(html), "email": address,
                                        "password": BENCH_PASSWORD}), {302}, "sign in")
        # 302 to the application when a first try, cut short, had already started it.
        status, location, html = _expect(browser.get(f"/applications/new/{call_id}"), {200, 302},
                                         "start page")
        if status == 200:
            _, location, _ = _expect(browser.post(f"/applications/new/{call_id}", {
                "csrf_token": csrf(html), "language": "en"}), {302}, "start")
        application_id = int(re.search(r"/applications/(\d+)", location).group(1))
        base = f"/applications/{application_id}"
        for key, answers in SECTION_ANSWERS.items():
            for _round in range(3):  # a save whose answer was lost finds the version moved on
                _, _, html = _expect(browser.get(f"{base}/sections/{key}"), {200}, f"section {key}")
                status, _, _ = _expect(browser.post(f"{base}/sections/{key}", {
                    "csrf_token": csrf(html), "version": VERSION_RE.search(html).group(1),
                    **answers}), {200, 302}, f"save {key}")
                if status == 302:
                    break
            else:
                raise RuntimeError(f"section {key} not saved")
        uploaded = {}
        for kind in ("cv", "nomination_letter"):
            content = pdf_bytes(f"{kind} of {address}")
            uploaded[kind] = hashlib.sha256(content).hexdigest()
            _, _, html = _expect(browser.get(f"{base}/documents"), {200}, "documents page")
            _expect(browser.post_file(f"{base}/documents", {"csrf_token": csrf(html), "kind": kind},
                                      "file", f"{kind}.pdf", content), {302}, f"upload {kind}")
        _, _, html = _expect(browser.get(f"{base}/check"), {200}, "check page")
        # 302 when it went through; 200 when a first try, cut short, had already submitted it.
        _expect(browser.post(f"{base}/submit", {"csrf_token": csrf(html), "declaration": "y"}),
                {200, 302}, "submit")
        _, _, html = _expect(browser.get(f"{base}/submitted"), {200}, "submitted page")
        reference = re.search(r"FEL-\d{4}-\d+", html)
        if reference is None:
            raise RuntimeError("no reference on the submitted page")
        return {"email": address, "application_id": application_id,
                "reference": reference.group(0), "sha256": uploaded}
    finally:
        browser.close()


def rush(port: int, addresses: list[str], call_id: int, tally: Tally, progress) -> tuple:
    work = queue.Queue()
    for address in addresses:
        work.put(address)
    acknowledged, errors = [], []
    lock = threading.Lock()

    def run():
        while True:
            try:
                address = work.get_nowait()
            except queue.Empty:
                return
            try:
                done = apply(port, address, call_id, tally)
            except Exception as exc:  # noqa: BLE001 (every failure is reported)
                with lock:
                    errors.append(f"{address}: {exc}")
            else:
                with lock:
                    acknowledged.append(done)
                    progress(len(acknowledged))

    threads = [threading.Thread(target=run) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged, errors


def verify(database_url: str, workdir: Path, call_id: int, acknowledged: list[dict]) -> list[str]:
    """Every acknowledged submission exactly once, submitted, with its two documents as sent."""
    from config import DevelopmentConfig
    from portal import create_app
    from portal.accounts.models import User
    from portal.applications.models import Application, ApplicationState, Document
    from portal.extensions import db
    from portal.storage import storage

    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     STORAGE_BACKEND="database", STORAGE_PATH=str(workdir / "storage"),
                     OUTBOX_SEND_IN_BACKGROUND=False, JOBS_IMMEDIATE=True)
    problems = []
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.email, Application).join(Application, Application.applicant_id == User.id)
            .where(Application.call_id == call_id,
                   User.email.in_([a["email"] for a in acknowledged]))).all()
        found = collections.defaultdict(list)
        for address, application in rows:
            found[address].append(application)
        for done in acknowledged:
            applications = found[done["email"]]
            if len(applications) != 1:
                problems.append(f"{done['email']}: {len(applications)} applications")
                continue
            application = applications[0]
            if (application.state, application.reference) != (ApplicationState.submitted,
                                                               done["reference"]):
                problems.append(f"{done['email']}: {application.state} {application.reference}")
            documents = db.session.scalars(sa.select(Document).where(
                Document.application_id == application.id)).all()
            sums = {}
            for document in documents:
                with storage().open(document.storage_key) as stream:
                    stored = hashlib.sha256(stream.read()).hexdigest()
                sums[document.kind.value] = (document.sha256, stored)
            expected = {kind: (digest, digest) for kind, digest in done["sha256"].items()}
            if sums != expected:
                problems.append(f"{done['email']}: documents {sums} instead of {expected}")
        db.engine.dispose()
    return problems


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    database_url = os.environ["CLUSTER_DATABASE_URL"]
    redis_url = os.environ["CLUSTER_REDIS_URL"]
    nginx = os.environ.get("NGINX_BIN") or "/usr/sbin/nginx"
    from aiosmtpd.controller import Controller

    workdir = tmp_path_factory.mktemp("cluster")
    # nginx's workers run as `nobody` when started by root: its folder must be theirs to enter.
    proxy_tmp = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    proxy_tmp.chmod(0o755)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    extra = {"REDIS_URL": redis_url, "STORAGE_BACKEND": "database", "MAIL_SERVER": "127.0.0.1",
             "MAIL_PORT": str(smtp.port), "RESET_RATE_LIMIT": "5 per minute",
             "TRUSTED_PROXIES": "1"}
    env = {k: v for k, v in portal_env(database_url, workdir).items()
           if k not in ("RATELIMIT_STORAGE_URI", "TEST_DATABASE_URL", "TEST_REDIS_URL")}
    env.update(extra)
    processes = Processes(workdir)
    try:
        import redis

        with redis.Redis.from_url(redis_url) as client:
            client.flushdb()
        setup = {**seed_env(database_url, workdir), **extra}
        for command in (["db", "upgrade"],
                        ["bench", "seed", "--applications", "20", "--reviewers", "12", "--tag", TAG,
                         "--rush-users", str(APPLICANTS)]):
            subprocess.run([PYTHON, "-m", "flask", *command], cwd=ROOT, env=setup, check=True,
                           capture_output=True)
        engine = sa.create_engine(database_url)
        with engine.connect() as connection:
            call_id = connection.scalar(sa.text("SELECT id FROM call WHERE slug = :slug"),
                                        {"slug": f"bench-{TAG}-open"})
        engine.dispose()
        arrangement = Cluster(processes, env, nginx, proxy_tmp)
        arrangement.start_host("a")
        arrangement.start_host("b")
        arrangement.start_worker()
        arrangement.start_proxy()
        arrangement.database_url, arrangement.workdir = database_url, workdir
        arrangement.call_id, arrangement.mailbox = call_id, mailbox
        yield arrangement
    finally:
        processes.stop_all()
        smtp.stop()
        shutil.rmtree(proxy_tmp, ignore_errors=True)
        for log in sorted(workdir.glob("*.log")):  # kept for a failure's report
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"--- {log.name} ---\n{text[-4000:]}")


def test_the_rate_limit_holds_across_the_hosts(cluster):
    """RESET_RATE_LIMIT is 5 a minute: three requests to each host make six, the last refused."""
    browsers = [Browser(cluster.host_ports["a"]), Browser(cluster.host_ports["b"])]
    statuses = []
    for round_ in range(6):
        browser = browsers[round_ % 2]
        _, _, html = browser.get("/password/forgot")
        statuses.append(browser.post("/password/forgot", {"csrf_token": csrf(html),
                                                          "email": "nobody@bench.example"})[0])
    for browser in browsers:
        browser.close()
    assert statuses == [200] * 5 + [429]


def test_a_sign_out_on_one_host_ends_the_session_on_the_other(cluster):
    """One browser, whose requests the proxy sends to either host: after it signs out on host a,
    its cookie as it was before (a copy kept elsewhere) is refused by host b."""
    on_a, on_b = Browser(cluster.host_ports["a"]), Browser(cluster.host_ports["b"])
    on_a.login(f"bench-{TAG}-applicant00001@bench.example", BENCH_PASSWORD)
    on_b.cookies = on_a.cookies  # one browser's cookies, whichever host answers
    status, _, html = on_b.get("/applications/")
    assert status == 200
    copy = Browser(cluster.host_ports["b"])
    copy.cookies = dict(on_b.cookies)
    assert on_a.post("/logout", {"csrf_token": csrf(html)})[0] == 302
    status, location, _ = copy.get("/applications/")
    assert (status, "/login" in location) == (302, True)
    for browser in (on_a, on_b, copy):
        browser.close()


def test_a_rush_through_the_proxy_survives_a_host_and_the_worker_killed(cluster, capsys):
    addresses = [f"bench-{TAG}-rush{i + 1:05d}@bench.example" for i in range(APPLICANTS)]
    tally = Tally()
    events, timeline = {}, []
    started = time.monotonic()

    def progress(acknowledged: int) -> None:
        if acknowledged == APPLICANTS // 5:
            events["kill host"].set()
        if acknowledged == 2 * APPLICANTS // 5:
            events["kill worker"].set()

    def chaos():
        events["kill host"].wait(120)
        cluster.processes.kill("host-a")
        timeline.append(f"host a killed at {time.monotonic() - started:.1f} s")
        time.sleep(1)
        restart = cluster.start_host("a")
        timeline.append(f"host a answering again at {time.monotonic() - started:.1f} s "
                        f"(start took {restart:.1f} s)")
        events["kill worker"].wait(120)
        cluster.processes.kill("worker")
        timeline.append(f"worker killed at {time.monotonic() - started:.1f} s")
        time.sleep(1)
        cluster.start_worker()
        timeline.append(f"worker started again at {time.monotonic() - started:.1f} s")

    events.update({"kill host": threading.Event(), "kill worker": threading.Event()})
    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    try:
        acknowledged, errors = rush(cluster.proxy_port, addresses, cluster.call_id, tally, progress)
    finally:
        for event in events.values():
            event.set()
        chaos_thread.join()
    rush_seconds = time.monotonic() - started

    problems = verify(cluster.database_url, cluster.workdir, cluster.call_id, acknowledged)

    # Every confirmation arrives once: wait (bounded) for the worker to drain the outbox, then a
    # little more for a second copy that would come late.
    waited = time.monotonic()
    deadline = waited + 120
    while time.monotonic() < deadline and any(
            cluster.mailbox.count(a["email"], a["reference"]) == 0 for a in acknowledged):
        time.sleep(0.5)
    drained = time.monotonic() - waited
    time.sleep(3)
    confirmations = {a["email"]: cluster.mailbox.count(a["email"], a["reference"])
                     for a in acknowledged}

    with capsys.disabled():
        print(f"\ncluster: {len(acknowledged)} of {APPLICANTS} applicants acknowledged in "
              f"{rush_seconds:.1f} s at {CONCURRENCY} at once through nginx; "
              f"{sum(tally.statuses.values())} responses {dict(sorted(tally.statuses.items()))}, "
              f"{tally.statuses[502]} 502s retried, {tally.connection_errors} dropped connections; "
              f"{'; '.join(timeline)}; every confirmation e-mail in {drained:.1f} s after the rush "
              f"({len(cluster.mailbox.messages)} messages at the SMTP server)")

    assert errors == []
    assert len(acknowledged) == APPLICANTS
    assert problems == []
    assert tally.server_errors == []
    assert confirmations == {a["email"]: 1 for a in acknowledged}
    assert len(timeline) == 4  # the host and the worker were both killed and started again
