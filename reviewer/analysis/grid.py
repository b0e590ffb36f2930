"""Audits' answers laid on one base audit's records, as small category codes (docs/performance.md,
"Streaming outputs"): agreement reads each audit's answers once, grouped by answer, and keeps one
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


def lay(grid: Grid, ids: np.ndarray, seqs: np.ndarray,
        groups: Iterable[tuple[str, int, Any, np.ndarray]], index: dict[str, int]) -> None:
    """Add one audit to the grid: ``ids`` its record ids and ``seqs`` the seq of the base
    record with the same ref (``store.aligned.linked_records``); ``groups`` its answers grouped
    as (question id, state, value, record ids) (``store.aligned.answer_groups``); ``index`` its
    question ids -> question index."""
    n, width = len(grid.seqs), len(grid.cats)
    if len(ids) != len(seqs):
        raise ValueError("record ids and seqs of different lengths")
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    pos = np.searchsorted(grid.seqs, seqs[order]).astype(np.int32)
    del order, seqs
    present = np.zeros(n, bool)
    present[pos] = True
    codes = np.zeros((n, width), np.int16)
    found = [{c: k + 1 for k, c in enumerate(cats)} for cats in grid.cats]
    for qid, state, value, rids in groups:
        j = index.get(qid)
        category = answer_category(state, value) if j is not None else None
        if j is None or category is None or not len(ids):
            continue
        code = found[j].get(category)
        if code is None:
            if len(grid.cats[j]) >= MAX_CATEGORIES:
                raise ValueError(f"more than {MAX_CATEGORIES:,} different answers to one "
                                 "question")
            grid.cats[j].append(category)
            code = found[j][category] = len(grid.cats[j])
        rids = np.asarray(rids, np.int64)
        at = np.minimum(np.searchsorted(ids, rids), len(ids) - 1)
        codes[pos[at[ids[at] == rids]], j] = code
    grid.codes.append(codes)
    grid.present.append(present)
