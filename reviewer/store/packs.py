"""SQLite's answers packed per record (docs/performance.md, "Answers packed per record"):
``answer_pack`` holds a record's answers as one JSON object by question id, and ``answer`` is a
view of one row per answer over it (schema 10, ``migrations._to_10``), written through by its
triggers one answer at a time. An import writes whole packs instead, set-based: a record's
answers are one row, written once, with no index entry per answer.

An entry is a string (answered with that value), 2 or 3 (n/a, not asked), each given by the
pack's ``event_seq`` (an import's event, whose reviewer and time are the answer's), or an array
``[state, value, note, reviewer, answered_at, event_seq, login]``.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat

from reviewer.store.db import Database

OLD = "merge_old"            # the matched records' stored answers, one row each (a merge)
BATCH = 5_000                # packs read at a time


def entry_sql(event: str) -> str:
    """An entry of a pack from the columns state, value, note of a new answer given by the
    pack's event (compact where it can be), else full, with ``event`` (SQL) its event."""
    return ("CASE WHEN note = '' AND state = 1 AND value IS NOT NULL THEN CAST(value AS TEXT) "
            "WHEN note = '' AND state IN (2, 3) THEN state "
            "ELSE json_array(state, value, note, CASE WHEN state <> 0 THEN ? ELSE '' END, "
            f"CASE WHEN state <> 0 THEN ? ELSE '' END, {event}, NULL) END")


def insert_new(db: Database, source: str, first_id: int, audit_id: int, reviewer: str,
               now: str, seq: int | None) -> None:
    """The packs of an import's new records, from ``source`` (rows k, qid, state, value,
    note: record ``first_id + k``), given by the import's event ``seq``."""
    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT ? + k, ?, ?, json_group_object(qid, {entry_sql('?')}) "
               f"FROM {source} x GROUP BY k",
               (first_id, audit_id, seq, reviewer, now, seq))


def keep_old(db: Database, stage: str) -> None:
    """The stored answers of the records the staging table ``stage`` matched, unpacked once
    into a temporary table the merge reads as it would the answer table (``store.merge``)."""
    db.execute(f"DROP TABLE IF EXISTS {OLD}")
    db.execute(f"CREATE TEMP TABLE {OLD} (record_id INTEGER NOT NULL, question_id TEXT NOT "
               "NULL, state INTEGER NOT NULL, value TEXT, note TEXT NOT NULL, reviewer TEXT, "
               "answered_at TEXT, login TEXT, PRIMARY KEY (record_id, question_id)) "
               "WITHOUT ROWID")
    db.execute(f"INSERT INTO {OLD} SELECT a.record_id, a.question_id, a.state, a.value, "
               "COALESCE(a.note, ''), a.reviewer, a.answered_at, a.login "
               f"FROM {stage} s JOIN answer a ON a.record_id = s.rid WHERE s.rid IS NOT NULL")


def apply(db: Database, change: str, audit_id: int, reviewer: str, now: str,
          seqs: str, import_seq: int | None) -> None:
    """Write a merge's change table over the packs (``store.merge.apply``'s rules): one
    statement patches every changed record's pack (a JSON merge patch: a cell left blank
    without a note is removed)."""
    kept = "o.record_id IS NOT NULL AND c.state = o.state AND c.value IS o.value"
    entry = ("CASE WHEN c.state = 0 AND c.note = '' THEN NULL ELSE json_array(c.state, "
             "c.value, c.note, "
             f"CASE WHEN {kept} THEN o.reviewer WHEN c.state IN (1, 2) THEN ? ELSE '' END, "
             f"CASE WHEN {kept} THEN o.answered_at WHEN c.state IN (1, 2) THEN ? ELSE '' END, "
             f"CASE WHEN {kept} THEN NULL ELSE {seqs} END, o.login) END")
    db.execute(f"CREATE INDEX IF NOT EXISTS {change}_rid ON {change} (rid)")
    db.execute("INSERT OR IGNORE INTO answer_pack (record_id, audit_id, event_seq, pack) "
               f"SELECT DISTINCT rid, ?, NULL, '{{}}' FROM {change} "
               "WHERE state <> 0 OR note <> ''", (audit_id,))
    db.execute(f"UPDATE answer_pack SET pack = json_patch(pack, (SELECT json_group_object("
               f"c.qid, {entry}) FROM {change} c LEFT JOIN {OLD} o ON o.record_id = c.rid "
               "AND o.question_id = c.qid WHERE c.rid = answer_pack.record_id)) "
               f"WHERE record_id IN (SELECT rid FROM {change})",
               (reviewer, now, import_seq))
    db.execute("DELETE FROM answer_pack WHERE pack = '{}' "
               f"AND record_id IN (SELECT rid FROM {change})")


