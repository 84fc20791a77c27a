"""Documents kept in the database (STORAGE_BACKEND=database), for hosts that share no folder.

A stored file is its chunks in order; the key is the same random key the folder store uses.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from portal.extensions import db


class StoredChunk(db.Model):
    __tablename__ = "stored_chunk"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    seq: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
