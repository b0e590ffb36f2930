"""Counting answers for the figures (``analysis`` shapes what these return, and never sees the
database): a tally's ``GROUP BY question_id, state, value`` over the audit's answers (on
PostgreSQL covered by the ``ix_answer_tally`` index; on SQLite counted from the answers' packs,
``store.packs``), the same per value of a record field, the records behind one
figure, the answers two audits gave (agreement), and who answered when (a report's summary).
"""

from __future__ import annotations

from collections import deque
from itertools import repeat
from typing import Any

from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED
from reviewer.store import field_slots, packs
from reviewer.store.db import Database
from reviewer.store.field_slots import Slots

SPREAD = 4          # records' groups in a list indexed by id if ids span <= SPREAD x records
Counts = tuple[list[tuple], list[tuple]]     # (group, records) and (group, qid, state, value, n)


def record_count(db: Database, audit_id: int) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit_id,)))


def tally_rows(db: Database, audit_id: int) -> list[tuple]:
    """(question id, state, value, n) over the audit's answers (on SQLite from the packs:
    ``store.packs``)."""
    if db.dialect == "sqlite":
        return packs.tally(db, audit_id)
    return db.all("SELECT question_id, state, value, COUNT(*) FROM answer WHERE audit_id = ? "
                  "GROUP BY question_id, state, value", (audit_id,))


def grouped_rows(db: Database, audit_id: int, by: str) -> Counts:
    """(group, records) and (group, question, state, value, n) rows per value of the record
    field ``by`` (None for a record without it)."""
    return (_by_sqlite if db.dialect == "sqlite" else _by_server)(db, audit_id, by)


def _by_sqlite(db: Database, audit_id: int, by: str) -> Counts:
    """One pass over the audit's records with their answers' packs (``store.packs``): the
    field's value of each record and its answers, counted together."""
    return packs.tally_by(db, audit_id, by, _records_filter(db, audit_id))


def _records_filter(db: Database, audit_id: int) -> str:
    """Reading every record of an audit that holds most of the records, one sequential scan
    (``+audit_id`` keeps the index out) beats a look-up of each row from the index (1,000,000
    records: 1.5 s instead of 1.75 s); the kept counts (``audit_count``) tell."""
    mine, everything = db.one("SELECT SUM(CASE WHEN audit_id = ? THEN records ELSE 0 END), "
                              "SUM(records) FROM audit_count", (audit_id,)) or (0, 0)
    return "+audit_id = ?" if (mine or 0) * 2 >= (everything or 0) > 0 else "audit_id = ?"


def _by_server(db: Database, audit_id: int, by: str) -> Counts:
    """The same on PostgreSQL, without joining a million answers to their records
    (docs/performance.md, "tally --by on PostgreSQL"): the field is read once per record and
    the server lists the records of each value; each record's group code then goes back as one
    array indexed by record id, which the answers' ``GROUP BY`` looks up (a subscript, not a
    hash join). Both reads see one snapshot. Where the audit's ids are spread among other
    audits' the array would be mostly gaps: the join (``_by_join``) instead."""
    outer = db.in_transaction
    with db.staging():
        # the records and answers of one moment; no JIT (compiling costs more than it saves)
        db.execute(("" if outer else "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ "
                    "ONLY; ") + "SET LOCAL jit = off")
        slot = Slots(db, audit_id).slot(by)
        found = db.all(f"SELECT {db.json_item('fields')}, array_agg(id) FROM record "
                       "WHERE audit_id = ? GROUP BY 1", (slot, audit_id))
        records = sum(len(ids) for _, ids in found)
        if not records:
            return [], []
        low = min(min(ids) for _, ids in found)
        span = max(max(ids) for _, ids in found) - low + 1
        if span > SPREAD * records:
            return _by_join(db, audit_id, by)
        codes = [-1] * span                 # -1: another audit's record
        for code, (_, ids) in enumerate(found):
            deque(map(codes.__setitem__, map((-low).__add__, ids), repeat(code)), maxlen=0)
        listed = "{" + str(codes)[1:-1] + "}"   # an int4[] literal from the list's "[1, 2]"
        rows = db.execute("SELECT (?::int4[])[record_id - ?], question_id, state, value, "
                          "COUNT(*) FROM answer WHERE audit_id = ? GROUP BY 1, 2, 3, 4",
                          (listed, low - 1, audit_id), fresh=True).fetchall()
    named = [value for value, _ in found]
    return ([(value, len(ids)) for value, ids in found],
            [(named[code], *rest) for code, *rest in rows if code is not None and code >= 0])


