"""The import's staging table: an answer table's rows (checked by ``files.answer_table``) in a
temporary table private to the importing connection, then matched to the audit's records and
written as records and answers under the write lock (``ops.importer``)."""

from __future__ import annotations

from collections.abc import Iterable

from reviewer.store.db import Database
from reviewer.store.ids import next_id, next_seq

STAGE = "import_stage"     # the temporary table


def fill(db: Database, table: list[str], width: int,
         batches: Iterable[Iterable[tuple]]) -> list[tuple[str, str]]:
    """Make the staging table (``table``: its column definitions) and store every batch, with
    no write lock; (ref, row numbers joined by commas) of every repeated ref."""
    db.execute(f"DROP TABLE IF EXISTS {STAGE}")
    db.execute(f"CREATE TEMP TABLE {STAGE} ({', '.join(table)})")
    sql = f"INSERT INTO {STAGE} VALUES ({', '.join('?' * width)})"
    with db.staging():
        for rows in batches:
            db.executemany(sql, rows)
        db.execute(f"CREATE INDEX ix_{STAGE}_ref ON {STAGE} (ref)")
        return db.all(f"SELECT ref, {db.group_concat('row')} FROM {STAGE} "
                      "WHERE ref <> '' GROUP BY ref HAVING COUNT(*) > 1")


def drop(db: Database) -> None:
    db.execute(f"DROP TABLE IF EXISTS {STAGE}")


def match(db: Database, audit_id: int) -> list[tuple[int, str]]:
    """Match the staged refs to the audit's records as they are now; (row number, problems
    JSON) of the new rows with problems."""
    if db.scalar("SELECT 1 FROM record WHERE audit_id = ? LIMIT 1", (audit_id,)):
        db.execute(f"UPDATE {STAGE} SET rid = (SELECT r.id FROM record r WHERE r.audit_id = ? "
                   f"AND r.ref = {STAGE}.ref)", (audit_id,))
    return db.all(f"SELECT row, problems FROM {STAGE} "
                  "WHERE rid IS NULL AND problems IS NOT NULL")


def insert_new(db: Database, audit_id: int, question_ids: list[str], involved: set[int],
               notes: set[int], reviewer: str, now: str, seq: int) -> int:
    """Insert the staged rows no record matched, as records and their answers (given by the
    history event ``seq``), in SQL; how many."""
    count = int(db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NULL"))
    if not count:
        return 0
    first_id = next_id(db, "record")
    first_seq = next_seq(db, "record", audit_id)
    db.execute("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
               f"SELECT ? + k, ?, ? + k, ref, fields, complete FROM {STAGE} WHERE rid IS NULL",
               (first_id, audit_id, first_seq))
    n = len(question_ids)
    db.execute("DROP TABLE IF EXISTS import_questions")
    db.execute("CREATE TEMP TABLE import_questions (k INTEGER PRIMARY KEY, qid TEXT NOT NULL)")
    db.executemany("INSERT INTO import_questions VALUES (?, ?)", list(enumerate(question_ids)))
    state = " ".join(f"WHEN {k} THEN s.{'r' if k in involved else 's'}{k}" for k in range(n))
    value = " ".join(f"WHEN {k} THEN s.{'w' if k in involved else 'v'}{k}" for k in range(n))
    note = " ".join(f"WHEN {k} THEN s.n{k}" for k in sorted(notes)) or "WHEN -1 THEN ''"
    db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
               "reviewer, answered_at, event_seq) "
               "SELECT rid, qid, ?, COALESCE(state, 0), value, note, "
               "CASE WHEN COALESCE(state, 0) <> 0 THEN ? ELSE '' END, "
               "CASE WHEN COALESCE(state, 0) <> 0 THEN ? ELSE '' END, ? FROM ("
               f"SELECT ? + s.k AS rid, q.qid AS qid, CASE q.k {state} END AS state, "
               f"CASE q.k {value} END AS value, COALESCE(CASE q.k {note} END, '') AS note "
               f"FROM {STAGE} s CROSS JOIN import_questions q WHERE s.rid IS NULL) x "
               "WHERE COALESCE(state, 0) <> 0 OR note <> ''",
               (audit_id, reviewer, now, seq, first_id))
    db.execute("DROP TABLE import_questions")
    return count
