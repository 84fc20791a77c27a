"""`flask endorsements remind`, and the same work every hour in the jobs worker (each focal point
hears at most once a day per call)."""

import click

from portal.database import utcnow
from portal.endorsements import bp
from portal.extensions import db
from portal.jobs.registry import periodic


@periodic("remind-focal-points", minutes=60)
def remind_periodically():
    """The worker's round of the same work, every hour (no cron needed)."""
    from portal.endorsements.services import remind_focal_points

    remind_focal_points(utcnow())


@bp.cli.command("remind")
def remind_command():
    """E-mail focal points whose candidates still await their endorsement."""
    from portal.endorsements.services import remind_focal_points

    count = remind_focal_points(utcnow())
    db.session.commit()
    click.echo(f"endorsements: {count} reminder(s) queued")
