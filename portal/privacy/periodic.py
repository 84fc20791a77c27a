"""The privacy work the jobs worker does every night (no cron needed): the retention purge and the
sweep of stored files no row names. The commands in commands.py do the same for operators."""

from portal.database import utcnow
from portal.jobs.registry import periodic


@periodic("purge-personal-data", daily_at=(2, 30))
def purge_periodically():
    from portal.privacy.retention import purge

    purge(utcnow())


@periodic("sweep-orphaned-files", daily_at=(3, 10))
def sweep_orphaned_files_periodically():
    from portal.privacy.orphans import sweep_orphaned_files

    sweep_orphaned_files(utcnow())
