"""Packs of events held compressed between their making and the write lock (docs/performance.md,
"Packs of events held compressed"): each pack made ready before the lock is kept compressed as
numbered then, not as its text, with what ``bundle.prepare`` made of it while the memory they
take stays under :data:`HELD_MAX`; past it, the later packs are made ready under the lock (from
what is held), so an import's memory stays bounded whatever its texts."""

from __future__ import annotations

import zlib
from typing import NamedTuple

from reviewer.store.bundle import FORMAT, START, Prepared, pack_text

HELD_MAX = 120 * 2**20     # bytes of prepared packs held before the write lock, at most


class Held(NamedTuple):
    """A pack compressed ahead of the write lock numbered from ``first``, held in place of its
    text."""
    first: int
    blob: bytes

    def text(self) -> str:
        """The pack's events' text, as ``merge_events.packs`` gave it."""
        return zlib.decompress(self.blob).decode("utf-8").partition(START)[2]


def numbered(first: int, text: str | Held) -> bytes:
    """A pack's row numbered from ``first``, from its text or as held (numbered again)."""
    if isinstance(text, str):
        return pack_text(first, text)
    if text.first == first:
        return text.blob
    _, _, elements = zlib.decompress(text.blob).partition(START.encode())
    return zlib.compress(f"{FORMAT},{first}{START}".encode() + elements, 1)


def size(made: Prepared) -> int:
    """About how many bytes a prepared pack holds: its parts and their Python objects' own
    (a rest's ``mid`` is shared), its two arrays."""
    rests = sum(len(later) for _, later in made.rests) + 100 * len(made.rests)
    refs = sum(map(len, made.refs)) + 41 * len(made.refs)
    return rests + refs + 8 * made.count
