"""Python's garbage collector, set for serving requests and paused for bulk work.

A worker holds a few hundred thousand long-lived objects (modules, mappers, compiled templates,
kept rankings) that the collector's default thresholds (700, 10, 10) make it walk again and
again while a request allocates its own short-lived ones. Profiles of the benchmark's pages put
that at a tenth to a quarter of a request, and at half of building a call's whole ranking.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A first-generation collection per 20,000 allocations instead of 700; the older generations
# correspondingly rarer. Reference cycles still go, just in fewer, larger sweeps.
SERVING_THRESHOLDS = (20_000, 50, 100)


def tune_for_serving() -> None:
    """For a web worker once the application is built (wsgi.py): what exists now lives as long as
    the process, so it is moved out of the collector's sight (gc.freeze), and collections are
    spaced out."""
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection while a bulk computation builds tens of thousands of objects that all stay
    alive until it ends; whatever cycles it leaves are collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
