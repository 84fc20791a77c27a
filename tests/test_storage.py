"""The stores of documents (a folder, the database) and the names of stored documents: safe to
show, with the extension of the verified type."""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.storage import (
    DATABASE_CHUNK,
    TooLarge,
    delete_after_commit,
    document_name,
    local_copy,
    send_stored,
    shown_name,
    storage,
    write_to_zip,
)
from portal.stored_files import StoredChunk


@pytest.mark.parametrize("uploaded,content_type,expected", [
    ("cv.html", "application/pdf", "cv.pdf"),
    ("tool.exe", "application/pdf", "tool.pdf"),
    ("cv.pdf", "application/pdf", "cv.pdf"),
    ("Сертификат.PDF", "application/pdf", "Сертификат.pdf"),
    ("photo.jpeg", "image/jpeg", "photo.jpg"),
    ("scan.pdf", "image/png", "scan.png"),
    ("resume", "application/pdf", "resume.pdf"),
    ("cv.tar.gz", "application/pdf", "cv.tar.pdf"),
    (".pdf", "application/pdf", "pdf.pdf"),
    ("cv\u202efdp.exe", "application/pdf", "cvfdp.pdf"),
    ("\u202e\u200b", "application/pdf", "document.pdf"),
    ("x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf"),
])
def test_document_name_takes_the_verified_types_extension(uploaded, content_type, expected):
    assert document_name(uploaded, content_type) == expected


@pytest.mark.parametrize("name,expected", [
    ("cv\u202efdp.exe", "cvfdp.exe"),            # right-to-left override (Cf)
    ("a\u2066b\u2069c\u200fd", "abcd"),          # isolates and a right-to-left mark (Cf)
    ("zero\u200bwidth\u200d\ufeff", "zerowidth"),  # zero-width space, joiner, BOM (Cf)
    ("soft\u00adhyphen", "softhyphen"),          # soft hyphen (Cf)
    ("tab\there\x85", "tabhere"),                # controls (Cc)
    ("line\u2028para\u2029", "linepara"),        # separators (Zl, Zp)
    ("private\ue000", "private"),                # private use (Co)
    ("non\u00a0breaking\u3000 spaces  ", "non breaking spaces"),  # every space a plain one
    ("Мое резюме.pdf", "Мое резюме.pdf"),
])
def test_shown_name_drops_invisible_and_bidirectional_characters(name, expected):
    assert shown_name(name) == expected


# --- The two stores: folder (the default) and database (issue 16) ---------------------------

BACKENDS = ["folder", "database"]
# Two full chunks of the database store and a bit of a third, none alike.
BIG = os.urandom(2 * DATABASE_CHUNK + 12_345)


@pytest.fixture(params=BACKENDS)
def backend(request, app_config):
    app_config["STORAGE_BACKEND"] = request.param
    return request.param


def _keys(db):
    return sorted(key for key, _written in storage().written())


