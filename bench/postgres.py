"""A throw-away PostgreSQL cluster on a free loopback port (as scripts/test starts one)."""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import free_port


def pg_bin() -> Path | None:
    candidates = [os.path.dirname(shutil.which("pg_ctl") or "/nonexistent/x"), "/usr/local/bin",
                  *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if os.access(f"{folder}/initdb", os.X_OK) and os.access(f"{folder}/pg_ctl", os.X_OK):
            return Path(folder)
    return None


def _as_pg_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: root runs it as `postgres`.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def cluster():
    """Yields a SQLAlchemy URL; the cluster and its folder are removed afterwards."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"],  # noqa: S607
                           check=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    data = folder / "data"
    subprocess.run(_as_pg_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U",
                                "postgres", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    # fsync stays on: a lost acknowledged submission must be a real one. max_connections covers
    # gunicorn's workers and the checks.
    subprocess.run(_as_pg_user([str(binaries / "pg_ctl"), "-D", str(data), "-l",
                                str(folder / "log"), "-w", "-o",
                                f"-k {folder} -h 127.0.0.1 -p {port} -c max_connections=200",
                                "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_pg_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                    "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
