"""PostgreSQL: the rows of the records an operation changes, locked just after the write lock
without waiting (``Transactions.lock_first``; docs/performance.md, "Imports and scorers"): one
record's (scoring, a note, an undo) or a few records' (an import a scorer makes: "An import a
scorer makes"). Should an import hold one of them, the operation lets the write lock go and
waits for that row alone, holding no row meanwhile: a row it held while it waited would keep
waiting whoever needs it (a scorer of that record, or the import itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NOWAIT = "SELECT 1 FROM record WHERE {} FOR NO KEY UPDATE NOWAIT; "
WAIT = "SELECT 1 FROM record WHERE {} FOR NO KEY UPDATE; "


def where(ids: Sequence[int]) -> str:
    """SQL choosing the records ``ids``, in id order (the order an import locks its rows in)."""
    if len(ids) == 1:
        return f"id = {int(ids[0])}"
    return f"id IN ({', '.join(str(int(i)) for i in ids)}) ORDER BY id"


def busy(conn: Any, ids: Sequence[int]) -> int:
    """The first of ``ids`` whose row another transaction holds (the first of all where none
    does by now), found in a transaction of its own, rolled back: none of them held after."""
    if len(ids) == 1:
        return int(ids[0])
    conn.cursor().execute("BEGIN")
    try:
        free = {row[0] for row in conn.cursor().execute(
            f"SELECT id FROM record WHERE id IN ({', '.join(str(int(i)) for i in ids)}) "
            "FOR NO KEY UPDATE SKIP LOCKED").fetchall()}
    finally:
        conn.rollback()
    return next((int(i) for i in sorted(ids) if i not in free), int(min(ids)))
