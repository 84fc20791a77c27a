"""The task queue: one Huey, whose storage the configuration picks.

- `REDIS_URL` set: Redis (production; every host and worker share it).
- `JOBS_IMMEDIATE` (the tests): a job runs at once, in the process that started it.
- otherwise (the embedded default): a SQLite file (`JOBS_SQLITE_PATH`), read by the consumer
  that `scripts/run` starts beside the web server; nothing else to install.

The queue only says "run job N" or "send the outbox"; what must survive a killed worker is in the
database (portal/jobs/models.py), and the periodic sweep puts it back on the queue.
"""

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

QUEUE_NAME = "portal"

# Created once per process: Huey registers tasks on an instance when they are defined.
# init_app gives it the storage of the app's configuration.
queue = Huey(QUEUE_NAME, results=False, utc=True, immediate=True)
_state = {"app": None}


def init_app(app: Flask) -> None:
    configure(app)
    # A worker started with `flask jobs worker` runs tasks in this app; the first app of a
    # process is kept for tasks that arrive outside any app context.
    if _state["app"] is None:
        _state["app"] = app


def configure(app: Flask) -> None:
    """Give the queue the storage of this app's configuration (again only when it changed:
    the tests build apps of several configurations in one process)."""
    config = app.config
    wanted = ("immediate",) if config.get("JOBS_IMMEDIATE") else (
        ("redis", config["REDIS_URL"]) if config.get("REDIS_URL") else ("sqlite", config["JOBS_SQLITE_PATH"]))
    if _state.get("storage") == wanted:
        return
    if wanted[0] == "immediate":
        queue._immediate = True
        queue.storage = MemoryStorage(QUEUE_NAME)
    elif wanted[0] == "redis":
        queue._immediate = False
        queue.storage = RedisStorage(QUEUE_NAME, url=wanted[1])
    else:
        queue._immediate = False
        queue.storage = SqliteStorage(QUEUE_NAME, filename=wanted[1])
    _state["storage"] = wanted


def use_app(app: Flask) -> None:
    """Run the tasks of this process (a worker) in `app`."""
    _state["app"] = app
    configure(app)


def immediate() -> bool:
    if has_app_context():
        configure(current_app)
    return bool(queue.immediate)


def in_app_context(work, *args):
    """Run `work` in the current app context, or in a fresh one of the worker's app."""
    if has_app_context():
        return work(*args)
    with _state["app"].app_context():
        return work(*args)


@queue.task(name="run_job")
def run_job_task(job_id: int) -> None:
    from portal.jobs.runner import run_job

    in_app_context(run_job, job_id)


@queue.task(name="send_outbox")
def send_outbox_task() -> None:
    from portal.notifications.dispatcher import send_outbox

    in_app_context(send_outbox)


def enqueue_job(job_id: int, *, delay: float | None = None) -> None:
    if has_app_context():
        configure(current_app)
    if delay:
        run_job_task.schedule((job_id,), delay=delay)
    else:
        run_job_task(job_id)


def send_outbox_soon() -> None:
    if has_app_context():
        configure(current_app)
    send_outbox_task()


def schedule_periodic(work) -> None:
    """Make a Huey periodic task of registered periodic work (portal/jobs/registry.py)."""
    if work.minutes is not None:
        if work.minutes >= 60:
            when = crontab(minute="0", hour="*" if work.minutes == 60 else f"*/{work.minutes // 60}")
        else:
            when = crontab(minute="*" if work.minutes == 1 else f"*/{work.minutes}")
    else:
        hour, minute = work.daily_at
        when = crontab(minute=str(minute), hour=str(hour))

    def run_periodic():
        from portal.jobs.runner import run_periodic_work

        in_app_context(run_periodic_work, work)

    queue.periodic_task(when, name=f"periodic:{work.name}")(run_periodic)


def queue_sizes() -> dict:
    """How many tasks wait in the queue (for the operator's `flask jobs status`)."""
    return {"pending": queue.pending_count(), "scheduled": queue.scheduled_count()}
