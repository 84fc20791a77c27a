"""Whether a file is a PDF that a reader can open: its structure and page tree parsed by pypdf.

The parsing runs in a child process bounded in memory and time, since a hostile file is cheap
to make (a 300 MB Flate stream fits in 300 KB): the worst it costs is one short-lived process,
never a worker's memory. Only the structure and the page tree are read; page contents are
never decompressed. Run as a script (`python -I pdf_structure.py FILE MEMORY SECONDS`), this
module is the child: it imports nothing of the portal, only the standard library and pypdf.
"""

import resource
import subprocess
import sys


def page_count(path, *, memory: int, seconds: int) -> int | None:
    """The number of pages of the PDF at `path`, or None if it does not parse as one, is
    protected by a password, or is not parsed within `seconds` and `memory` bytes."""
    command = [sys.executable, "-I", __file__, str(path), str(memory), str(seconds)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    try:
        return int(done.stdout)
    except ValueError:
        return None


def _parse(path: str, memory: int, seconds: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    import logging

    logging.disable(logging.CRITICAL)  # pypdf's warnings about a damaged file say nothing here
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")  # a file anyone may open has an empty password; others fail below
    pages = list(reader.pages)
    for page in pages:
        page.mediabox  # noqa: B018 (each page object resolved, not only counted)
    return len(pages)


if __name__ == "__main__":
    print(_parse(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
