"""The kinds of job and the periodic work, registered by the domains that own them.

A domain describes its long work with `@job_kind(...)` and its scheduled work with
`@periodic(...)`; this package runs both and imports no domain (arrows point down).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from portal.database import utcnow

# A progress report is written at most this often (a loop may advance thousands of times).
PROGRESS_INTERVAL = timedelta(seconds=0.5)


@dataclass
class JobKind:
    name: str
    run: Callable[[Any, "Progress"], dict | None]
    title: Any  # a lazy string
    steps: dict[str, Any] = field(default_factory=dict)
    # Safe to run again after a failure or a killed worker (the handler commits nothing itself,
    # or is otherwise idempotent). When False a failed job is shown, not retried.
    retry: bool = True
    max_attempts: int = 3
    result_url: Callable[[Any], str | None] | None = None
    result_text: Callable[[Any], str] | None = None


@dataclass
class PeriodicWork:
    name: str
    run: Callable[[], Any]
    minutes: int | None = None  # every N minutes
    daily_at: tuple[int, int] | None = None  # or once a day at (hour, minute) UTC


KINDS: dict[str, JobKind] = {}
PERIODIC: dict[str, PeriodicWork] = {}


def job_kind(name: str, *, title, steps=None, retry: bool = True, max_attempts: int = 3,
             result_url=None, result_text=None):
    """Register the decorated `run(job, progress) -> result` as the job kind `name`.

    The handler flushes and never commits: the core commits its effects together with the job's
    end, so a worker killed mid-job leaves nothing half-written and the next run starts afresh.
    """
    def register(run):
        KINDS[name] = JobKind(name=name, run=run, title=title, steps=dict(steps or {}), retry=retry,
                              max_attempts=max_attempts, result_url=result_url,
                              result_text=result_text)
        return run
    return register


def periodic(name: str, *, minutes: int | None = None, daily_at: tuple[int, int] | None = None):
    """Run the decorated function (no arguments, in an app context) on a schedule in the worker.

    It must be idempotent: the operator's command for the same work may run too."""
    if (minutes is None) == (daily_at is None):
        raise ValueError("give either minutes or daily_at")

    def register(run):
        PERIODIC[name] = PeriodicWork(name=name, run=run, minutes=minutes, daily_at=daily_at)
        from portal.jobs.queue import schedule_periodic
        schedule_periodic(PERIODIC[name])
        return run
    return register


class Progress:
    """What a running job reports: the step it is on and how far it got.

    `write(values)` stores a report where the progress page reads it (the core passes one that
    writes through its own connection, so a report is seen while the job's work is uncommitted)."""

    def __init__(self, write: Callable[[dict], None]):
        self._write = write
        self.done = 0
        self.total = 0
        self.step_name = ""
        self._written_at = None

    def step(self, name: str, total: int | None = None) -> None:
        self.step_name = name
        self.done = 0
        self.total = total or 0
        self._report(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._report()

    def set(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        self._report()

    def _report(self, force: bool = False) -> None:
        now = utcnow()
        if not force and self._written_at is not None and now - self._written_at < PROGRESS_INTERVAL \
                and self.done < self.total:
            return
        self._written_at = now
        self._write({"step": self.step_name, "done": self.done, "total": self.total,
                     "heartbeat_at": now})
