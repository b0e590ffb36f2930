"""The import's merge of the staged rows for records the audit already has (``ops.importer``),
set-based (docs/performance.md, "Re-import: a set-based merge, history events in bulk"): the
database works out which stored answers and notes change, stages the history events they need
and writes them, each with one statement (the events: ``store.merge_events``).

The rules are those of docs/contracts.md §2 and §6, cell by cell:

- a question the file has a column for takes the file's answer; one it has no column for keeps
  the stored answer; a question conditions involve takes the answer resolved on the merged
  record (the staging table's ``r``/``w`` columns: resolved for a new record when the file has
  every involved question, else resolved again by the importer against the stored answers);
- a note column replaces the stored note, else the stored note is kept;
- a stored answer (answered or n/a) that changes gets an ``answer`` event, a stored note that
  changes a ``note`` event, in file order, then asking order, the answer's before the note's.

It runs on the importing connection's temporary tables (``store.staging``): under the import's
write lock, or before it (PostgreSQL with its records' rows locked; SQLite in a read snapshot,
written under the lock if its records are unchanged: ``store.merge_check``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reviewer.store import pack_writes as packed
from reviewer.store import scratch
from reviewer.store.db import Database
from reviewer.store.staging import STAGE

CHANGE = "merge_change"           # every cell of a matched record that changes
QUESTIONS = "merge_questions"     # the audit's questions: k, id, in the file, tallied
TWICE = "merge_twice"             # two rows (0, 1): a cell and its copy (``changes``)
RECORDS = "merge_record"          # records whose fields or completeness change
BATCH = 2000                      # staged rows read back at a time (memory stays flat)
SEQ = "COALESCE(seq, n)"          # a changed cell's first event (where not kept: its number)
EVENT_BATCH = 5000                # changed cells hashed and written to the history at a time
                                  # (a pack of events: store.bundle)


@dataclass(frozen=True)
class Question:
    k: int                 # asking order
    qid: str
    in_file: bool          # the file has a column for it
    involved: bool         # conditions involve it: its merged answer is r{k}, w{k}
    note: bool             # the file has a note column for it
    tallied: bool


def label_sql(state: str, value: str) -> str:
    """``questions.logic.history_label`` in SQL: the value, ``n/a``, or NULL."""
    return f"CASE {state} WHEN 1 THEN COALESCE({value}, '') WHEN 2 THEN 'n/a' END"


def matched_count(db: Database) -> int:
    return int(db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NOT NULL"))


def batches(db: Database, select: str, where: str = "") -> Iterator[list[tuple]]:
    """``select`` (columns ``FROM`` the staging table as ``s``, and what it joins) over the
    matched rows, ``BATCH`` staged rows at a time, in file order."""
    top = db.scalar(f"SELECT MAX(k) FROM {STAGE} WHERE rid IS NOT NULL")
    if top is None:
        return
    low = int(db.scalar(f"SELECT MIN(k) FROM {STAGE} WHERE rid IS NOT NULL"))
    while low <= top:
        rows = db.all(f"SELECT {select} WHERE s.rid IS NOT NULL AND s.k >= ? AND s.k < ? "
                      f"{where} ORDER BY s.k", (low, low + BATCH))
        low += BATCH
        if rows:
            yield rows


def given(db: Database, record_ids: list[int], qids: list[str]) -> list[tuple]:
    """(record, question, state, value) of the answers given (answered or n/a) to ``qids``."""
    if not record_ids or not qids:
        return []
    return db.all("SELECT record_id, question_id, state, value FROM answer WHERE record_id IN "
                  f"({', '.join('?' * len(record_ids))}) AND question_id IN "
                  f"({', '.join('?' * len(qids))}) AND state IN (1, 2)", [*record_ids, *qids])


def set_resolved(db: Database, involved: list[int], rows: list[tuple]) -> None:
    """Store the merged records' resolved answers: (r, w for each involved question, k)."""
    sets = ", ".join(f"r{k} = ?, w{k} = ?" for k in involved)
    db.executemany(f"UPDATE {STAGE} SET {sets} WHERE k = ?", rows)


LINEAR = 4           # questions a CASE looks through one by one; more are halved first


