"""`flask selection expire-offers`: run every few minutes from cron, like `flask calls close-due`."""

import click

from portal.database import utcnow
from portal.extensions import db
from portal.selection import bp


@bp.cli.command("expire-offers")
def expire_offers_command():
    """Expire unanswered offers past their deadline and offer the places to the waiting list."""
    from portal.selection.services import expire_due_offers

    count = expire_due_offers(utcnow())
    db.session.commit()
    click.echo(f"offers: {count} expired")
