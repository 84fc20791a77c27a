"""File storage outside the web root, under random keys (a folder; one backend for now)."""

import hashlib
import os
import secrets
import shutil
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db

CHUNK = 64 * 1024
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


class FolderStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def save(self, stream: BinaryIO, *, max_size: int) -> StoredFile:
        """Copy a stream into storage, hashing as it goes. Raises TooLarge (nothing kept)."""
        key = secrets.token_hex(32)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        digest, size, head = hashlib.sha256(), 0, b""
        try:
            with open(partial, "xb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_size:
                        raise TooLarge()
                    if len(head) < 8192:
                        head += chunk[: 8192 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return StoredFile(key=key, size=size, sha256=digest.hexdigest(), head=head)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def path(self, key: str) -> Path:
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


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


def storage() -> FolderStorage:
    return FolderStorage(current_app.config["STORAGE_PATH"])


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
    if not keys:
        return
    app = current_app._get_current_object()

    @sa.event.listens_for(db.session(), "after_commit", once=True)
    def delete_files(session):
        with app.app_context():
            for key in keys:
                storage().delete(key)