def _by_join(db: Database, audit_id: int, by: str) -> Counts:
    """The answers joined to their records' field by the server (a hash join; plain SQL that
    SQLite runs too, against which the tests check the other two ways)."""
    key = db.json_item("r.fields")
    slot = Slots(db, audit_id).slot(by)
    groups = f"WITH g AS MATERIALIZED (SELECT r.id AS id, {key} AS g FROM record r " \
             "WHERE r.audit_id = ?) "
    counts = db.all(groups + "SELECT g, COUNT(*) FROM g GROUP BY g", (slot, audit_id))
    rows = db.all(groups + "SELECT g.g, a.question_id, a.state, a.value, COUNT(*) "
                  "FROM answer a JOIN g ON g.id = a.record_id WHERE a.audit_id = ? "
                  "GROUP BY g.g, a.question_id, a.state, a.value", (slot, audit_id, audit_id))
    return counts, rows


def field_names(db: Database, audit_id: int) -> list[str]:
    """The record fields of an audit (those some record has, by slot: ``store.field_slots``),
    for "group by" choices."""
    return field_slots.used(db, audit_id)


def records_behind(db: Database, audit_id: int, qid: str, answer: str,
                   by: str | None = None, value: str | None = None) -> list[tuple[int, str]]:
    """(record id, ref) of the records behind one figure: ``answer`` is ``Y``, ``N``, a choice
    label, ``n/a``, ``unanswered`` or ``total``; with ``by``, only the records whose field
    ``by`` has ``value`` (a group of a grouped tally, blank as "")."""
    cols = "r.id, r.ref" + (f", {db.json_item('r.fields')}" if by is not None else "")
    base = (f"SELECT {cols} FROM record r JOIN answer a ON a.record_id = r.id "
            "AND a.question_id = ? WHERE r.audit_id = ? ")
    params: list[Any] = [qid, audit_id]
    if answer == "n/a":
        sql = base + "AND a.state IN (?, ?)"
        params += [NA, NOT_ASKED]
    elif answer == "total":
        sql = base + "AND a.state = ?"
        params += [ANSWERED]
    elif answer == "unanswered":
        sql = (f"SELECT {cols} FROM record r WHERE r.audit_id = ? AND NOT EXISTS (SELECT 1 "
               "FROM answer a WHERE a.record_id = r.id AND a.question_id = ? AND a.state <> ?)")
        params = [audit_id, qid, UNANSWERED]
    else:
        sql = base + ("AND a.state = ? AND (a.value = ? OR ';' || a.value || ';' LIKE ?)")
        params += [ANSWERED, answer, f"%;{answer};%"]
    if by is None:
        return [(int(r), ref) for r, ref in db.all(sql + " ORDER BY r.seq", params)]
    rows = db.all(sql + " ORDER BY r.seq", [Slots(db, audit_id).slot(by), *params])
    return [(int(r), ref) for r, ref, g in rows
            if ("" if g is None else str(g)) == (value or "")]


def answer_dates(db: Database, audit_id: int) -> list[tuple[str, str | None, str | None]]:
    """(reviewer, first answered_at, last answered_at) per reviewer of the audit's answers."""
    if db.dialect == "sqlite":
        return packs.answer_dates(db, audit_id)
    return db.all(f"SELECT reviewer, MIN(NULLIF(answered_at, '')), MAX(answered_at) FROM answer "
                  f"WHERE {answers_filter(db, audit_id)} GROUP BY reviewer", (audit_id,))


def audit_answers(db: Database, audit_id: int) -> str:
    """The ``answer`` rows of one audit, as SQL with one parameter (the audit): on SQLite the
    packs between the audit's record ids (``store.packs.bounds``), each one's audit tested
    (they have no audit index since schema 14: docs/performance.md, "Packs without their
    audit index"); on PostgreSQL through the answer table's index."""
    if db.dialect != "sqlite":
        return "audit_id = ?"
    low, high = packs.bounds(db, audit_id)
    return f"record_id BETWEEN {int(low)} AND {int(high)} AND audit_id = ?"


def answers_filter(db: Database, audit_id: int) -> str:
    """How to read an audit's answers. On SQLite the ``answer`` view scans the packs between
    the audit's record ids (``store.packs.bounds``), testing each one's audit
    (docs/performance.md, "Packs without their audit index"). On PostgreSQL
    an answer table read through the tally index one row lookup at a time does better, when
    the audit holds a good share of all answers, with one sequential scan (``+audit_id``
    keeps the index out): 600,000 answers in 0.24 s instead of 2 s."""
    if db.dialect == "sqlite":
        return audit_answers(db, audit_id)
    mine = db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit_id,)) or 0
    if mine < 50_000:
        return "audit_id = ?"
    everything = db.scalar("SELECT COUNT(*) FROM answer") or 0
    return "+audit_id = ?" if mine * 4 >= everything else "audit_id = ?"
