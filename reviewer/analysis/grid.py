"""Audits' answers laid on one base audit's records, as small category codes (docs/performance.md,
"Streaming outputs"): agreement reads each audit's answers once, in batches, and keeps one
``int16`` per record and question — never a dict of every answer.

A code is 0 for a blank answer (or a record the audit does not have), else ``c`` for the
category ``cats[j][c - 1]`` of question ``j`` (``questions.logic.answer_category``: the answer
as in an answer table, ``n/a`` for n/a given or not asked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reviewer.questions.logic import answer_category

MAX_CATEGORIES = 32_000           # distinct answers to one question (int16 codes)


@dataclass
class Grid:
    seqs: np.ndarray                                   # base records' seq, in review order
    refs: np.ndarray                                   # their refs (UTF-8 bytes)
    cats: list[list[str]]                              # per question: category of each code
    codes: list[np.ndarray] = field(default_factory=list)     # per audit: (records, questions)
    present: list[np.ndarray] = field(default_factory=list)   # per audit: has the base's ref

    def ref(self, k: int) -> str:
        return bytes(self.refs[k]).decode()


def base_grid(batches: Iterable[list[tuple[int, str]]], questions: int) -> Grid:
    """The base audit's records from batches of (seq, ref) in review order."""
    seqs, refs = [], []
    for rows in batches:
        seqs.append(np.fromiter((s for s, _ in rows), np.int64, len(rows)))
        refs.append(np.array([r.encode() for _, r in rows], dtype=bytes))
    return Grid(np.concatenate(seqs) if seqs else np.zeros(0, np.int64),
                np.concatenate(refs) if refs else np.zeros(0, "S1"),
                [[] for _ in range(questions)])


class _Coder:
    """(question id, state, value) -> question index * 65536 + code, or -1 (not compared)."""

    def __init__(self, grid: Grid, index: dict[str, int]):
        self.grid, self.index = grid, index
        self.memo: dict[tuple, int] = {}
        self.found = [{c: k + 1 for k, c in enumerate(cats)} for cats in grid.cats]

    def __call__(self, key: tuple[str, int, Any]) -> int:
        j = self.index.get(key[0])
        category = answer_category(key[1], key[2]) if j is not None else None
        if j is None or category is None:
            flat = -1
        else:
            code = self.found[j].get(category)
            if code is None:
                if len(self.grid.cats[j]) >= MAX_CATEGORIES:
                    raise ValueError(f"more than {MAX_CATEGORIES:,} different answers to one "
                                     "question")
                self.grid.cats[j].append(category)
                code = self.found[j][category] = len(self.grid.cats[j])
            flat = (j << 16) | code
        self.memo[key] = flat
        return flat


def lay(grid: Grid, links: Iterable[list[tuple[int, int]]],
        cells: Iterable[list[tuple[int, str, int, Any]]], index: dict[str, int]) -> None:
    """Add one audit to the grid: ``links`` are batches of (its record id, the base record's
    seq with the same ref); ``cells`` batches of (record id, question id, state, value);
    ``index`` its question ids -> question index."""
    n, width = len(grid.seqs), len(grid.cats)
    present = np.zeros(n, bool)
    ids_parts, pos_parts = [], []
    for rows in links:
        ids_parts.append(np.fromiter((i for i, _ in rows), np.int64, len(rows)))
        pos_parts.append(np.searchsorted(grid.seqs, np.fromiter((s for _, s in rows), np.int64,
                                                                len(rows))))
    ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, np.int64)
    pos = np.concatenate(pos_parts) if pos_parts else np.zeros(0, np.int64)
    present[pos] = True
    order = np.argsort(ids, kind="stable")
    ids, pos = ids[order], pos[order]
    codes = np.zeros((n, width), np.int16)
    coder = _Coder(grid, index)
    memo = coder.memo
    for rows in cells:
        flats = np.fromiter((memo.get(r[1:]) if r[1:] in memo else coder(r[1:]) for r in rows),
                            np.int64, len(rows))
        rids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        keep = flats >= 0
        if not keep.any() or not len(ids):
            continue
        flats, rids = flats[keep], rids[keep]
        at = np.minimum(np.searchsorted(ids, rids), len(ids) - 1)
        linked = ids[at] == rids
        codes[pos[at[linked]], flats[linked] >> 16] = flats[linked] & 0xFFFF
    grid.codes.append(codes)
    grid.present.append(present)
