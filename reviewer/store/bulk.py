"""Writing many rows fast: a bulk transaction and answers unfolded in SQL (used by imports)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reviewer.questions.logic import UNANSWERED
from reviewer.store.db import Database


@contextmanager
def bulk_transaction(db: Database) -> Iterator[None]:
    """``db.transaction()`` for loading many rows. On SQLite, for its duration: no foreign-key
    checks (the rows written refer to ids allocated in the same transaction), a 64 MB page
    cache and ``synchronous=NORMAL`` (safe with WAL: a power cut may lose the import, never
    corrupt the file)."""
    if db.dialect != "sqlite":
        with db.transaction():
            yield
        return
    pragmas = {"foreign_keys": "OFF", "synchronous": "NORMAL", "cache_size": "-65536"}
    saved = {p: int(db.scalar(f"PRAGMA {p}")) for p in pragmas}
    for p, value in pragmas.items():
        db.execute(f"PRAGMA {p}={value}")
    try:
        with db.transaction():
            yield
    finally:
        for p, value in saved.items():
            db.execute(f"PRAGMA {p}={value}")


def insert_answers_wide(db: Database, audit_id: int, ids: list[str], rows: list[tuple],
                 reviewer: str, at: str) -> None:
    """Insert answers given one row per record, ``(record id, state, value, state, value …)``
    in asking order, leaving out unanswered ones (SQLite). Binding one row per record and
    unfolding it in SQL is several times faster than binding one row per answer."""
    n = len(ids)
    columns = ", ".join(f"s{k} INTEGER, v{k} TEXT" for k in range(n))
    db.execute(f"CREATE TEMP TABLE import_rows (rid INTEGER PRIMARY KEY, {columns})")
    db.execute("CREATE TEMP TABLE import_questions (k INTEGER PRIMARY KEY, qid TEXT NOT NULL)")
    db.executemany(f"INSERT INTO temp.import_rows VALUES ({', '.join('?' * (1 + 2 * n))})",
                   rows)
    db.executemany("INSERT INTO temp.import_questions VALUES (?, ?)", list(enumerate(ids)))
    state = " ".join(f"WHEN {k} THEN r.s{k}" for k in range(n))
    value = " ".join(f"WHEN {k} THEN r.v{k}" for k in range(n))
    db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
               "reviewer, answered_at) SELECT rid, qid, ?, state, value, '', ?, ? FROM ("
               f"SELECT r.rid AS rid, q.qid AS qid, CASE q.k {state} END AS state, "
               f"CASE q.k {value} END AS value FROM temp.import_rows r "
               "CROSS JOIN temp.import_questions q) WHERE state <> ?",
               (audit_id, reviewer, at, UNANSWERED))
    db.execute("DROP TABLE temp.import_rows")
    db.execute("DROP TABLE temp.import_questions")
