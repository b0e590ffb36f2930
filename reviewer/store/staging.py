"""The import's staging table: an answer table's rows (checked by ``files.answer_table``) in a
temporary table private to the importing connection, then matched to the audit's records and
written as records and answers under the write lock (``ops.importer``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from reviewer.store import field_slots, import_rows, pack_writes, scratch
from reviewer.store.chain import listed, pack_parts
from reviewer.store.db import Database
from reviewer.store.ids import next_id, next_seq, reserve_records
from reviewer.store.import_rows import NewRows

STAGE = "import_stage"     # the temporary table


def fill(db: Database, table: list[str], width: int,
         batches: Iterable[Iterable[tuple]]) -> list[tuple[str, str]]:
    """Make the staging table (``table``: its column definitions) and store every batch, with
    no write lock; (ref, row numbers joined by commas) of every repeated ref."""
    db.execute(f"DROP TABLE IF EXISTS {STAGE}")
    db.execute(f"CREATE {scratch.table(db, STAGE)} ({', '.join(table)})")
    sql = f"INSERT INTO {STAGE} VALUES ({', '.join('?' * width)})"
    with db.staging():
        for rows in batches:
            db.executemany(sql, rows)
        # with the row number: the repeated refs read from the index alone, in any file order
        db.execute(f"CREATE INDEX {scratch.index(db, f'ix_{STAGE}_ref')} ON {STAGE} (ref, row)")
        return db.all(f"SELECT ref, {db.group_concat('row')} FROM {STAGE} "
                      "WHERE ref <> '' GROUP BY ref HAVING COUNT(*) > 1")


ANALYZE_ROWS = 10_000     # PostgreSQL: an import of this many rows refreshes the statistics


def refresh_statistics(db: Database, rows: int) -> None:
    """PostgreSQL, after an import of at least ``ANALYZE_ROWS`` rows has committed: the
    planner's statistics of the tables it filled, as autovacuum would in a minute or so, so the
    tally run straight after it is planned for the tables as they now are (docs/performance.md,
    "tally --by on PostgreSQL"). It blocks no reader or writer. A login that does not own the
    tables is skipped by the server (a notice, not shown); a failure changes nothing the
    import wrote, so it is not reported."""
    if db.dialect == "sqlite" or rows < ANALYZE_ROWS:
        return
    try:
        db.execute("ANALYZE record, answer")
    except Exception:  # noqa: BLE001 - only the planner's estimates are left as they were
        pass


def drop(db: Database) -> None:
    for table in (STAGE, NEW, pack_writes.NEW_PACKS):
        db.execute(f"DROP TABLE IF EXISTS {table}")


def match(db: Database, audit_id: int, new_only: bool = False) -> list[tuple[int, str]]:
    """Match the staged refs to the audit's records as they are now (``new_only``: the rows
    no record matched before; a matched record's being still there is checked elsewhere:
    ``store.merge_check``); (row number, problems JSON) of the new rows with problems."""
    if db.scalar("SELECT 1 FROM record WHERE audit_id = ? LIMIT 1", (audit_id,)):
        db.execute(f"UPDATE {STAGE} SET rid = (SELECT r.id FROM record r WHERE r.audit_id = ? "
                   f"AND r.ref = {STAGE}.ref)" + (" WHERE rid IS NULL" if new_only else ""),
                   (audit_id,))
    return db.all(f"SELECT row, problems FROM {STAGE} "
                  "WHERE rid IS NULL AND problems IS NOT NULL")


def lock_matched(db: Database) -> None:
    """PostgreSQL, before the write lock: lock the rows of the records the staged rows matched,
    in id order, so that no one changes them or their answers until this transaction ends
    (a scorer locks its record's row before the write lock too: ``ops.core.write``)."""
    db.execute(f"SELECT COUNT(*) FROM (SELECT id FROM record WHERE id IN (SELECT rid FROM "
               f"{STAGE} WHERE rid IS NOT NULL) ORDER BY id FOR NO KEY UPDATE) x")


SCORER_CELLS = 2000     # PostgreSQL: an import of at most so many cells may be a scorer's


def scorer_sized(db: Database, audit_id: int, rows: int, columns: int, fields: Sequence[str]
                 ) -> list[int] | None:
    """PostgreSQL, read before the import's transaction (in a staging one): where it is an
    import a scorer makes (docs/performance.md, "An import a scorer makes": at most
    :data:`SCORER_CELLS` cells, ``rows`` of ``columns`` besides the ref, each row of a record
    the audit has, and no field name the audit has not), the ids of those records in id
    order; else None."""
    if db.dialect == "sqlite" or not 0 < rows * max(columns, 1) <= SCORER_CELLS:
        return None
    names = sorted(set(fields))
    if names and db.scalar("SELECT COUNT(*) FROM field_slot WHERE audit_id = ? AND name IN "
                           f"({', '.join('?' * len(names))})", (audit_id, *names)) != len(names):
        return None
    found = db.all(f"SELECT r.id FROM {STAGE} s LEFT JOIN record r ON r.audit_id = ? "
                   "AND r.ref = s.ref ORDER BY r.id", (audit_id,))
    if any(rid is None for (rid,) in found):
        return None
    return [int(rid) for (rid,) in found]


def matched_ids(db: Database) -> list[int]:
    """The ids of the records the staged rows matched, in id order (NULL for a new row: 0)."""
    return [int(rid or 0) for (rid,) in db.all(f"SELECT rid FROM {STAGE} ORDER BY rid")]


def touched(db: Database, new: tuple[int, int, int]) -> tuple[int, int]:
    """The lowest and highest ids of the records the staged rows matched and of the new ones
    (:func:`insert_new`'s count, first and last id): the only ones an import writes."""
    low, high = db.one(f"SELECT MIN(rid), MAX(rid) FROM {STAGE}")
    ends = [int(x) for x in (low, high) if x is not None] + (list(new[1:]) if new[0] else [])
    return (min(ends), max(ends)) if ends else (0, -1)


REF_KEY = "record_audit_id_ref_key"    # PostgreSQL's name of record's UNIQUE (audit_id, ref)


def ref_taken(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL's unique violation of a record's (audit, ref): a new
    record written before the write lock (:func:`insert_new` with no ``seq``) whose ref another
    writer added since the refs were matched (docs/performance.md, "Imports and scorers");
    also as SQLAlchemy wraps it (``orig``)."""
    exc = getattr(exc, "orig", None) or exc
    diag = getattr(exc, "diag", None)
    return (getattr(exc, "sqlstate", None) == "23505"
            and getattr(diag, "constraint_name", None) == REF_KEY)


def insert_new(db: Database, audit_id: int, question_ids: list[str], involved: set[int],
               notes: set[int], reviewer: str, now: str, seq: int | None,
               prepared: tuple[int, int] | None = None,
               slots: Sequence[int] = ()) -> tuple[int, int, int]:
    """Insert the staged rows no record matched, as records and their answers (given by the
    history event ``seq``), in SQL; how many, and the first and last ids they may have (the
    staged rows' ids follow their order in the file, the matched ones' left out).

    ``seq`` None: PostgreSQL, before the write lock (docs/performance.md, "Imports and
    scorers"): the ids are reserved (``ids.reserve_records``), the answers carry no event yet
    (the import's event, written under the lock, holds them: ``import_rows.given_rows``), and the
    audit's count of records is kept in a row of its own (the setting reviewer.count_part) so that
    scorers changing the count meanwhile do not wait for this transaction. Their review order
    (``seq``) is the audit's next: the other writers that add records (an import, which waits
    for this one's own lock, a sample or a calibration, which make new audits) never add them to
    the same audit meanwhile. ``prepared``: the first id and the count :func:`prepare_new` built
    the answer rows for, before the lock (SQLite); used if they are still so. ``slots``: where
    the file's fields go in the records' fields (``store.field_slots.claim``)."""
    count, top = db.one(f"SELECT COUNT(*), MAX(k) FROM {STAGE} WHERE rid IS NULL")
    if not count:
        return 0, 0, 0
    if seq is None:          # ids first_id + k: the rows' k run from 0 to top, with gaps
        first_id, first_seq = reserve_records(db, audit_id, int(top) + 1)
        db.execute("SELECT set_config('reviewer.count_part', '1', true)")
    else:
        first_id, first_seq = next_id(db, "record"), next_seq(db, "record", audit_id)
    fields = field_slots.placed(db, "fields", slots)
    db.execute("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
               f"SELECT ? + k, ?, ? + k, ref, {fields}, complete FROM {STAGE} WHERE rid IS NULL",
               (first_id, audit_id, first_seq))
    if seq is None:
        db.execute("SELECT set_config('reviewer.count_part', '0', true)")
    given = ("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
             "reviewer, answered_at, event_seq) "
             "SELECT ? + k, qid, ?, state, value, note, CASE WHEN state <> 0 THEN ? ELSE '' END, "
             "CASE WHEN state <> 0 THEN ? ELSE '' END, ? FROM ")
    if db.dialect == "sqlite":      # NEW and its packs are dropped after the commit (drop)
        pack_writes.check_slots(db, audit_id, question_ids)
        if prepared != (first_id, int(count)) or not pack_writes.copy_prepared(
                db, first_id, audit_id, seq):
            pack_writes.insert_new(db, STAGE, cells(len(question_ids), involved, notes),
                                   first_id, audit_id, reviewer, now, seq)
    elif seq is None:    # PostgreSQL: a statement per CHUNK staged rows (each within the
        #                  statement timeout, docs/settings.md), all in the one transaction
        sql = given + "(" + _answer_rows(db, question_ids, involved, notes, chunk=True) + ") x"
        for low in range(0, int(top) + 1, CHUNK):
            db.execute(sql, (first_id, audit_id, reviewer, now, seq, low, low + CHUNK - 1))
        db.execute("DROP TABLE import_questions")
    else:
        db.execute(given + "(" + _answer_rows(db, question_ids, involved, notes) + ") x",
                   (first_id, audit_id, reviewer, now, seq))
        db.execute("DROP TABLE import_questions")
    return int(count), first_id, first_id + int(top)


CHUNK = 100_000          # staged rows per statement of a PostgreSQL import's new answers
NEW = "import_new"       # SQLite: the new records' answer rows, built before the write lock
NEW_RANGE = 200_000      # of its rows listed at a time (about: a range of whole records)


def cells(n: int, involved: set[int], notes: set[int]) -> list[tuple[str, str, str]]:
    """SQL for the state, value and note of each of the ``n`` questions' cells of a staged
    row ``s`` (``involved``: questions whose state and value a condition may have changed,
    ``notes``: questions with a note column), in the questions' order."""
    return [(f"COALESCE(s.{'r' if k in involved else 's'}{k}, 0)",
             f"s.{'w' if k in involved else 'v'}{k}",
             f"COALESCE(s.n{k}, '')" if k in notes else "''") for k in range(n)]


def _answer_rows(db: Database, question_ids: list[str], involved: set[int],
                 notes: set[int], order: str = "", chunk: bool = False) -> str:
    """A SELECT of the new rows' answers (k, qid, state, value, note); ``order``: " ORDER BY
    k, qid", the answer table's order (record, question); ``chunk``: of the staged rows whose
    k is between the two parameters."""
    n = len(question_ids)
    db.execute("DROP TABLE IF EXISTS import_questions")
    db.execute(f"CREATE {scratch.table(db, 'import_questions')} (k INTEGER PRIMARY KEY, "
               "qid TEXT NOT NULL)")
    db.executemany("INSERT INTO import_questions VALUES (?, ?)", list(enumerate(question_ids)))
    state = " ".join(f"WHEN {k} THEN s.{'r' if k in involved else 's'}{k}" for k in range(n))
    value = " ".join(f"WHEN {k} THEN s.{'w' if k in involved else 'v'}{k}" for k in range(n))
    note = " ".join(f"WHEN {k} THEN s.n{k}" for k in sorted(notes)) or "WHEN -1 THEN ''"
    return ("SELECT k, qid, COALESCE(state, 0) AS state, value, note FROM ("
            f"SELECT s.k AS k, q.qid AS qid, CASE q.k {state} END AS state, "
            f"CASE q.k {value} END AS value, COALESCE(CASE q.k {note} END, '') AS note "
            f"FROM {STAGE} s CROSS JOIN import_questions q WHERE s.rid IS NULL"
            + (" AND s.k BETWEEN ? AND ?" if chunk else "") + ") y "
            "WHERE COALESCE(state, 0) <> 0 OR note <> ''" + order)


def prepare_new(db: Database, audit_id: int, question_ids: list[str], involved: set[int],
                notes: set[int], reviewer: str, now: str
                ) -> tuple[int, int, NewRows, bytes] | None:
    """SQLite, before the write lock, in the staging transaction: match the refs as they are
    now and build the new rows' answers in a temporary table, in the order they will be stored,
    for the ids they will get if no other writer adds records first; that first id, how many
    new records, and the answers the import gives them as ``import_rows.given_rows`` lists them (and
    packs them).
    Under the lock :func:`insert_new` uses the table if the first id is still free. None on
    PostgreSQL, where the new records are written before the write lock instead."""
    if db.dialect != "sqlite":
        return None
    match(db, audit_id)
    db.execute(f"DROP TABLE IF EXISTS {NEW}")
    # keyed by record and question, written in that order: the packs and the listing below
    # group by record along the key, without a sort
    db.execute(f"CREATE {scratch.table(db, NEW)} (k INTEGER NOT NULL, qid TEXT NOT NULL, "
               "state INTEGER NOT NULL, value, note TEXT NOT NULL, PRIMARY KEY (k, qid)) "
               "WITHOUT ROWID")
    db.execute(f"INSERT INTO {NEW} "
               + _answer_rows(db, question_ids, involved, notes, " ORDER BY k, qid"))
    db.execute("DROP TABLE import_questions")
    pack_writes.check_slots(db, audit_id, question_ids)
    # their packs too (``reviewer`` and ``now``: the import's), where nothing waits for the lock
    pack_writes.prepare_new(db, STAGE, cells(len(question_ids), involved, notes), reviewer, now)
    first_id = int(db.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM record"))
    count = int(db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NULL"))
    low = db.scalar(f"SELECT MIN(k) FROM {NEW}")       # each read from one end of the key
    top = db.scalar(f"SELECT MAX(k) FROM {NEW}")
    step = max(1, NEW_RANGE // max(1, len(question_ids)))     # records listed at a time
    listing = import_rows.record_rows(
        f"FROM {NEW} WHERE k BETWEEN ? AND ? AND state IN (1, 2)", "(? + k)", "qid",
        import_rows.LABEL, "k")

    def rows() -> Iterator[str]:
        if low is None:
            return
        for start in range(int(low), int(top) + 1, step):
            part = db.scalar(listing, (first_id, start, start + step - 1))
            if part:
                yield str(part)
    return first_id, count, rows, pack_parts(listed((rows(), ",")))

