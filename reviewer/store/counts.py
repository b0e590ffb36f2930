"""Counting answers for the figures (``analysis`` shapes what these return, and never sees the
database): a tally's ``GROUP BY question_id, state, value`` over the audit's answers (covered by
the ``ix_answer_tally`` index), the same per value of a record field, the records behind one
figure, the answers two audits gave (agreement), and who answered when (a report's summary).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED
from reviewer.store.db import Database

SUM_COLUMNS = 16    # groups counted side by side in one pass, packed several to a column
Counts = tuple[list[tuple], list[tuple]]     # (group, records) and (group, qid, state, value, n)


def record_count(db: Database, audit_id: int) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit_id,)))


def tally_rows(db: Database, audit_id: int) -> list[tuple]:
    """(question id, state, value, n) over the audit's answers."""
    return db.all("SELECT question_id, state, value, COUNT(*) FROM answer WHERE audit_id = ? "
                  "GROUP BY question_id, state, value", (audit_id,))


def grouped_rows(db: Database, audit_id: int, by: str) -> Counts:
    """(group, records) and (group, question, state, value, n) rows per value of the record
    field ``by`` (None for a record without it)."""
    return (_by_sqlite if db.dialect == "sqlite" else _by_server)(db, audit_id, by)


def _by_sqlite(db: Database, audit_id: int, by: str) -> Counts:
    """The field is read once per record into a temporary table of group codes. With few
    groups, one pass over the tally index counts them side by side (no sort of the answers):
    each record carries a weight ``1 << (slot * bits)``, so one SUM counts several groups at
    once in fields of ``bits`` bits — no count can exceed the number of records, so fields
    never carry."""
    key = db.json_field("r.fields")
    db.execute("DROP TABLE IF EXISTS temp.by_value")
    db.execute("DROP TABLE IF EXISTS temp.by_record")
    db.execute("CREATE TEMP TABLE by_value (code INTEGER PRIMARY KEY, v UNIQUE)")
    db.execute(f"INSERT OR IGNORE INTO temp.by_value (v) SELECT DISTINCT {key} FROM record r "
               "WHERE r.audit_id = ?", (by, audit_id))
    values = dict(db.all("SELECT code - 1, v FROM temp.by_value"))      # codes from 0
    total = record_count(db, audit_id)
    bits = max(total.bit_length(), 1)
    per = max(62 // bits, 1)                    # groups per 63-bit signed sum
    columns = -(-len(values) // per)
    packed = 0 < columns <= SUM_COLUMNS
    weights = "".join(f", CASE WHEN (v.code - 1) / {per} = {c} "
                      f"THEN 1 << (((v.code - 1) % {per}) * {bits}) ELSE 0 END"
                      for c in range(columns)) if packed else ""
    db.execute("CREATE TEMP TABLE by_record (id INTEGER PRIMARY KEY, g INTEGER"
               + "".join(f", w{c} INTEGER" for c in range(columns if packed else 0)) + ")")
    db.execute(f"INSERT INTO temp.by_record SELECT r.id, v.code - 1{weights} FROM record r "
               f"JOIN temp.by_value v ON v.v IS {key} WHERE r.audit_id = ?", (by, audit_id))
    counts = [(values[code], n) for code, n in
              db.all("SELECT g, COUNT(*) FROM temp.by_record GROUP BY g")]
    join = ("FROM answer a JOIN temp.by_record t ON t.id = a.record_id WHERE a.audit_id = ? ")
    rows = []
    if packed:
        mask = (1 << bits) - 1
        sums = ", ".join(f"SUM(t.w{c})" for c in range(columns))
        for qid, state, value, *ns in db.all(
                f"SELECT a.question_id, a.state, a.value, {sums} {join}"
                "GROUP BY a.question_id, a.state, a.value", (audit_id,)):
            for code, v in values.items():
                n = (ns[code // per] >> ((code % per) * bits)) & mask
                if n:
                    rows.append((v, qid, state, value, n))
    elif values:
        # Many groups: SQLite would sort every answer to GROUP BY; counting the streamed rows
        # in a Counter (a C loop, a small dict) is linear and holds one row at a time.
        counted = Counter(db.execute(f"SELECT a.question_id, a.state, a.value, t.g {join}",
                                     (audit_id,)))
        rows = [(values[g], qid, state, value, n)
                for (qid, state, value, g), n in counted.items()]
    db.execute("DROP TABLE temp.by_record")
    db.execute("DROP TABLE temp.by_value")
    return counts, rows


def _by_server(db: Database, audit_id: int, by: str) -> Counts:
    """The same on PostgreSQL, whose hash aggregation needs no help: the field read once per
    record (a materialised CTE)."""
    key = db.json_field("r.fields")
    groups = f"WITH g AS MATERIALIZED (SELECT r.id AS id, {key} AS g FROM record r " \
             "WHERE r.audit_id = ?) "
    counts = db.all(groups + "SELECT g, COUNT(*) FROM g GROUP BY g", (by, audit_id))
    rows = db.all(groups + "SELECT g.g, a.question_id, a.state, a.value, COUNT(*) "
                  "FROM answer a JOIN g ON g.id = a.record_id WHERE a.audit_id = ? "
                  "GROUP BY g.g, a.question_id, a.state, a.value", (by, audit_id, audit_id))
    return counts, rows


def field_names(db: Database, audit_id: int) -> list[str]:
    """The record fields of an audit (from a sample of its records), for "group by" choices."""
    names: dict[str, None] = {}
    for (fields,) in db.all("SELECT fields FROM record WHERE audit_id = ? ORDER BY seq LIMIT 500",
                            (audit_id,)):
        names.update(dict.fromkeys(json.loads(fields or "{}")))
    return list(names)


def records_behind(db: Database, audit_id: int, qid: str, answer: str,
                   by: str | None = None, value: str | None = None) -> list[tuple[int, str]]:
    """(record id, ref) of the records behind one figure: ``answer`` is ``Y``, ``N``, a choice
    label, ``n/a``, ``unanswered`` or ``total``; with ``by``, only the records whose field
    ``by`` has ``value`` (a group of a grouped tally, blank as "")."""
    cols = "r.id, r.ref" + (f", {db.json_field('r.fields')}" if by is not None else "")
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
    rows = db.all(sql + " ORDER BY r.seq", [by, *params])
    return [(int(r), ref) for r, ref, g in rows
            if ("" if g is None else str(g)) == (value or "")]


def answer_dates(db: Database, audit_id: int) -> list[tuple[str, str | None, str | None]]:
    """(reviewer, first answered_at, last answered_at) per reviewer of the audit's answers."""
    return db.all(f"SELECT reviewer, MIN(NULLIF(answered_at, '')), MAX(answered_at) FROM answer "
                  f"WHERE {answers_filter(db, audit_id)} GROUP BY reviewer", (audit_id,))


def answers_filter(db: Database, audit_id: int) -> str:
    """SQLite reads an audit's answers through the tally index one row lookup at a time; when
    the audit holds a good share of all answers, one sequential scan (``+audit_id`` keeps the
    index out) is several times faster (600,000 answers: 0.24 s instead of 2 s).

    ``answer`` is a WITHOUT ROWID table (no ``rowid`` to take a maximum of): the whole table is
    counted instead, which SQLite does from its smallest index (2,000,000 rows: ~30 ms)."""
    if db.dialect != "sqlite":
        return "audit_id = ?"
    mine = db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit_id,)) or 0
    if mine < 50_000:
        return "audit_id = ?"
    everything = db.scalar("SELECT COUNT(*) FROM answer") or 0
    return "+audit_id = ?" if mine * 4 >= everything else "audit_id = ?"
