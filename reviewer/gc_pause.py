"""Pausing Python's cyclic garbage collector while a big batch of rows is worked on."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows are worked on: they are not garbage, and
    repeated full collections over millions of live tuples would cost more than the work
    (an import, agreement over a million answers: docs/performance.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