def _case(chosen: dict[int, str], ks: list[int], otherwise: str) -> str:
    """SQL choosing ``chosen[q.k]`` (``otherwise`` for a question not in it) among the asking
    orders ``ks``: halved on ``q.k`` until a few are left, so a cell costs a few comparisons
    whatever the number of questions (a flat ``CASE q.k`` looks through them all, and each
    cell evaluates it several times)."""
    if not any(k in chosen for k in ks):
        return otherwise
    if len(ks) <= LINEAR:
        whens = " ".join(f"WHEN {k} THEN {chosen[k]}" for k in ks if k in chosen)
        return f"CASE q.k {whens} ELSE {otherwise} END"
    half = len(ks) // 2
    return (f"CASE WHEN q.k < {ks[half]} THEN {_case(chosen, ks[:half], otherwise)} "
            f"ELSE {_case(chosen, ks[half:], otherwise)} END")


def _final(questions: list[Question]) -> tuple[str, str, str]:
    """SQL for a question's merged state, value and note (``s``: the staged row, ``q``: the
    question, ``a``: the stored answer or NULLs)."""
    state: dict[int, str] = {}
    value: dict[int, str] = {}
    note: dict[int, str] = {}
    for q in questions:
        if q.involved:
            state[q.k], value[q.k] = f"s.r{q.k}", f"s.w{q.k}"
        elif q.in_file:
            state[q.k], value[q.k] = f"COALESCE(s.s{q.k}, 0)", f"s.v{q.k}"
        if q.note:
            note[q.k] = f"s.n{q.k}"
    ks = [q.k for q in questions]
    # no column, no condition: the stored answer if someone gave it, else blank
    return (_case(state, ks, "CASE WHEN a.state IN (1, 2) THEN a.state ELSE 0 END"),
            _case(value, ks, "CASE WHEN a.state IN (1, 2) THEN a.value END"),
            _case(note, ks, "COALESCE(a.note, '')"))


def questions_table(db: Database, questions: list[Question]) -> None:
    """The audit's questions as a working table: asking order, id, in the file, tallied."""
    db.execute(f"DROP TABLE IF EXISTS {QUESTIONS}")
    db.execute(f"CREATE {scratch.table(db, QUESTIONS)} (k INTEGER PRIMARY KEY, qid TEXT NOT NULL, "
               "in_file INTEGER NOT NULL, tallied INTEGER NOT NULL)")
    db.executemany(f"INSERT INTO {QUESTIONS} VALUES (?, ?, ?, ?)",
                   [(q.k, q.qid, int(q.in_file), int(q.tallied)) for q in questions])


def change_table(db: Database) -> None:
    """The change table, empty (:func:`changes`)."""
    db.execute(f"DROP TABLE IF EXISTS {CHANGE}")
    db.execute(f"CREATE {scratch.table(db, CHANGE)} (n INTEGER PRIMARY KEY, rid INTEGER NOT NULL, "
               "qid TEXT NOT NULL, ref TEXT NOT NULL, in_file INTEGER NOT NULL, "
               "old_state INTEGER NOT NULL, old_value TEXT, old_note TEXT NOT NULL, "
               "state INTEGER NOT NULL, value TEXT, note TEXT NOT NULL, seq INTEGER, "
               "ans INTEGER NOT NULL, nte INTEGER NOT NULL, old_entry TEXT, "
               "had INTEGER NOT NULL, tallied INTEGER NOT NULL DEFAULT 0, "
               "slot INTEGER NOT NULL DEFAULT 0)")


