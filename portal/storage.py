"""File storage outside the web root, under random keys (a folder; one backend for now)."""

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 64 * 1024


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


def storage() -> FolderStorage:
    return FolderStorage(current_app.config["STORAGE_PATH"])
