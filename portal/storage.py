"""Documents stored outside the web root under random keys, in one of two stores:

- `FolderStorage` (STORAGE_BACKEND=folder, the embedded default): a file per key under
  STORAGE_PATH. Every host must share that folder.
- `DatabaseStorage` (STORAGE_BACKEND=database): the file's chunks of 1 MiB in the table
  `stored_chunk` (portal/stored_files.py), in the portal's own database, which every host reaches
  already. Chunks are written through the request's session, so a file is committed with the row
  that names it and a rollback drops both.

The rest of the portal sees one contract: `save` (raises TooLarge, keeping nothing), `open` (a
readable binary stream, read chunk by chunk), `exists`, `delete`, and the helpers below that
never need a path on disk: `send_stored` for views, `local_copy` for checks that must read a file
by name, `write_to_zip` for archives, `delete_after_commit` when rows naming files go.
"""

import contextlib
import hashlib
import io
import os
import secrets
import shutil
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app, request, send_file

from portal.extensions import db
from portal.stored_files import StoredChunk

CHUNK = 64 * 1024
# The size of each row of a file kept in the database (the last one may be shorter).
DATABASE_CHUNK = 1024 * 1024
HEAD_SIZE = 8192
BACKENDS = ("folder", "database")
# The extension of each type a document's content may be verified to be.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_NAME_LENGTH = 200
# Characters that show nothing or change how the rest shows: controls (Cc), formats (Cf:
# bidirectional overrides and isolates, zero-width spaces and joiners, soft hyphens), private
# use (Co), surrogates (Cs), unassigned (Cn), line and paragraph separators (Zl, Zp).
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


class TooLarge(Exception):
    pass


@dataclass
class StoredFile:
    key: str
    size: int
    sha256: str
    head: bytes  # the first bytes, for judging the type by content


def _check_key(key: str) -> str:
    if not key or len(key) > 64 or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("bad storage key")
    return key


