"""`flask endorsements remind`: run it from cron (hourly is fine: each focal point hears at most
once a day per call), like `flask calls close-due`."""

import click

from portal.database import utcnow
from portal.endorsements import bp
from portal.extensions import db


@bp.cli.command("remind")
def remind_command():
    """E-mail focal points whose candidates still await their endorsement."""
    from portal.endorsements.services import remind_focal_points

    count = remind_focal_points(utcnow())
    db.session.commit()
    click.echo(f"endorsements: {count} reminder(s) queued")
