"""`flask privacy purge [--dry-run]`: run it daily from cron, like `flask calls close-due`."""

import click

from portal.database import utcnow
from portal.extensions import db
from portal.privacy import bp


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True,
              help="List what would be removed and change nothing.")
def purge_command(dry_run: bool):
    """Remove the personal data and documents of the applications not selected of every call
    whose retention rule has come due (see portal/privacy/retention.py)."""
    from portal.privacy.retention import purge

    done = purge(utcnow(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    for result in done:
        click.echo(f"call {result.call.id} {result.call.slug} (due {result.due_at:%Y-%m-%d}): "
                   f"{verb} the personal data of {len(result.applications)} application(s)")
        for item in result.applications:
            name = item.reference or f"application {item.id}"
            click.echo(f"  {name} {item.state.value}: {item.documents} document(s)")
    total = sum(len(result.applications) for result in done)
    click.echo(f"privacy: {verb} the personal data of {total} application(s)")