def read(db: Database, audit_id: int) -> Iterator[list[tuple[int, dict]]]:
    """The audit's packs, ``BATCH`` at a time in record id order: (record id, entries)."""
    last = 0
    while True:
        rows = db.all("SELECT record_id, pack FROM answer_pack WHERE audit_id = ? "
                      "AND record_id > ? ORDER BY record_id LIMIT ?", (audit_id, last, BATCH))
        if not rows:
            return
        last = rows[-1][0]
        yield [(rid, json.loads(pack)) for rid, pack in rows]


def state_value(entry: object) -> tuple[int, str | None]:
    """An entry's state and value."""
    if isinstance(entry, str):
        return 1, entry
    if isinstance(entry, int):
        return entry, None
    return entry[0], entry[1]         # type: ignore[index]


def _items(pack: dict) -> tuple:
    """A pack's (question id, entry) pairs, hashable: a full entry as its (state, value)."""
    items = tuple(pack.items())
    try:
        hash(items)                     # a C check: compact entries only (most packs)
    except TypeError:
        items = tuple((k, v if isinstance(v, (str, int)) else (v[0], v[1]))
                      for k, v in items)
    return items


def _row(key: tuple[str, object]) -> tuple[str, int, str | None]:
    qid, entry = key
    return (qid, *state_value(entry))


def tally(db: Database, audit_id: int) -> list[tuple]:
    """(question id, state, value, n) over the audit's answers: each pack's pairs counted in
    a ``Counter`` (a C loop), compact entries as they are."""
    counted: Counter = Counter()
    for batch in read(db, audit_id):
        for _, pack in batch:
            counted.update(_items(pack))
    rows: Counter = Counter()
    for key, n in counted.items():        # "Y" and [1, "Y", ...] are the same answer
        rows[_row(key)] += n
    return [(*row, n) for row, n in rows.items()]


def tally_grouped(db: Database, audit_id: int, group_of: Callable[[int], int]
                  ) -> list[tuple]:
    """(group code, question id, state, value, n): ``group_of`` a record id's group."""
    counted: Counter = Counter()
    for batch in read(db, audit_id):
        for rid, pack in batch:
            counted.update(zip(repeat(group_of(rid)), _items(pack)))
    rows: Counter = Counter()
    for (g, key), n in counted.items():
        rows[(g, *_row(key))] += n
    return [(*row, n) for row, n in rows.items()]


def groups(db: Database, audit_id: int, question_ids: Sequence[str]
           ) -> Iterator[tuple[str, int, object, str]]:
    """(question id, state, value, record ids joined with ``,``) for each distinct answer to
    the questions named, as ``aligned.answer_groups`` gives them (ids as 8-byte arrays)."""
    wanted = set(question_ids)
    found: dict[tuple[str, object], array] = {}
    for batch in read(db, audit_id):
        for rid, pack in batch:
            for qid, entry in pack.items():
                if qid in wanted:
                    key = (qid, entry if isinstance(entry, (str, int)) else
                           (entry[0], entry[1]))
                    ids = found.get(key)
                    if ids is None:
                        ids = found[key] = array("q")
                    ids.append(rid)
    merged: dict[tuple, list[array]] = {}
    for key, ids in found.items():        # "Y" and [1, "Y", ...] are the same answer
        merged.setdefault(_row(key), []).append(ids)
    found.clear()
    for row in sorted(merged, key=lambda r: (r[0], r[1], r[2] is not None, r[2] or "")):
        parts = merged.pop(row)
        ids = parts[0] if len(parts) == 1 else array("q", sorted(i for p in parts for i in p))
        yield (*row, ",".join(map(str, ids)))
