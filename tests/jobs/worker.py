"""A real jobs worker for the tests that kill one mid-job (assignment, exports).

`flask jobs worker` in a process of its own, on the test app's database, queue file and storage,
so that what the worker commits is what the test reads. The test's app must not run jobs inline:

    @pytest.fixture
    def app_config(app_config, tmp_path):
        return {**app_config, **worker_app_config(tmp_path)}

    def test_...(app, ...):
        with JobsWorker(app) as worker:
            ...                                  # start a job, commit: the worker takes it
            worker.wait_for(job_id, state="running")
            worker.kill()                        # kill -9, mid-job
            worker.start()                       # a new worker: it sweeps at start
            job = worker.wait_for(job_id, state="done")

A worker killed with SIGKILL leaves its job "running" with a heartbeat that stops; the next worker's
start-up sweep puts it back on the queue once the heartbeat is older than JOBS_STALE_AFTER (set
short here, with a short JOBS_HEARTBEAT).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_SECONDS = 1
STALE_AFTER_SECONDS = 3


def worker_app_config(tmp_path: Path) -> dict:
    """The test app's overrides for a real worker: jobs go through the queue file, not inline."""
    return {"JOBS_IMMEDIATE": False, "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
            "JOBS_HEARTBEAT": HEARTBEAT_SECONDS, "JOBS_STALE_AFTER": STALE_AFTER_SECONDS}


class JobsWorker:
    """`python -m flask --app wsgi.py jobs worker --workers 1` sharing the test app's database."""

    def __init__(self, app, *, log_path: Path | None = None, periodic: bool = False):
        self.app = app
        self.periodic = periodic
        self.log_path = log_path or Path(app.config["JOBS_SQLITE_PATH"]).with_name("worker.log")
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict:
        config = self.app.config
        env = {key: value for key, value in os.environ.items()
               if key not in ("REDIS_URL", "FLASK_APP", "TEST_DATABASE_URL")}
        env.update({
            "PORTAL_ENV": "development", "PYTHONPATH": str(ROOT),
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "JOBS_SQLITE_PATH": config["JOBS_SQLITE_PATH"],
            "JOBS_HEARTBEAT": str(config["JOBS_HEARTBEAT"]),
            "JOBS_STALE_AFTER": str(config["JOBS_STALE_AFTER"]),
            "STORAGE_PATH": config["STORAGE_PATH"],
            "STORAGE_BACKEND": config.get("STORAGE_BACKEND", "folder"),
            "MAIL_FILE_DIR": config["MAIL_FILE_DIR"],
            "SECRET_KEY": config["SECRET_KEY"],
            "PUBLIC_BASE_URL": config.get("PUBLIC_BASE_URL", "http://portal.test"),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self) -> "JobsWorker":
        assert not self.app.config["JOBS_IMMEDIATE"], "give the app worker_app_config(tmp_path)"
        assert self.process is None or self.process.poll() is not None, "a worker is running"
        command = [sys.executable, "-m", "flask", "--app", "wsgi.py", "jobs", "worker",
                   "--workers", "1", "--periodic" if self.periodic else "--no-periodic"]
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        """kill -9: no chance to finish or to mark anything."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """SIGINT, as an operator's Ctrl+C; SIGKILL if it does not stop in 10 s."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for(self, job_id: int, *, state: str, timeout: float = 30, done_at_least: int = 0):
        """Poll the job's row (in a connection of its own) until it is in `state` (and, for
        "running", has reported `done_at_least` units); returns the row. Fails with the log."""
        from portal.extensions import db
        from portal.jobs.models import Job

        deadline = time.monotonic() + timeout
        row = None
        while time.monotonic() < deadline:
            with db.engine.connect() as connection:
                row = connection.execute(sa.select(Job.__table__).where(Job.id == job_id)).one()
            if row.state == state and row.done >= done_at_least:
                return row
            if row.state == "failed" and state != "failed":
                break
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} not {state} (last: {row}); worker's log:\n{self.log()}")

    def __enter__(self) -> "JobsWorker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
