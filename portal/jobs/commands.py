"""`flask jobs worker|sweep|status`: the operator's side of the queue."""

import click
from flask import Flask, current_app

from portal.jobs import bp
from portal.jobs.registry import periodic


def init_app(app: Flask) -> None:
    from portal.jobs import queue

    @queue.queue.on_startup(name="sweep_at_start")
    def sweep_at_start():
        # A restarted worker first takes back the jobs a killed one left running.
        from portal.jobs.runner import sweep_jobs

        queue.in_app_context(_sweep_and_commit, sweep_jobs)


def _sweep_and_commit(sweep) -> None:
    from portal.extensions import db

    try:
        sweep()
        db.session.commit()
    except Exception:  # noqa: BLE001 - the periodic sweep tries again
        db.session.rollback()
        current_app.logger.exception("sweeping jobs failed")


@periodic("sweep-jobs", minutes=1)
def sweep_periodically():
    from portal.jobs.runner import sweep_jobs

    sweep_jobs()


@bp.cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the scheduled work (closing calls, expiring offers, reminders, "
                   "the outbox, purges). Exactly one worker of a cluster should.")
def worker_command(workers: int, periodic: bool):
    """Run jobs from the queue until stopped (Ctrl+C or SIGINT finishes the current ones)."""
    from portal.jobs import queue

    if queue.immediate():
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run inline, there is no queue.")
    queue.use_app(current_app._get_current_object())
    storage = "Redis" if current_app.config.get("REDIS_URL") else current_app.config["JOBS_SQLITE_PATH"]
    click.echo(f"jobs: worker with {workers} thread(s) on {storage}"
               f"{'' if periodic else ', no periodic work'}")
    # An idle worker looks for work at least every second (Redis wakes it at once anyway).
    consumer = queue.queue.create_consumer(workers=workers, periodic=periodic, worker_type="thread",
                                           max_delay=1.0)
    consumer.run()


@bp.cli.command("sweep")
def sweep_command():
    """Queue again the jobs whose worker died and those whose message was lost."""
    from portal.extensions import db
    from portal.jobs.runner import sweep_jobs

    sent = sweep_jobs()
    db.session.commit()
    click.echo(f"jobs: {sent} job(s) sent to the queue")


@bp.cli.command("status")
def status_command():
    """The jobs queued and running, and what waits in the queue."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.jobs import queue
    from portal.jobs.models import ACTIVE_STATES, Job

    for job in db.session.scalars(sa.select(Job).where(Job.state.in_(ACTIVE_STATES)).order_by(Job.id)):
        click.echo(f"job {job.id} {job.kind} call={job.call_id} {job.state} "
                   f"{job.done}/{job.total} {job.step} attempt {job.attempts}/{job.max_attempts}")
    sizes = queue.queue_sizes()
    click.echo(f"queue: {sizes['pending']} pending, {sizes['scheduled']} scheduled")
