"""`flask calls close-due`: the operator's (or cron's) way to close calls past their deadline."""

from datetime import timedelta

from portal.calls.models import CallState
from portal.database import utcnow


def test_close_due_command_closes_calls_past_their_deadline(app, db, make_call):
    due = make_call(CallState.open)
    due.closes_at = utcnow() - timedelta(minutes=1)
    running = make_call(CallState.open)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["calls", "close-due"])
    assert (result.exit_code, result.output) == (0, "calls: 1 closed\n")
    db.session.expire_all()
    assert (due.state, running.state) == (CallState.closed, CallState.open)