def changes(db: Database, questions: list[Question], first_seq: int) -> int:
    """Fill the change table with every cell of a matched record whose answer or note the
    merge changes, in file order, then asking order, each with the seq of its first event
    (``SEQ``; events numbered from ``first_seq``; ``ans``/``nte``: whether it needs an
    ``answer``/``note`` event; ``old_entry``, ``had``: what
    ``pack_writes.apply`` needs of the stored answer, NULL on PostgreSQL); how many events.
    Its key ``n``: on SQLite a cell's first event's seq (negative for a cell without one),
    on PostgreSQL the cell's place, its seq in ``seq``."""
    questions_table(db, questions)
    change_table(db)
    same = "IS" if db.dialect == "sqlite" else "IS NOT DISTINCT FROM"
    stored, on = "answer", "a.record_id = s.rid AND a.question_id = q.qid"
    missing = "a.record_id IS NULL"
    entry = "CAST(NULL AS TEXT) AS old_entry"
    if db.dialect == "sqlite":          # the packs unpacked once (store.packs), by slot:
        packed.keep_old(db, STAGE)      # a question's place in the set (pack_writes.check_slots)
        stored, entry = packed.OLD, "a.entry AS old_entry"
        on, missing = f"a.id = s.rid * {packed.STRIDE} + q.k", "a.id IS NULL"
    state, value, note = _final(questions)
    cells = (
        "SELECT x.*, CASE WHEN old_state IN (1, 2) AND NOT (state = old_state AND "
        f"value {same} old_value) THEN 1 ELSE 0 END AS ans, "
        "CASE WHEN old_note <> '' AND old_note <> note THEN 1 ELSE 0 END AS nte FROM ("
        "SELECT s.k AS k, q.k AS qk, s.rid AS rid, s.ref AS ref, q.qid AS qid, "
        "q.in_file AS in_file, COALESCE(a.state, 0) AS old_state, a.value AS old_value, "
        "COALESCE(a.note, '') AS old_note, "
        f"{state} AS state, {value} AS value, {note} AS note, {entry}, "
        f"CASE WHEN {missing} THEN 0 ELSE 1 END AS had, q.tallied AS tallied "
        f"FROM {STAGE} s CROSS JOIN {QUESTIONS} q "
        f"LEFT JOIN {stored} a ON {on} "
        "WHERE s.rid IS NOT NULL) x "
        f"WHERE NOT (state = old_state AND value {same} old_value AND note = old_note)")
    columns = "rid, qid, ref, in_file, old_state, old_value, old_note, state, value, note"
    stored_parts = "old_entry, had, tallied, qk"   # what apply needs of the
    # stored answer, whether its question is tallied (what the records' completeness counts),
    # and its slot in the packs
    if db.dialect == "sqlite":
        # In one pass over the cells, in order, each with an event is numbered one past the
        # largest number so far (how SQLite numbers a row given none; a placeholder row
        # holds first_seq - 1), so its n is its first event's seq; a cell with two (an
        # answer's and a note's) is followed by a copy of itself (``in_file`` -1, deleted
        # after) that takes the second's number; each cell without one gets a negative
        # number of its own. No running sum to keep, no sort: the cells come in order.
        twice = any(q.note for q in questions)
        db.execute(f"DROP TABLE IF EXISTS {TWICE}")       # made again for a note column
        copies = (f" CROSS JOIN {TWICE} d WHERE d.copy = 0 OR (ans = 1 AND nte = 1) "
                  "ORDER BY k, qk, d.copy" if twice else " ORDER BY k, qk")
        copy = "d.copy = 1 OR " if twice else ""
        if twice:
            db.execute(f"CREATE {scratch.table(db, TWICE)} (copy INTEGER PRIMARY KEY)")
            db.execute(f"INSERT INTO {TWICE} VALUES (0), (1)")
            columns = columns.replace("in_file", "CASE WHEN d.copy = 1 THEN -1 ELSE in_file END")
        db.execute(f"INSERT INTO {CHANGE} (n, rid, qid, ref, in_file, old_state, old_note, "
                   "state, note, ans, nte, had) VALUES (?, 0, '', '', 0, 0, '', 0, '', 0, 0, 0)",
                   (first_seq - 1,))
        db.execute(f"INSERT INTO {CHANGE} SELECT CASE WHEN {copy}ans = 1 OR nte = 1 THEN NULL "
                   f"ELSE -1 - (k * ? + qk) END, {columns}, NULL, ans, nte, {stored_parts} "
                   f"FROM ({cells}) y{copies}", (len(questions),))
        db.execute(f"DELETE FROM {CHANGE} WHERE n = ?" + (" OR in_file = -1" if twice else ""),
                   (first_seq - 1,))
        # so the events are numbered first_seq .. the largest key: counted from the key's
        # end, not by a pass over the table
        top = db.scalar(f"SELECT MAX(n) FROM {CHANGE}")
        return max(0, int(top) - first_seq + 1) if top is not None else 0
    # PostgreSQL: the working tables' sizes told to the planner (autovacuum never analyzes
    # them: it guessed a hundred times the cells, compiled the statement (JIT) and spilled its
    # hash join), and the cells worked out before they are sorted for their numbering (not
    # every staged column carried through the sort: OFFSET 0 keeps the subquery apart)
    db.execute(f"ANALYZE {STAGE}")
    db.execute(f"ANALYZE {QUESTIONS}")
    db.execute("SET LOCAL jit = off")
    db.execute(
        f"INSERT INTO {CHANGE} SELECT ROW_NUMBER() OVER w, {columns}, "
        f"? + SUM(ans + nte) OVER w - ans - nte, ans, nte, {stored_parts} FROM ({cells} "
        "OFFSET 0) y WINDOW w AS (ORDER BY k, qk ROWS UNBOUNDED PRECEDING)", (first_seq,))
    return int(db.scalar(f"SELECT COALESCE(SUM(ans + nte), 0) FROM {CHANGE}"))


