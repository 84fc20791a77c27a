"""What the benchmarks share: a portal environment, gunicorn servers, a small HTTP browser."""

import contextlib
import http.client
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# The sync workers gunicorn's documentation recommends: 2 x cores + 1.
WORKERS = 2 * (os.cpu_count() or 1) + 1
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portal_env(database_url: str, workdir: Path) -> dict:
    """The portal as production runs it (PORTAL_ENV=production), on plain HTTP on loopback.

    The login rate limit is lifted: every simulated applicant signs in from 127.0.0.1.
    """
    return {**os.environ, "PORTAL_ENV": "production", "FLASK_APP": "wsgi",
            "SECRET_KEY": secrets.token_hex(32), "PUBLIC_BASE_URL": "http://portal.bench.example",
            "SESSION_COOKIE_SECURE": "false", "DATABASE_URL": database_url,
            "STORAGE_PATH": str(workdir / "storage"), "MAIL_FILE_DIR": str(workdir / "mail"),
            "LOGIN_RATE_LIMIT": "1000000 per minute", "PYTHONPATH": str(ROOT)}


def seed_env(database_url: str, workdir: Path) -> dict:
    """For `flask db upgrade` and `flask bench seed` (the seeder refuses production)."""
    return {**portal_env(database_url, workdir), "PORTAL_ENV": "development"}


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "-m", "flask", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Server:
    """gunicorn serving `target` on a free loopback port; stopped on exit from the `with`."""

    def __init__(self, target: str, env: dict, *, workers: int = WORKERS, log: Path | None = None):
        self.port = free_port()
        self.target, self.env, self.workers, self.log = target, env, workers, log
        self.process = None

    def __enter__(self):
        out = open(self.log, "w") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning",
             self.target], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.target} exited ({self.process.returncode})")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return self
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Browser:
    """One user's HTTP/1.1 connection with its cookies; redirects are not followed."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None):
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn's sync workers close the connection after each response.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, response.getheader("Location") or "", data.decode("utf-8", "replace")

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: dict):
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            "application/x-www-form-urlencoded")

    def post_file(self, path: str, fields: dict, name: str, filename: str, content: bytes,
                  mimetype: str = "application/pdf"):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {mimetype}\r\n\r\n'.encode()
                     + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts),
                            f"multipart/form-data; boundary={boundary}")

    def login(self, email: str, password: str) -> None:
        status, _, html = self.get("/login")
        status, location, _ = self.post("/login", {"csrf_token": csrf(html), "email": email,
                                                   "password": password})
        if status != 302:
            raise RuntimeError(f"login of {email} failed with {status}")

    def close(self):
        self.conn.close()


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (f"{model}, {os.cpu_count()} cores, {memory} GiB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; load average {load:.1f} at the start")
