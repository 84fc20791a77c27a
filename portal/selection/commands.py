"""`flask selection expire-offers`, and the same work every five minutes in the jobs worker."""

import click

from portal.database import utcnow
from portal.extensions import db
from portal.jobs.registry import periodic
from portal.selection import bp


@periodic("expire-offers", minutes=5)
def expire_offers_periodically():
    """The worker's round of the same work (no cron needed)."""
    from portal.selection.services import expire_due_offers

    expire_due_offers(utcnow())


@bp.cli.command("expire-offers")
def expire_offers_command():
    """Expire unanswered offers past their deadline and offer the places to the waiting list."""
    from portal.selection.services import expire_due_offers

    count = expire_due_offers(utcnow())
    db.session.commit()
    click.echo(f"offers: {count} expired")
