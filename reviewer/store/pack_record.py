"""One record's answer pack read and written directly (SQLite), as a one-record operation
(scoring, a note, an undo) reads and writes it: the same rows the ``answer`` view gives and
the same entries its triggers write, without the view (docs/performance.md, "One record's pack
read and written directly").

The view reads every entry through ``json_each`` joined with the audit's slots, and its
triggers set one answer at a time, each in two or three statements. Here the record, its pack,
its pack's event and its audit's slots come in one statement, the entries are read in Python
(``store.packs`` says what an entry is), and a change to any number of the record's answers is
one statement. A test holds the rows equal to the view's, and the packs equal to the triggers'.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from reviewer.errors import DatabaseError
from reviewer.questions.logic import UNANSWERED
from reviewer.store import field_slots
from reviewer.store.db import Database

Row = tuple[int, str | None, str, str, str]   # state, value, note, reviewer, answered_at

# the record (as ``answers.record_sql`` reads it), its pack, the pack's base, its event and that
# event's reviewer and time, and its audit's questions by slot
RECORD_COLUMNS = ("id", "audit_id", "seq", "ref", "fields", "assigned_to", "complete")
READ_SQL = (f"SELECT {', '.join('r.' + c for c in RECORD_COLUMNS)}, "
            f"{field_slots.names_sql('sqlite', 'r')}, "
            "p.pack, p.base_seq, p.event_seq, e.reviewer, e.at, "
            "(SELECT json_group_object(CAST(slot AS TEXT), question_id) FROM pack_slot s "
            "WHERE s.audit_id = r.audit_id) "
            "FROM record r LEFT JOIN answer_pack p ON p.record_id = r.id "
            "LEFT JOIN event e ON e.audit_id = p.audit_id AND e.seq = p.event_seq "
            "WHERE r.id = ?")
# the pack as it is now, and the audit's slots by question (for a write)
STORED_SQL = ("SELECT (SELECT json_group_object(question_id, slot) FROM pack_slot "
              "WHERE audit_id = ?), p.pack, p.base_seq, p.event_seq FROM (SELECT 1) "
              "LEFT JOIN answer_pack p ON p.record_id = ?")
FULL = 7                     # a full entry's items (``store.packs``)
ANSWERS = "answers"          # what ``Database.wrote`` is told (``store.answers``)
GIVEN_SQL = ("SELECT reviewer, at FROM event WHERE audit_id = ? AND seq >= ? "
             "ORDER BY seq LIMIT 1")     # a short entry's event, or the pack of events holding it
NEW_SLOT = ("INSERT OR IGNORE INTO pack_slot (audit_id, slot, question_id) SELECT ?, "
            "COALESCE(MAX(slot) + 1, 0), ? FROM pack_slot WHERE audit_id = ?")


def _pack(record_id: int, text: str | None) -> list:
    if text is None:
        return []
    try:
        pack = json.loads(text)
    except ValueError:
        pack = None
    if not isinstance(pack, list):
        raise DatabaseError(f"record id {record_id}: its stored answers (answer_pack) are not "
                            "a JSON array; the database was changed outside reviewer")
    return pack


def _counted(seq: object, base: int | None) -> int | None:
    """An entry's event: its own number, or (zero or less) counted from its pack's base."""
    if seq is None:
        return None
    if seq > 0:                                              # type: ignore[operator]
        return seq                                           # type: ignore[return-value]
    return None if base is None else base - seq              # type: ignore[operator]


def read(db: Database, record_id: int) -> tuple[tuple | None, list[tuple]]:
    """The record's row and its answer rows, as ``answers.record_sql`` and ``answers.ROWS_SQL``
    read them (the row None: no such record)."""
    row = db.one(READ_SQL, (record_id,))
    if row is None:
        return None, []
    text, base, _, who, at, slots = row[8:14]
    names = json.loads(slots or "{}")
    rows = []
    for k, entry in enumerate(_pack(record_id, text)):
        qid = names.get(str(k))
        if entry is None or qid is None:
            continue
        if isinstance(entry, str):
            rows.append((record_id, qid, 1, entry, "", who, at))
        elif type(entry) is int:
            rows.append((record_id, qid, entry, None, "", who, at))
        elif isinstance(entry, list) and len(entry) == 2:
            given = db.one(GIVEN_SQL, (row[1], _counted(entry[1], base))) or (None, None)
            state, value = (1, entry[0]) if isinstance(entry[0], str) else (entry[0], None)
            rows.append((record_id, qid, state, value, "", *given))
        elif isinstance(entry, list) and len(entry) == FULL:
            rows.append((record_id, qid, entry[0], entry[1], entry[2] or "", entry[3],
                         entry[4]))
        else:
            raise DatabaseError(f"record id {record_id}: its stored answer to question {qid} "
                                "(answer_pack) is not one reviewer writes; the database was "
                                "changed outside reviewer")
    return row[:8], rows


def _seq_of(entry: object, base: int | None, pack_seq: int | None) -> int | None:
    """The event of a stored entry, as the view gives it."""
    if isinstance(entry, list):
        return _counted(entry[1] if len(entry) == 2 else entry[5], base)
    return pack_seq


def write(db: Database, record_id: int, audit_id: int,
          changes: Iterable[tuple[str, Row, bool, int | None]]) -> None:
    """Store rows of one record in one statement, as the view's triggers would one by one:
    (question, row, whether the question has a row now, event seq or None to keep the stored
    one) each; a row is replaced, inserted, or (blank, no note) removed. A pack its removals
    leave with no entry is deleted, and made afresh by an answer after that, as the triggers
    do."""
    slots_json, text, base, pack_seq = db.one(STORED_SQL, (audit_id, record_id))
    slots: dict[str, int] = json.loads(slots_json or "{}")
    pack, existed = _pack(record_id, text), text is not None
    for qid, row, stored, seq in changes:
        keep = row[0] != UNANSWERED or row[2]
        if not keep and not stored:
            continue
        if qid not in slots:
            db.execute(NEW_SLOT, (audit_id, qid, audit_id))
            slots[qid] = db.scalar("SELECT slot FROM pack_slot WHERE audit_id = ? AND "
                                   "question_id = ?", (audit_id, qid))
        k = slots[qid]
        old = pack[k] if k < len(pack) else None
        if not keep:
            if k < len(pack):
                pack[k] = None
            if all(e is None for e in pack):        # the pack deleted
                pack, base, pack_seq = [], None, None
            continue
        login = old[6] if stored and isinstance(old, list) and len(old) > 6 else None
        if seq is None and stored:
            seq = _seq_of(old, base, pack_seq)
        pack += [None] * (k + 1 - len(pack))
        pack[k] = [row[0], row[1], row[2] or "", row[3] or "", row[4] or "", seq, login]
    if not pack:
        if existed:
            db.execute("DELETE FROM answer_pack WHERE record_id = ?", (record_id,))
    elif existed:
        db.execute("UPDATE answer_pack SET pack = ?, event_seq = ?, base_seq = ? "
                   "WHERE record_id = ?", (_text(pack), pack_seq, base, record_id))
    else:
        db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
                   "VALUES (?, ?, NULL, ?)", (record_id, audit_id, _text(pack)))
    db.wrote(ANSWERS, record_id)


def _text(pack: list) -> str:
    return json.dumps(pack, separators=(",", ":"), ensure_ascii=False)
