"""SQLite's answers packed per record (docs/performance.md, "Answers packed per record"), read:
``answer_pack`` holds a record's answers as one JSON array, item ``k`` the entry of the audit's
question in slot ``k`` (``pack_slot``: its set's questions in their order, then any other an
answer names; ``null``: no answer; schema 12, ``migrations._to_12``), and ``answer`` is a view of
one row per answer over it (schema 10), written through by its triggers one answer at a
time. An import writes whole packs instead, set-based (``store.pack_writes``): a record's
answers are one row, written once, with no index entry per answer.

An entry is a string (answered with that value), 2 or 3 (n/a, not asked), each given by the
pack's ``event_seq`` (an import's event, whose reviewer and time are the answer's); a short
array ``[value or 2, event seq]`` (an answer a re-import changed: its event, or the pack of
events holding it, has the reviewer and time); or a full one ``[state, value, note, reviewer,
answered_at, event_seq, login]``. Since schema 11 an entry's event seq zero or less counts
from the pack's ``base_seq`` (``base_seq - n``): written by an import before it knew its own
seq (docs/performance.md, "Entries counted from their pack's base").
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

from reviewer.errors import DatabaseError
from reviewer.store import pack_writes
from reviewer.store.db import Database
from reviewer.store.field_slots import Slots

BATCH = 5_000                # packs read at a time
NESTED = pack_writes.NESTED  # a pack holds an array entry (or a '[' in a value)


def bounds(db: Database, audit_id: int) -> tuple[int, int]:
    """The record ids an audit's packs lie between, for reads that test each pack's audit
    (the packs have no audit index since schema 14: docs/performance.md, "Packs without their
    audit index"): the audit's lowest and highest record ids, or the whole table where the
    audit holds half its records or more (finding the ends would cost as much as the scan
    they save)."""
    top = db.scalar("SELECT MAX(record_id) FROM answer_pack") or 0
    mine = db.scalar("SELECT SUM(records) FROM audit_count WHERE audit_id = ?", (audit_id,))
    if (mine or 0) * 2 >= top:
        return 0, top
    low, high = db.one("SELECT MIN(id), MAX(id) FROM record WHERE audit_id = ?", (audit_id,))
    return (low, high) if low is not None else (0, -1)


def answer_dates(db: Database, audit_id: int) -> list[tuple[str, str | None, str | None]]:
    """(reviewer, first answered_at, last answered_at) per reviewer of the audit's answers,
    as the view gives them, without unpacking every compact entry: a pack holding any counts
    its event's reviewer and time once; only the arrays are read one by one."""
    given = ("(SELECT g.{} FROM event g WHERE g.audit_id = p.audit_id AND g.seq >= "
             + pack_writes.SHORT_SEQ.format(e="j.value", base="p.base_seq")
             + " ORDER BY g.seq LIMIT 1)")
    short = "json_array_length(j.value) = 2"
    low, high = bounds(db, audit_id)
    return db.all(
        "SELECT w, MIN(NULLIF(t, '')), MAX(t) FROM ("
        "SELECT e.reviewer AS w, e.at AS t FROM answer_pack p JOIN event e "
        "ON e.audit_id = p.audit_id AND e.seq = p.event_seq WHERE p.record_id BETWEEN ? AND ? "
        "AND p.audit_id = ? AND EXISTS "
        "(SELECT 1 FROM json_each(p.pack) c WHERE c.type NOT IN ('array', 'null')) "
        "UNION ALL SELECT "
        f"CASE WHEN {short} THEN {given.format('reviewer')} ELSE j.value ->> 3 END, "
        f"CASE WHEN {short} THEN {given.format('at')} ELSE j.value ->> 4 END "
        "FROM answer_pack p, json_each(p.pack) j WHERE p.record_id BETWEEN ? AND ? "
        f"AND p.audit_id = ? AND {NESTED.format('p.pack')} > 0 AND j.type = 'array') "
        "GROUP BY w", (low, high, audit_id, low, high, audit_id))


def slots(db: Database, audit_id: int) -> list[str]:
    """The audit's questions by slot: item ``k`` of a pack is the entry of the ``k``th."""
    return [r[0] for r in db.all("SELECT question_id FROM pack_slot WHERE audit_id = ? "
                                 "ORDER BY slot", (audit_id,))]


def read(db: Database, audit_id: int) -> Iterator[tuple[list[int], list[list], bool]]:
    """The audit's packs, ``BATCH`` at a time in record id order: their record ids, their
    entries, and whether any holds a full entry (an array). Each batch crosses as two strings,
    parsed by the C JSON reader in one call each; only the packs between the audit's
    :func:`bounds` are looked at."""
    last, high = bounds(db, audit_id)
    last -= 1
    while True:
        row = db.one("SELECT group_concat(record_id), group_concat(pack), "
                     f"MAX({NESTED.format('pack')}), MAX(record_id) FROM (SELECT record_id, "
                     "pack FROM answer_pack WHERE audit_id = ? AND record_id > ? "
                     "AND record_id <= ? ORDER BY record_id LIMIT ?)",
                     (audit_id, last, high, BATCH))
        if not row or row[0] is None:
            return
        last = row[3]
        yield json.loads(f"[{row[0]}]"), _parsed(db, audit_id, row[1]), bool(row[2])


def _parsed(db: Database, audit_id: int, joined: str) -> list[list]:
    """A batch's packs (joined with ``,``) parsed, or a located error naming the first record
    whose pack is not JSON (written outside the program)."""
    try:
        return json.loads(f"[{joined}]")
    except ValueError:
        raise not_json(db.scalar("SELECT MIN(record_id) FROM answer_pack WHERE audit_id = ? "
                                 "AND NOT json_valid(pack)", (audit_id,))) from None


def noted_questions(db: Database, audit_id: int, low: int, high: int) -> set[str]:
    """The questions with a note among the audit's records ``low`` to ``high``, as the
    ``answer`` view gives them (``note != ''``), read from the packs themselves: only a full
    entry holds a note, so only a pack holding an array is looked into (the view unpacks
    every entry of every pack: 0.97 s of a 100,000-record export's 2.09 s). A pack that is
    not JSON is a located error."""
    try:
        return {q for (q,) in db.all(
            "SELECT DISTINCT s.question_id FROM answer_pack p JOIN json_each(p.pack) j "
            "JOIN pack_slot s ON s.audit_id = p.audit_id AND s.slot = j.key "
            "WHERE p.record_id BETWEEN ? AND ? AND +p.audit_id = ? "
            f"AND {NESTED.format('p.pack')} > 0 AND j.type = 'array' "
            "AND json_array_length(j.value) > 2 AND (j.value ->> 2) != ''",
            (low, high, audit_id))}
    except sqlite3.OperationalError as exc:       # a pack changed outside: which one
        if "JSON" not in str(exc):
            raise
        raise not_json(db.scalar("SELECT MIN(record_id) FROM answer_pack WHERE audit_id = ? "
                                 "AND NOT json_valid(pack)", (audit_id,))) from None


def not_json(record_id: object) -> DatabaseError:
    """The located error for a record whose pack is not JSON (written outside the program)."""
    return DatabaseError(f"record id {record_id}: its stored answers (answer_pack) are not "
                         "valid JSON; the database was changed outside reviewer")


def state_value(entry: object) -> tuple[int, str | None]:
    """The state and value of an entry as :func:`_key` gives it."""
    if isinstance(entry, str):
        return 1, entry
    if isinstance(entry, int):
        return entry, None
    return entry[0], entry[1]         # type: ignore[index]


def _items(pack: list) -> list[tuple[int, object]]:
    """A pack's (slot, entry) pairs, hashable: a full entry as its (state, value)."""
    return [(k, _key(v)) for k, v in enumerate(pack)]


def _key(entry: object) -> object:
    """An entry as its answer, hashable: a short entry's first element, a full one's (state,
    value); compact ones (and None: no answer) as they are."""
    if entry is None or isinstance(entry, (str, int)):
        return entry
    return entry[0] if len(entry) == 2 else (entry[0], entry[1])   # type: ignore[arg-type,index]


def _pairs(packs: list[list], full: bool) -> Iterator[tuple[int, object]]:
    """Every (slot, entry) pair of ``packs`` (None: no answer), a C loop where none holds an
    array."""
    return chain.from_iterable(map(_items if full else enumerate, packs))


def _row(key: tuple[int, object], names: list[str]) -> tuple[str, int, str | None]:
    slot, entry = key
    return (names[slot], *state_value(entry))


def tally(db: Database, audit_id: int) -> list[tuple]:
    """(question id, state, value, n) over the audit's answers: the pairs counted in a
    ``Counter`` (a C loop), compact entries as they are."""
    counted: Counter = Counter()
    with db.staging():                  # one snapshot (a read transaction)
        names = slots(db, audit_id)
        for _, packs, full in read(db, audit_id):
            counted.update(_pairs(packs, full))
    rows: Counter = Counter()
    for key, n in counted.items():        # "Y" and [1, "Y", ...] are the same answer
        if key[1] is not None:
            rows[_row(key, names)] += n
    return [(*row, n) for row, n in rows.items()]


def tally_by(db: Database, audit_id: int, by: str, where: str
             ) -> tuple[list[tuple], list[tuple]]:
    """(group, records) and (group, question id, state, value, n) per value of the record
    field ``by``, in one pass over the audit's records (``where``: their filter, its one
    parameter the audit) with their packs: each batch's field values and packs cross as two
    JSON strings, its packs are put with their group, and each group's pairs are counted in a
    ``Counter`` of its own (a C loop; no pair made with its group)."""
    field = db.json_item("r.fields")        # the field's slot (store.field_slots)
    mine = where.replace("audit_id", "r.audit_id")
    # most of the file's records (``+audit_id``: the index kept out) are read in id order; an
    # audit among others along its (audit, seq) index, a batch's end found first, so that no
    # batch sorts the audit's records
    key, after = (("r.id", "r.id > ?") if where.startswith("+") else
                  ("r.seq, r.id", "(r.seq, r.id) > (?, ?)"))
    upto = f"({key}) <= ({'?, ?' if ',' in key else '?'})"

    def batch(bounded: bool) -> str:
        return (f"SELECT json_group_array(g), group_concat(pack), MAX({NESTED.format('pack')}), "
                f"COUNT(*) FROM (SELECT r.id AS id, {field} AS g, "
                "COALESCE(p.pack, '[]') AS pack FROM record r LEFT JOIN answer_pack p ON "
                f"p.record_id = r.id WHERE {mine} AND {after} "
                f"{'AND ' + upto if bounded else ''} ORDER BY {key})")
    end_sql = f"SELECT {key} FROM record r WHERE {mine} AND {after} ORDER BY {key} LIMIT 1 OFFSET ?"
    records: Counter = Counter()
    counted: dict[object, Counter] = {}     # group -> its (question id, entry) pairs counted
    last: tuple = (0,) if where.startswith("+") else (-1, 0)
    with db.staging():                  # one snapshot (a read transaction)
        names = slots(db, audit_id)
        slot = Slots(db, audit_id).slot(by)
        while True:
            end = db.one(end_sql, (audit_id, *last, BATCH - 1))
            row = db.one(batch(end is not None), (slot, audit_id, *last, *(end or ())))
            if not row or not row[3]:
                break
            found, packs = json.loads(row[0]), _parsed(db, audit_id, row[1])
            records.update(found)
            grouped: dict[object, list[list]] = {}
            for g, pack in zip(found, packs, strict=True):
                grouped.setdefault(g, []).append(pack)
            for g, some in grouped.items():
                if g not in counted:
                    counted[g] = Counter()
                counted[g].update(_pairs(some, bool(row[2])))
            if end is None:
                break
            last = tuple(end)
    rows: Counter = Counter()
    for g, pairs in counted.items():
        for pair, n in pairs.items():
            if pair[1] is not None:
                rows[(g, *_row(pair, names))] += n
    return list(records.items()), [(*row, n) for row, n in rows.items()]


class _Codes(dict):
    """A code for each key, given the first time it is looked up (only a new key costs a
    Python call: the look-ups are mapped in C)."""

    def __missing__(self, key: object) -> int:
        code = self[key] = len(self) + 1
        return code


def groups(db: Database, audit_id: int, question_ids: Sequence[str]
           ) -> Iterator[tuple[str, int, object, Any]]:
    """(question id, state, value, record ids as an int64 array, in id order) for each
    distinct answer to the questions named, as ``aligned.answer_groups`` gives them, in flat
    memory: one pass over the packs fills a matrix of answer codes (a record per row, a
    question per column, four bytes a cell: 40 MB for a million records of ten questions),
    each pair's code and column found by dict look-ups mapped in C; then one stable sort of a
    question's column lists the records of each of its answers in id order."""
    import numpy as np

    column = {qid: j for j, qid in enumerate(dict.fromkeys(question_ids))}
    code_of = _Codes()                  # (slot, answer as stored) -> code, from 1
    col_of = [-1]                       # code -> its question's column (-1: not asked for)
    with db.staging():                  # one snapshot (a read transaction)
        names = slots(db, audit_id)
        by_slot = {k: column[qid] for k, qid in enumerate(names) if qid in column}
        n = int(db.scalar("SELECT COUNT(*) FROM answer_pack WHERE record_id BETWEEN ? AND ? "
                          "AND audit_id = ?", (*bounds(db, audit_id), audit_id)))
        codes = np.zeros((n, max(len(column), 1)), np.uint32, order="F")   # columns flat
        ids = np.zeros(n, np.int64)
        at = 0
        for rids, packs, full in read(db, audit_id):
            sizes = list(map(len, packs))
            total = sum(sizes)
            rows = np.repeat(np.arange(at, at + len(rids)), sizes)
            found = np.fromiter(map(code_of.__getitem__, _pairs(packs, full)), np.int64, total)
            col_of += [-1 if entry is None else by_slot.get(slot, -1)
                       for slot, entry in list(code_of)[len(col_of) - 1:]]
            cols = np.asarray(col_of, np.int64)[found]
            keep = cols >= 0
            codes[rows[keep], cols[keep]] = found[keep]
            ids[at:at + len(rids)] = rids
            at += len(rids)
    merged: dict[str, dict[tuple, list[int]]] = {}   # "Y" and [1, "Y"...]: the same answer
    for key, code in code_of.items():
        if key[0] in by_slot and key[1] is not None:
            merged.setdefault(names[key[0]], {}).setdefault(_row(key, names), []).append(code)
    for qid in sorted(merged):
        own = codes[:, column[qid]]
        order = np.argsort(own, kind="stable")          # each code's records, in id order
        ends = np.cumsum(np.bincount(own, minlength=len(code_of) + 1))
        for row in sorted(merged[qid], key=lambda r: (r[1], r[2] is not None, r[2] or "")):
            parts = [order[ends[c - 1]:ends[c]] for c in merged[qid][row]]
            rows = parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))
            yield (*row, ids[rows])
