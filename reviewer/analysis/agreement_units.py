"""One question's answers on the records every audit has (a ``rows`` matrix of category codes,
``reviewer.analysis.grid``) as the units the figures are computed from, and its disagreements,
made one at a time when they are read (docs/performance.md, "Streaming outputs")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from reviewer.analysis.disagreement import Disagreement
from reviewer.analysis.grid import Grid
from reviewer.analysis.reliability import EXACT_UNITS, Units

BLOCK = 10_000                       # disagreements made at a time when iterated


def units(rows: np.ndarray, cats: list[str]) -> Units:
    """The distinct rows of codes, with how many records gave each."""
    base = len(cats) + 1
    key = np.zeros(len(rows), np.int64)
    for i in range(rows.shape[1] - 1, -1, -1):
        key *= base
        key += rows[:, i]
    exact = len(rows) <= EXACT_UNITS
    if not exact and base ** rows.shape[1] <= 1 << 20:      # few patterns: count them
        counts = np.bincount(key, minlength=base ** rows.shape[1])
        found = np.nonzero(counts)[0]
        counts, order = counts[found], None
    else:
        found, order, counts = np.unique(key, return_inverse=True, return_counts=True)
    patterns = []
    for k in found.tolist():
        row = []
        for _ in range(rows.shape[1]):
            k, code = divmod(k, base)
            row.append(cats[code - 1] if code else None)
        patterns.append(tuple(row))
    # in the order of their answers, not of their codes (given as the audits' answer groups
    # arrive, in any order on PostgreSQL): the bootstrap draws over the patterns in this order
    rank = sorted(range(len(patterns)), key=lambda k: [(c is not None, c or "")
                                                       for c in patterns[k]])
    place = np.empty(len(rank), np.int64)
    place[rank] = np.arange(len(rank))
    return Units([patterns[k] for k in rank], counts[rank].astype(np.int64),
                 place[order.reshape(-1)] if exact and order is not None else None)


class Disagreements(Sequence[Disagreement]):
    """The records whose audits gave different answers, in the first audit's record order:
    their positions are kept (the answers stay in the grid); each :class:`Disagreement` is made
    when it is read."""

    def __init__(self, grid: Grid, where: np.ndarray, question: int):
        self.grid, self.where, self.question = grid, where, question
        self.cats = grid.cats[question]

    def __len__(self) -> int:
        return len(self.where)

    @overload
    def __getitem__(self, k: int) -> Disagreement: ...

    @overload
    def __getitem__(self, k: slice) -> list[Disagreement]: ...

    def __getitem__(self, k: int | slice) -> Disagreement | list[Disagreement]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        at = int(self.where[k])
        answers = [self.cats[c - 1] if c else None
                   for c in (int(codes[at, self.question]) for codes in self.grid.codes)]
        ref = self.grid.ref(at)
        if len(answers) == 2:
            return Disagreement(ref, answers[0] or "", answers[1] or "")
        return Disagreement(ref, answers[0] or "", answers[1] or "", tuple(answers))

    def __iter__(self) -> Iterator[Disagreement]:
        two = len(self.grid.codes) == 2
        for ref, answers in self.raw():
            if two:
                yield Disagreement(ref, answers[0] or "", answers[1] or "")
            else:
                yield Disagreement(ref, answers[0] or "", answers[1] or "", answers)

    def raw(self, cats: Sequence[object] | None = None) -> Iterator[tuple[str, tuple]]:
        """(ref, every audit's answer) of each, a block at a time; ``cats``: what to give for
        each category instead of its text (None first, for a blank)."""
        for refs, columns in self.blocks(cats):
            yield from zip(refs, zip(*columns, strict=True), strict=True)

    def blocks(self, cats: Sequence[object] | None = None
               ) -> Iterator[tuple[list[str], list[list]]]:
        """``BLOCK`` disagreements at a time as columns: their refs, and each audit's answers
        (``cats`` as in :meth:`raw`), for writers that format a whole block in C."""
        shown = [None, *self.cats] if cats is None else cats
        for start in range(0, len(self.where), BLOCK):
            at = self.where[start:start + BLOCK]
            refs = list(map(bytes.decode, self.grid.refs[at].tolist()))     # mapped in C
            yield refs, [list(map(shown.__getitem__, codes[at, self.question].tolist()))
                         for codes in self.grid.codes]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def disagreements(grid: Grid, common: np.ndarray, rows: np.ndarray,
                  question: int) -> Disagreements:
    """Records (positions ``common`` in the base audit, answers ``rows``) where two or more
    different answers were given to question ``question``; kept as their positions."""
    given = rows > 0
    top = rows.max(axis=1)
    least = np.where(given, rows, np.iinfo(rows.dtype).max).min(axis=1)
    differ = (given.sum(axis=1) >= 2) & (least != top)
    at = np.nonzero(differ)[0]
    return Disagreements(grid, common[at].astype(np.int32), question)
