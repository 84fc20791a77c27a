"""The PDF check's own bounds, called directly (issue 12, item 9)."""

import io
import struct
import zlib

from portal.pdf_structure import page_count


def _pdf_with_a_big_object_stream(padding: int) -> bytes:
    """A valid one-page PDF whose catalog sits in an object stream that inflates to about
    `padding` bytes (below pypdf's own limits): a few kilobytes that take pypdf seconds."""
    data = zlib.compress(b"1 0 <</Type/Catalog/Pages 2 0 R>>" + b" " * padding, 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    offsets[3] = out.tell()
    out.write(b"3 0 obj<</Type/ObjStm/N 1/First 4/Length %d/Filter/FlateDecode>>stream\n"
              % len(data) + data + b"\nendstream endobj\n")  # the padding after the catalog
    offsets[2] = out.tell()
    out.write(b"2 0 obj<</Type/Pages/Kids[5 0 R]/Count 1>>endobj\n")
    offsets[5] = out.tell()
    out.write(b"5 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n")
    offsets[4] = out.tell()
    entries = [(0, 0, 65535), (2, 3, 0), (1, offsets[2], 0), (1, offsets[3], 0),
               (1, offsets[4], 0), (1, offsets[5], 0)]
    rows = b"".join(bytes([kind]) + struct.pack(">IH", field, generation)
                    for kind, field, generation in entries)
    out.write(b"4 0 obj<</Type/XRef/Size 6/W[1 4 2]/Root 1 0 R/Length %d>>stream\n" % len(rows)
              + rows + b"\nendstream endobj\nstartxref\n%d\n%%%%EOF\n" % offsets[4])
    return out.getvalue()


def test_a_pdf_that_takes_too_long_to_parse_is_refused_in_time(tmp_path):
    import time

    small, slow = tmp_path / "small.pdf", tmp_path / "slow.pdf"
    small.write_bytes(_pdf_with_a_big_object_stream(0))
    slow.write_bytes(_pdf_with_a_big_object_stream(32 * 1024 * 1024))  # seconds of parsing
    assert slow.stat().st_size < 100 * 1024
    assert page_count(small, memory=256 * 1024 * 1024, seconds=10) == 1
    started = time.monotonic()
    assert page_count(slow, memory=256 * 1024 * 1024, seconds=2) is None
    assert time.monotonic() - started < 4
    assert page_count(small, memory=256 * 1024 * 1024, seconds=0) is None