def noted(db: Database) -> bool:
    """Whether the change table was made for a file with a note column on SQLite (a cell
    with no event of its own then has a negative key, as without one, unless its note
    changes: ``import_rows.changed_given`` reads every key)."""
    return db.dialect == "sqlite" and scratch.exists(db, TWICE)


def apply(db: Database, audit_id: int, reviewer: str, now: str, import_seq: int | None) -> None:
    """Write the change table over the stored answers: a cell left blank without a note is
    deleted, every other one written over in place (one upsert). An answer that changes to
    one someone gives is theirs, now, given by its ``answer`` event, or by the import's
    (``import_seq``) where none was stored; a blank or not-asked one is no one's; a note that
    changes alone keeps the answer's who and when. ``import_seq`` None (PostgreSQL, before
    the write lock: the seqs are not known yet): no answer names its event (the import's event
    lists the answers it gave: ``import_rows.changed_given``)."""
    seqs = (f"CASE WHEN ans = 1 THEN {SEQ} WHEN state IN (1, 2) THEN ? END"
            if import_seq is not None else "CAST(? AS INTEGER)")
    if db.dialect == "sqlite":
        packed.apply(db, CHANGE, audit_id, reviewer, now, seqs, import_seq)
        return
    kept = "answer.state = excluded.state AND answer.value IS NOT DISTINCT FROM excluded.value"
    db.execute("DELETE FROM answer WHERE (record_id, question_id) IN (SELECT rid, qid FROM "
               f"{CHANGE} WHERE state = 0 AND note = '')")      # one statement, set-based
    db.execute(
        "INSERT INTO answer (record_id, question_id, audit_id, state, value, note, reviewer, "
        f"answered_at, event_seq) SELECT rid, qid, ?, state, value, note, "
        "CASE WHEN state IN (1, 2) THEN ? ELSE '' END, "
        "CASE WHEN state IN (1, 2) THEN ? ELSE '' END, "
        f"{seqs} FROM {CHANGE} WHERE state <> 0 OR note <> '' {_in_records_order(db)}"
        "ON CONFLICT (record_id, question_id) DO UPDATE SET "
        "state = excluded.state, value = excluded.value, note = excluded.note, "
        f"reviewer = CASE WHEN {kept} THEN answer.reviewer ELSE excluded.reviewer END, "
        f"answered_at = CASE WHEN {kept} THEN answer.answered_at "
        "ELSE excluded.answered_at END, "
        f"event_seq = CASE WHEN {kept} THEN NULL ELSE excluded.event_seq END",
        (audit_id, reviewer, now, import_seq))


def _in_records_order(db: Database) -> str:
    """PostgreSQL: ``ORDER BY rid`` where the file's rows are not in its records' order (more
    than a tenth of them after a later record), so that the upsert meets the answers' keys and
    pages in order, not at random; nothing where they are (the sort would cost more than it
    saves: docs/performance.md, "A re-import in another order")."""
    shuffled = db.scalar(f"SELECT COUNT(*) FILTER (WHERE d < 0) * 10 > COUNT(*) FROM (SELECT "
                         f"rid - LAG(rid) OVER (ORDER BY k) AS d FROM {STAGE} "
                         "WHERE rid IS NOT NULL) x")
    return "ORDER BY rid " if shuffled else ""


def stage_packs(db: Database, audit_id: int, reviewer: str, now: str, import_seq: int) -> None:
    """SQLite, before the write lock (``store.merge_check``): :func:`apply`'s patches made,
    its events numbered as the chain stands (the import's own ``import_seq``), not written,
    their entries' seqs counted from the import's (``pack_writes.build``), so that the
    patches hold whatever seq it gets."""
    packed.build(db, CHANGE, audit_id, reviewer, now,
                 f"CASE WHEN ans = 1 THEN {SEQ} WHEN state IN (1, 2) THEN ? END",
                 import_seq, counted_from=import_seq)


def patch_staged(db: Database, audit_id: int, import_seq: int) -> None:
    """SQLite, under the write lock: write :func:`stage_packs`' patches, their packs' base the
    seq the import's event has now (however far other writers moved the chain meanwhile)."""
    packed.write(db, audit_id, base=import_seq)


def drop(db: Database) -> None:
    for table in (CHANGE, QUESTIONS, TWICE, RECORDS, packed.OLD, packed.PATCH, "merge_rec"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
