"""Names of stored documents: safe to show, with the extension of the verified type."""

import pytest

from portal.storage import document_name, shown_name


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