def _copy_in(key: str, stream: BinaryIO, max_size: int,
             write: Callable[[bytes], None]) -> StoredFile:
    """Read a stream through `write`, hashing as it goes. Raises TooLarge past max_size."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_size:
            raise TooLarge()
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
        digest.update(chunk)
        write(chunk)
    return StoredFile(key=key, size=size, sha256=digest.hexdigest(), head=head)


class FolderStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)[:2] / key

    def save(self, stream: BinaryIO, *, max_size: int) -> StoredFile:
        """Copy a stream into storage, hashing as it goes. Raises TooLarge (nothing kept)."""
        key = secrets.token_hex(32)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        try:
            with open(partial, "xb") as out:
                stored = _copy_in(key, stream, max_size, out.write)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return stored

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete_after_commit(self, keys: list[str]) -> None:
        """A file is no part of the transaction: it goes once the rows naming it are gone, if
        the transaction open now commits (not a later one, after a rollback kept the rows)."""
        session = db.session()
        transaction, pending = session.get_transaction() or session.begin(), [True]

        @sa.event.listens_for(session, "after_commit", once=True)
        def delete_files(session):
            if pending[0]:
                for key in keys:
                    self.delete(key)

        @sa.event.listens_for(session, "after_transaction_end")
        def forget(session, ended):
            if ended is transaction:  # after its commit's after_commit, or its rollback
                pending[0] = False

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self._path(key)

    def send(self, key: str, **options):
        return send_file(self._path(key), **options)

    def written(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key (partial files of an interrupted save included, as `key.partial`)
        with the moment it was last written."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/*"):
            with contextlib.suppress(FileNotFoundError):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def discard(self, name: str) -> None:
        """Remove what `written` listed: a key, or a partial file left by a killed process."""
        key, _dot, suffix = name.partition(".")
        path = self._path(key)
        if suffix == "partial":
            path = path.with_suffix(".partial")
        path.unlink(missing_ok=True)


class DatabaseStorage:
    """Files as rows of DATABASE_CHUNK bytes in `stored_chunk`, written in the session's
    transaction: committed with the row naming the file, gone with a rollback."""

    def save(self, stream: BinaryIO, *, max_size: int) -> StoredFile:
        """Store a stream in chunks, hashing as it goes. Raises TooLarge (nothing kept: the
        chunks written so far go with the savepoint). Flushes."""
        key = secrets.token_hex(32)
        buffer, seq, now = bytearray(), 0, datetime.now(UTC)

        def insert(data: bytes) -> None:
            nonlocal seq
            db.session.execute(sa.insert(StoredChunk), [
                {"key": key, "seq": seq, "data": data, "created_at": now}])
            seq += 1

        def write(chunk: bytes) -> None:
            buffer.extend(chunk)
            while len(buffer) >= DATABASE_CHUNK:
                insert(bytes(buffer[:DATABASE_CHUNK]))
                del buffer[:DATABASE_CHUNK]

        with db.session.begin_nested():
            stored = _copy_in(key, stream, max_size, write)
            if buffer or seq == 0:  # an empty file is one empty chunk, so that it exists
                insert(bytes(buffer))
        return stored

    def open(self, key: str) -> BinaryIO:
        """A stream over the file's chunks, read one at a time through the session (so it sees
        a file saved but not yet committed). FileNotFoundError if there is no such file."""
        _check_key(key)
        session = db.session()

        def fetch(statement):
            return session.execute(statement).scalar()

        if not self._exists(fetch, key):
            raise FileNotFoundError(key)
        return io.BufferedReader(ChunkReader(key, fetch), buffer_size=CHUNK)

    def _exists(self, fetch, key: str) -> bool:
        return fetch(sa.select(sa.literal(1)).where(StoredChunk.key == key,
                                                    StoredChunk.seq == 0)) is not None

    def delete(self, key: str) -> None:
        """Delete the chunks in the session's transaction (a rollback keeps them)."""
        db.session.execute(sa.delete(StoredChunk).where(StoredChunk.key == _check_key(key)))

    def exists(self, key: str) -> bool:
        return self._exists(lambda statement: db.session.execute(statement).scalar(),
                            _check_key(key))

    def delete_after_commit(self, keys: list[str]) -> None:
        """The chunks are part of the transaction: deleted in it, they go with its commit and
        stay with its rollback, exactly as the rows naming them."""
        for key in keys:
            self.delete(key)

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The file copied to a temporary file, removed afterwards."""
        handle, name = tempfile.mkstemp(prefix="portal-stored-")
        try:
            with os.fdopen(handle, "wb") as out, self.open(key) as source:
                shutil.copyfileobj(source, out, CHUNK)
            yield Path(name)
        finally:
            Path(name).unlink(missing_ok=True)

    def send(self, key: str, *, conditional: bool = True, etag: str | bool = True, **options):
        """A response streaming the file chunk by chunk, each read on a connection of its own
        (the request's session is gone by the time the server sends the body), with the same
        headers a file on disk gets; the key, never reused, stands for the ETag by default."""
        engine = db.engine
        _check_key(key)

        def fetch(statement):
            with engine.connect() as connection:
                return connection.execute(statement).scalar()

        if not self._exists(fetch, key):
            raise FileNotFoundError(key)
        reader = ChunkReader(key, fetch)
        response = send_file(io.BufferedReader(reader, buffer_size=CHUNK), conditional=False,
                             etag=key if etag is True else etag, **options)
        response.content_length = reader.size
        if conditional:
            response = response.make_conditional(request.environ, accept_ranges=True,
                                                 complete_length=reader.size)
        return response

    def written(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with the moment its first chunk was written."""
        rows = db.session.execute(sa.select(StoredChunk.key, StoredChunk.created_at)
                                  .where(StoredChunk.seq == 0)).all()
        yield from ((key, created_at) for key, created_at in rows)

    def discard(self, name: str) -> None:
        self.delete(name)


class ChunkReader(io.RawIOBase):
    """Reads a file kept in the database one chunk (one row) at a time; seekable, since every
    chunk but the last holds DATABASE_CHUNK bytes. `fetch(statement)` runs a query returning
    one value."""

    def __init__(self, key: str, fetch: Callable):
        self.key, self.fetch, self.position = key, fetch, 0
        self._seq, self._data, self._size = None, b"", None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = self.fetch(sa.select(sa.func.coalesce(
                sa.func.sum(sa.func.length(StoredChunk.data)), 0)).where(
                StoredChunk.key == self.key)) or 0
        return self._size

    def readinto(self, buffer) -> int:
        seq, offset = divmod(self.position, DATABASE_CHUNK)
        if seq != self._seq:
            data = self.fetch(sa.select(StoredChunk.data).where(StoredChunk.key == self.key,
                                                                StoredChunk.seq == seq))
            self._seq, self._data = seq, bytes(data or b"")
        count = max(0, min(len(buffer), len(self._data) - offset))
        buffer[:count] = self._data[offset:offset + count]
        self.position += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position


def shown_name(name: str) -> str:
    """A name as people may be shown it: without invisible characters (so that
    'cv\u202efdp.exe' cannot show as 'cvexe.pdf'), every space a plain one, NFC."""
    kept = (" " if unicodedata.category(ch) == "Zs" else ch
            for ch in unicodedata.normalize("NFC", name)
            if unicodedata.category(ch) not in _INVISIBLE)
    return " ".join("".join(kept).split())


def document_name(name: str, content_type: str) -> str:
    """The name a document is stored, shown, served and archived under: the uploaded name made
    safe to show (shown_name), with the extension of the type its content was verified to be,
    never the uploader's ('cv.html' verified as a PDF is 'cv.pdf')."""
    stem = shown_name(name)
    base, dot, _extension = stem.rpartition(".")
    if dot and base.strip(" ."):
        stem = base
    extension = EXTENSIONS.get(content_type, "bin")
    stem = stem.strip(" .")[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or "document"
    return f"{stem}.{extension}"


def storage() -> FolderStorage | DatabaseStorage:
    """The store STORAGE_BACKEND names ("folder", the default, or "database")."""
    backend = current_app.config.get("STORAGE_BACKEND", "folder")
    if backend == "database":
        return DatabaseStorage()
    if backend == "folder":
        return FolderStorage(current_app.config["STORAGE_PATH"])
    raise ValueError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def send_stored(key: str, *, mimetype: str, download_name: str, as_attachment: bool = True,
                **options):
    """The response of a view sending a stored file (send_file's options: max_age, etag,
    conditional...). FileNotFoundError if it is not stored."""
    return storage().send(key, mimetype=mimetype, download_name=download_name,
                          as_attachment=as_attachment, **options)


def local_copy(key: str) -> contextlib.AbstractContextManager[Path]:
    """`with local_copy(key) as path:` a path on this host to read the stored file by name (a
    PDF check in a child process): the file itself in a folder store, else a temporary copy
    removed when the block ends."""
    return storage().local_copy(key)


def write_to_zip(archive: zipfile.ZipFile, key: str, name: str, *,
                 compress_type: int = zipfile.ZIP_STORED) -> None:
    """Copy a stored file into an open ZIP archive under `name`, in chunks (never all in memory)."""
    entry = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    entry.compress_type = compress_type
    entry.external_attr = 0o600 << 16
    with storage().open(key) as source, archive.open(entry, "w") as target:
        shutil.copyfileobj(source, target, CHUNK)


def delete_after_commit(keys: list[str]) -> None:
    """Remove the stored files once the transaction that dropped their rows has committed: a
    rollback keeps both the rows and the files."""
    if keys:
        storage().delete_after_commit(list(keys))
