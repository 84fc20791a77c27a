"""Whether a file is a PDF that a reader can open: its structure and page tree parsed by pypdf.

The parsing runs in a child process bounded in memory and time, since a hostile file is cheap
to make (a 300 MB Flate stream fits in 300 KB): the worst it costs is one short-lived process,
never a worker's memory. Only the structure and the page tree are read; page contents are
never decompressed. The children are forked from a small server process that has pypdf loaded
already (multiprocessing's forkserver), so a check costs a fork, not a new interpreter.
"""

import multiprocessing
import resource

_context = None


def _forkserver():
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["portal.pdf_structure", "pypdf"])
        _context = context
    return _context


def page_count(path, *, memory: int, seconds: float) -> int | None:
    """The number of pages of the PDF at `path`, or None if it does not parse as one, is
    protected by a password, or is not parsed within `seconds` and `memory` more bytes."""
    context = _forkserver()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_parse_in_child, args=(str(path), memory, seconds, send),
                            daemon=True)
    child.start()
    send.close()
    try:
        return receive.recv() if receive.poll(seconds) else None
    except EOFError:  # the child died: out of memory or time, or killed
        return None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()


def _parse_in_child(path: str, memory: int, seconds: float, send) -> None:
    with open("/proc/self/statm") as statm:  # what the forked process holds already
        size = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + memory, size + memory))
    cpu = max(1, int(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        send.send(_parse(path))
    except BaseException:  # noqa: BLE001 (anything at all means: not a PDF we can take)
        send.send(None)


def _parse(path: str) -> int:
    import logging

    from pypdf import PdfReader

    logging.disable(logging.CRITICAL)  # pypdf's warnings about a damaged file say nothing here
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        reader.decrypt("")  # a file anyone may open has an empty password; others fail below
    pages = list(reader.pages)
    for page in pages:
        page.mediabox  # noqa: B018 (each page object resolved, not only counted)
    return len(pages)