def test_save_then_open_gives_back_the_same_bytes_chunk_by_chunk(backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    db.session.commit()
    assert (stored.size, stored.sha256, stored.head) == (
        len(BIG), hashlib.sha256(BIG).hexdigest(), BIG[:8192])
    assert len(stored.key) == 64 and storage().exists(stored.key) is True
    with storage().open(stored.key) as stream:
        parts = [stream.read(100_000) for _ in range(30)]
    assert b"".join(parts) == BIG
    assert [len(p) for p in parts if p][-1] == len(BIG) % 100_000


@pytest.mark.parametrize("backend", ["database"], indirect=True)
def test_the_database_store_keeps_a_file_as_chunks_of_one_mebibyte(backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    rows = db.session.execute(sa.select(StoredChunk.seq, sa.func.length(StoredChunk.data))
                              .where(StoredChunk.key == stored.key)
                              .order_by(StoredChunk.seq)).all()
    assert [tuple(row) for row in rows] == [(0, DATABASE_CHUNK), (1, DATABASE_CHUNK), (2, 12_345)]


def test_an_empty_file_is_stored_and_opens_empty(backend, app, db):
    stored = storage().save(io.BytesIO(b""), max_size=10)
    db.session.commit()
    assert storage().exists(stored.key) is True
    with storage().open(stored.key) as stream:
        assert stream.read() == b""


def test_too_large_keeps_nothing(backend, app, db):
    before = _keys(db)
    with pytest.raises(TooLarge):
        storage().save(io.BytesIO(BIG), max_size=len(BIG) - 1)
    db.session.commit()
    assert _keys(db) == before == []
    if backend == "folder":
        assert [p.name for p in Path(app.config["STORAGE_PATH"]).rglob("*") if p.is_file()] == []


def test_a_failing_stream_keeps_nothing(backend, app, db):
    class Broken(io.BytesIO):
        def read(self, size=-1):
            if self.tell() > DATABASE_CHUNK + 10:
                raise OSError("the client went away")
            return super().read(size)

    with pytest.raises(OSError):
        storage().save(Broken(BIG), max_size=len(BIG))
    db.session.commit()
    assert _keys(db) == []


def test_a_file_saved_in_a_transaction_rolled_back_is_gone_from_the_database_only(
        backend, app, db):
    stored = storage().save(io.BytesIO(b"%PDF-1.4 rolled back"), max_size=100)
    db.session.rollback()
    # A folder cannot take part in the transaction: its file is an orphan for the sweep.
    assert storage().exists(stored.key) is (backend == "folder")


def test_delete_after_commit_removes_on_commit(backend, app, db):
    stored = storage().save(io.BytesIO(b"letter"), max_size=100)
    db.session.commit()
    delete_after_commit([stored.key])
    db.session.commit()
    assert storage().exists(stored.key) is False


def test_delete_after_commit_keeps_the_file_on_rollback(backend, app, db):
    stored = storage().save(io.BytesIO(b"letter"), max_size=100)
    db.session.commit()
    delete_after_commit([stored.key])
    db.session.rollback()
    db.session.commit()
    assert storage().exists(stored.key) is True


def test_delete_removes_and_open_of_a_missing_key_fails(backend, app, db):
    stored = storage().save(io.BytesIO(b"x"), max_size=100)
    storage().delete(stored.key)
    db.session.commit()
    assert storage().exists(stored.key) is False
    with pytest.raises(FileNotFoundError):
        storage().open(stored.key)
    with pytest.raises(ValueError):
        storage().exists("../etc/passwd")


def test_local_copy_is_a_file_with_the_bytes_and_a_temporary_one_goes_afterwards(
        backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    with local_copy(stored.key) as path:
        assert path.read_bytes() == BIG
    assert path.exists() is (backend == "folder")


def test_write_to_zip_copies_the_stored_bytes(backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        write_to_zip(archive, stored.key, "a/b.pdf", compress_type=zipfile.ZIP_DEFLATED)
    assert zipfile.ZipFile(buffer).read("a/b.pdf") == BIG


def test_send_stored_streams_the_file_with_the_headers_of_a_download(backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    db.session.commit()
    with app.test_request_context("/"):
        response = send_stored(stored.key, mimetype="application/pdf", as_attachment=True,
                               download_name="Резюме.pdf", max_age=0, conditional=True,
                               etag=stored.sha256)
    response.direct_passthrough = False
    assert (response.status_code, response.mimetype, response.content_length,
            response.headers["Content-Disposition"], response.get_etag(),
            response.headers["Cache-Control"]) == (
        200, "application/pdf", len(BIG),
        "attachment; filename=.pdf; filename*=UTF-8''%D0%A0%D0%B5%D0%B7%D1%8E%D0%BC%D0%B5.pdf",
        (stored.sha256, False), "no-cache, max-age=0")
    assert response.get_data() == BIG
    response.close()


def test_send_stored_answers_a_range_and_an_etag_match(backend, app, db):
    stored = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    db.session.commit()
    start = DATABASE_CHUNK - 10
    with app.test_request_context("/", headers={"Range": f"bytes={start}-{start + 19}"}):
        response = send_stored(stored.key, mimetype="application/pdf",
                               download_name="cv.pdf", etag=stored.sha256, conditional=True)
    response.direct_passthrough = False
    assert (response.status_code, response.get_data()) == (206, BIG[start:start + 20])
    response.close()
    with app.test_request_context("/", headers={"If-None-Match": f'"{stored.sha256}"'}):
        response = send_stored(stored.key, mimetype="application/pdf",
                               download_name="cv.pdf", etag=stored.sha256, conditional=True)
    assert response.status_code == 304
    response.close()


def test_written_lists_every_stored_key_with_its_moment(backend, app, db):
    from portal.database import utcnow

    first = storage().save(io.BytesIO(b"a"), max_size=10)
    second = storage().save(io.BytesIO(BIG), max_size=len(BIG))
    db.session.commit()
    written = dict(storage().written())
    assert sorted(written) == sorted([first.key, second.key])
    assert all(abs((utcnow() - moment).total_seconds()) < 60 for moment in written.values())


def test_an_unknown_backend_is_refused(app):
    app.config["STORAGE_BACKEND"] = "s3"
    with pytest.raises(ValueError, match="STORAGE_BACKEND must be one of folder, database"):
        storage()
