"""Closing calls at their deadline, in the jobs worker every minute (no cron needed); operators
still have `flask calls close-due` (portal/cli.py) for the same work."""

from portal.database import utcnow
from portal.jobs.registry import periodic


@periodic("close-due-calls", minutes=1)
def close_due_calls_periodically():
    from portal.calls.services import close_due_calls

    close_due_calls(utcnow())
