"""Timings of the automatic assignment as a job (issue 16), beside its in-request figure.

On a database seeded by `flask bench seed` (bench/curves.py's), the call's assignments and reviews
are removed (committed, so the worker sees the call unassigned), a real `flask jobs worker` is
started on the database and a queue file of the run, and the job is started as the page starts
it (`start_job`, commit): timed from there until its row says done, so the figure holds the
queue's pick-up, reading, choosing, saving and the commit of every assignment and audit event.

    python -m bench.jobs 1000 5000 --write   # a database per size; bench/results/assignment-job.md

bench/run times it at 1,000, 5,000 and 20,000 applications with its scale curves (bench/curves.py).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench.common import PYTHON, ROOT, portal_env  # noqa: E402

COORDINATOR = "bench-b-coordinator00001@bench.example"


def _worker(env: dict, log: Path) -> subprocess.Popen:
    out = open(log, "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen([PYTHON, "-m", "flask", "jobs", "worker", "--workers", "1",
                                "--no-periodic"], cwd=ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while "jobs: worker" not in log.read_text():  # ready: its consumer is about to poll
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the jobs worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    time.sleep(1)
    return process


def time_assignment_job(database_url: str, folder: Path, *, call_slug: str = "bench-b-closed",
                        log=print) -> dict:
    """Remove the call's assignments, then start the assignment job and wait for its end."""
    from config import DevelopmentConfig
    from portal import create_app
    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.extensions import db
    from portal.jobs.models import Job, JobState
    from portal.jobs.services import start_job
    from portal.reviews.models import Assignment, Review

    queue_file = folder / "jobs.sqlite"
    env = {**portal_env(database_url, folder), "JOBS_SQLITE_PATH": str(queue_file)}
    env.pop("REDIS_URL", None)
    # This process only starts the job and reads its row; the worker runs as production does.
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     STORAGE_PATH=env["STORAGE_PATH"], MAIL_FILE_DIR=env["MAIL_FILE_DIR"],
                     JOBS_SQLITE_PATH=str(queue_file), JOBS_IMMEDIATE=False, REDIS_URL="")
    with app.app_context():
        call = db.session.scalar(sa.select(Call).where(Call.slug == call_slug))
        of_call = sa.select(Application.id).where(Application.call_id == call.id)
        db.session.execute(sa.delete(Review).where(Review.assignment_id.in_(
            sa.select(Assignment.id).where(Assignment.application_id.in_(of_call))))
            .execution_options(synchronize_session=False))
        db.session.execute(sa.delete(Assignment).where(Assignment.application_id.in_(of_call))
                           .execution_options(synchronize_session=False))
        db.session.commit()
        call_id = call.id
    worker = _worker(env, folder / "worker.log")
    try:
        with app.app_context():
            call = db.session.get(Call, call_id)
            actor = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
            started = time.perf_counter()
            job, _ = start_job("assignment", call=call, user=actor)
            db.session.commit()
            job_id = job.id
        while True:
            with app.app_context():
                row = db.session.get(Job, job_id)
                state, result = row.state, row.result
                times = (row.created_at, row.started_at, row.finished_at)
                db.session.rollback()
            if state in (JobState.DONE, JobState.FAILED):
                break
            if worker.poll() is not None or time.perf_counter() - started > 600:
                raise RuntimeError(f"the job did not end:\n{(folder / 'worker.log').read_text()}")
            time.sleep(0.05)
        total = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    if state != JobState.DONE:
        raise RuntimeError(f"the assignment job failed:\n{(folder / 'worker.log').read_text()}")
    created, began, finished = times
    row = {"job_s": total, "job_run_s": (finished - began).total_seconds(),
           "job_wait_s": (began - created).total_seconds(), "job_assigned": result["assigned"]}
    log(f"  automatic assignment as a job: {row['job_s']:.1f} s from start to done "
        f"({row['job_run_s']:.1f} s in the worker), {row['job_assigned']:,} assigned")
    return row


def table(rows: list[dict]) -> list[str]:
    lines = ["| applications | in the request s | assigned | as a job, start → done s "
             "| of which in the worker s | assigned |", "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['applications']:,} | {r['assignment_s']:.1f} | {r['assigned']:,} | "
                     f"{r['job_s']:.1f} | {r['job_run_s']:.1f} | {r['job_assigned']:,} |")
    return lines


def main(argv=None) -> int:
    from bench import curves
    from bench.common import RESULTS, machine

    parser = argparse.ArgumentParser(prog="python -m bench.jobs", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000, 20000])
    parser.add_argument("--write", action="store_true",
                        help="also write bench/results/assignment-job.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as workdir:
        # bench/run's scale curves, which time the assignment in the request and as a job.
        rows = curves.run(args.sizes, Path(workdir), log=lambda m: print(m, flush=True))
    text = "\n".join([f"# Automatic assignment: in the request and as a job ({machine()})", "",
                      *table(rows), ""])
    print(text)
    if args.write:
        (RESULTS / "assignment-job.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
