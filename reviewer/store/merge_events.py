"""The history events of an import's merge (``store.merge``), written from its change table:
a batch of rows at a time (``event_batches``), or as packs of events whose text the database
writes (``packs``: docs/evidence.md, "Packed events"; docs/performance.md, "Packed history
events"). ``merge.EVENT_BATCH`` sets how many changed cells go to a batch or a pack (read when
used, so a test may set it)."""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.store import merge
from reviewer.store.db import Database


def event_batches(db: Database, detail: str,
                  offset: int = 0) -> Iterator[tuple[list[tuple], str, tuple]]:
    """The history events of the changes, a batch at a time: the events (seq, action, ref,
    question, before, after, detail, rows: None) in seq order, and the SQL and parameters that
    select the same from the change table (``history.insert_selected``). An answer's event has
    the file's ``detail`` (``condition: detail`` for a question the file has no column for).
    ``offset``: added to the seqs numbered before the write lock (``changes``' ``first_seq`` 1)."""
    first, last = _span(db)
    why = (f"condition: {detail}", detail)
    before, after = merge.label_sql("old_state", "old_value"), merge.label_sql("state", "value")
    num = f"({merge.SEQ} + {int(offset)})"
    select = (f"SELECT {num} AS seq, 'answer' AS action, ref, qid AS question, {before} AS before, "
              f"{after} AS after, CASE WHEN in_file = 1 THEN ? ELSE ? END AS detail "
              f"FROM {merge.CHANGE} WHERE n BETWEEN ? AND ? AND ans = 1 "
              f"UNION ALL SELECT {num} + ans, 'note', ref, qid, old_note, NULLIF(note, ''), ? "
              f"FROM {merge.CHANGE} WHERE n BETWEEN ? AND ? AND nte = 1 AND ? = 1")
    notes = int(db.scalar(f"SELECT COUNT(*) FROM {merge.CHANGE} WHERE nte = 1") > 0)
    for low in range(first, last + 1, merge.EVENT_BATCH):
        high = low + merge.EVENT_BATCH - 1
        events = []
        for seq, ans, nte, ref, qid, in_file, old, new, old_note, note in db.all(
                f"SELECT {num}, ans, nte, ref, qid, in_file, {before}, {after}, old_note, note "
                f"FROM {merge.CHANGE} WHERE n BETWEEN ? AND ? AND ans + nte > 0 ORDER BY n",
                (low, high)):
            if ans:
                events.append((seq, "answer", ref, qid, old, new, why[in_file], None))
            if nte:
                events.append((seq + ans, "note", ref, qid, old_note, note or None, detail,
                               None))
        if events:
            yield events, select, (*why[::-1], low, high, detail, low, high, notes)


def packs(db: Database, detail: str, offset: int = 0) -> Iterator[tuple[int, str, list[int]]]:
    """The same events a batch at a time as packs (``store.bundle``): the first one's seq
    (plus ``offset``), the events as the pack's text (``bundle.element`` each, in seq order,
    joined by ``bundle.EVENT``) written by the database in key order (seq order), and the
    records they name."""
    first, last = _span(db)
    before, after = merge.label_sql("old_state", "old_value"), merge.label_sql("state", "value")
    if db.dialect == "sqlite":
        array, text, quote = "json_array", "{}", "json_quote(ref)"
        sep, rs, concat = "char(31)", "char(30)", "group_concat({}, char(30))"
    else:
        array, text, quote = "json_build_array", "({})::text", "to_json(ref::text)::text"
        sep, rs, concat = "chr(31)", "chr(30)", "string_agg({}, chr(30) ORDER BY n)"
    why = "CASE WHEN in_file = 1 THEN CAST(? AS TEXT) ELSE CAST(? AS TEXT) END"
    answer = (f"{quote} || {sep} || "
              + text.format(f"{array}('answer', qid, {before}, {after}, {why})"))
    note = (f"{quote} || {sep} || "
            + text.format(f"{array}('note', qid, old_note, NULLIF(note, ''), CAST(? AS TEXT))"))
    cell = (f"CASE WHEN ans = 1 AND nte = 1 THEN {answer} || {rs} || {note} "
            f"WHEN ans = 1 THEN {answer} ELSE {note} END")
    # SQLite (before 3.44) has no ORDER BY inside an aggregate: the cells come from a
    # subquery in key order, which it does not flatten into the aggregate
    # the records a pack names: SQLite lists them in the same pass (its default separator)
    named = ", group_concat(DISTINCT rid)" if db.dialect == "sqlite" else ""
    sql = (f"SELECT MIN(s), {concat.format('c')}{named} FROM (SELECT n, rid, {merge.SEQ} AS s, "
           f"{cell} AS c FROM {merge.CHANGE} WHERE n BETWEEN ? AND ? AND ans + nte > 0 "
           "ORDER BY n) cells")
    kinds = (detail, f"condition: {detail}")
    for low in range(first, last + 1, merge.EVENT_BATCH):
        high = low + merge.EVENT_BATCH - 1
        found = db.one(sql, (*kinds, detail, *kinds, detail, low, high))
        if found is None or found[0] is None:
            continue
        rids = (list(map(int, str(found[2]).split(","))) if named else
                [int(r[0]) for r in db.all(f"SELECT DISTINCT rid FROM {merge.CHANGE} WHERE n "
                                           "BETWEEN ? AND ? AND ans + nte > 0", (low, high))])
        yield int(found[0]) + offset, str(found[1]), rids


def _span(db: Database) -> tuple[int, int]:
    """The first and last number (``n``) of a change with an event, found from either end of
    the change table's key (where it has none: 1, 0)."""
    # (a cell with an event has a positive number: the negative ones, numbered first, are
    # skipped by the key)
    first = f"SELECT n FROM {merge.CHANGE} WHERE n > 0 AND ans + nte > 0 ORDER BY n"
    found = db.one(f"SELECT ({first} LIMIT 1), ({first} DESC LIMIT 1)")
    if found is None or found[0] is None:
        return 1, 0
    return int(found[0]), int(found[1])
