"""`flask privacy purge [--dry-run]` (the jobs worker runs it every night: periodic.py).
`flask storage sweep [--dry-run]`: remove stored files no row names (portal/privacy/orphans.py)."""

import click
from flask.cli import AppGroup

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


storage_cli = AppGroup("storage", help="Stored documents.")


@bp.record_once
def _register_storage_cli(state):
    state.app.cli.add_command(storage_cli)


@storage_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="List what would be removed and change nothing.")
def sweep_command(dry_run: bool):
    """Remove the stored files that no row names and that are older than a day: left by a
    process killed between storing a file and committing its row, or between removing a row
    and its file."""
    from portal.privacy.orphans import orphaned_keys, sweep_orphaned_files

    if dry_run:
        names = orphaned_keys(utcnow())
        for name in names:
            click.echo(f"  {name}")
        count = len(names)
    else:
        count = sweep_orphaned_files(utcnow())
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    click.echo(f"storage: {verb} {count} orphaned file(s)")
