"""Documents kept in the database (STORAGE_BACKEND=database), for hosts that share no folder.

A stored file is its chunks in order; the key is the same random key the folder store uses.
`created_at` lets the storage sweep (portal/privacy/orphans.py) leave alone a file whose row is
still being committed: only a file older than a day and named by no row is an orphan.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class StoredChunk(db.Model):
    __tablename__ = "stored_chunk"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    seq: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
