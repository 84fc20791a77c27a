"""Stored files that no row names (orphans), and the sweep that removes them.

A file is stored before the row naming it commits, and removed after the row that named it is
gone (portal/storage.py). A process killed in between leaves a file named by nothing: in a folder
store, a file (or a `.partial` one, of an upload cut short) whose row never committed or whose
row went; in the database store, chunks committed apart from their row (rare: chunks usually
commit or roll back with it). Such a file stays forever unless swept.

What names a stored file: a document (Document.storage_key), an endorsement's signed letter
(Endorsement.letter_key), and a job's result (a file a job produced, such as an export, named by
its 64-hex key in Job.result). A file younger than `older_than` is left alone, whatever names it:
its row may be committing right now.

`flask storage sweep` (portal/privacy/commands.py) runs it; the jobs worker runs it daily.
"""

import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.applications.models import Document
from portal.endorsements.models import Endorsement
from portal.extensions import db
from portal.jobs.models import Job
from portal.storage import storage

KEY = re.compile(r"[0-9a-f]{64}")
# How old a file named by no row must be before it counts as an orphan.
ORPHAN_AGE = timedelta(days=1)


def named_keys() -> set[str]:
    """Every storage key a row names."""
    keys = set(db.session.scalars(sa.select(Document.storage_key)))
    keys |= set(db.session.scalars(sa.select(Endorsement.letter_key)
                                   .where(Endorsement.letter_key.is_not(None))))
    for result in db.session.scalars(sa.select(Job.result).where(Job.result.is_not(None))):
        keys |= _keys_in(result)
    return keys


def _keys_in(value) -> set[str]:
    """The storage keys in a job's result (any string of 64 hex digits, at any depth)."""
    if isinstance(value, str):
        return {value} if KEY.fullmatch(value) else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(_keys_in(item) for item in value)) if value else set()
    return set()


def orphaned_keys(now: datetime, older_than: timedelta = ORPHAN_AGE) -> list[str]:
    """The stored files written before `now - older_than` that no row names (in a folder store,
    also `<key>.partial` files of uploads cut short), sorted."""
    cutoff = now - older_than
    old = [name for name, written_at in storage().written() if written_at < cutoff]
    if not old:
        return []
    named = named_keys()
    return sorted(name for name in old if name.partition(".")[0] not in named)


def sweep_orphaned_files(now: datetime, older_than: timedelta = ORPHAN_AGE) -> int:
    """Remove the orphaned files; how many. Idempotent. A folder's files go at once; the
    database store's chunks go with the caller's commit (flushed here)."""
    files = storage()
    orphans = orphaned_keys(now, older_than)
    for name in orphans:
        files.discard(name)
    db.session.flush()
    return len(orphans)
