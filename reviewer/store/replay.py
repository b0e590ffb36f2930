"""``verify``'s replay of an audit's answers (docs/evidence.md, "Tamper evidence") done by the
database: every cell the history gives — each import's rows, unpacked a piece at a time, and
each answer, undo and adjudication event — goes into a temporary table, and one query finds
the first cell whose stored answer is not the history's last word on it. Nothing per cell is
held in memory, so it runs in flat memory at a million records (docs/performance.md).

The first wrong cell is the least (record id, question id), as ``min`` over the Python tuples
would choose: question ids compare by code point (``COLLATE "C"`` on PostgreSQL).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import islice

from reviewer.store import chain, pack_writes
from reviewer.store.db import Database

TABLE = "verify_replay"
STORED = "verify_stored"   # SQLite: the audit's given answers, unpacked from their packs
BATCH = 20_000       # an import's rows written to the table at a time
# The history's last word on a cell wins: rows are written in any order (seqs differ).
UPSERT = (f" ON CONFLICT (rid, qid) DO UPDATE SET label = excluded.label, seq = excluded.seq "
          f"WHERE excluded.seq >= {TABLE}.seq")
LABEL = "CASE state WHEN 1 THEN COALESCE(value, '') ELSE 'n/a' END"


def first_wrong(db: Database, audit_id: int) -> tuple[int, str, str | None, str | None,
                                                      int] | None:
    """(record id, question id, stored answer, history's answer, seq) of the first cell
    that differs, or None. ``seq``: the event that gave the history's answer, else the one
    that gave the stored answer (0 if none)."""
    db.execute(f"DROP TABLE IF EXISTS {TABLE}")
    db.execute(f"CREATE TEMPORARY TABLE {TABLE} (rid INTEGER NOT NULL, qid TEXT NOT NULL, "
               "label TEXT, seq INTEGER NOT NULL, PRIMARY KEY (rid, qid))"
               + (" WITHOUT ROWID" if db.dialect == "sqlite" else ""))
    try:
        _fill(db, audit_id)
        answers = _stored(db, audit_id)
        pg = answers == "answer"          # the answer table itself, its audit picked
        row = db.one(_FIRST_WRONG.format(table=TABLE, answers=answers, label=LABEL,
                                         audit="s.audit_id = ? AND" if pg else "",
                                         collate=' COLLATE "C"' if pg else ""),
                     (audit_id,) if pg else ())
    finally:
        db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        if db.dialect == "sqlite":
            db.execute(f"DROP TABLE IF EXISTS {STORED}")
    if row is None:
        return None
    rid, qid, got, want, seq = row
    return int(rid), str(qid), got, want, int(seq)


def _fill(db: Database, audit_id: int) -> None:
    imports = [int(r[0]) for r in db.all("SELECT seq FROM event WHERE audit_id = ? AND "
                                         "rows IS NOT NULL ORDER BY seq", (audit_id,))]
    for seq in imports:
        blob = db.scalar("SELECT rows FROM event WHERE audit_id = ? AND seq = ?",
                         (audit_id, seq))
        cells = (cell for row in chain.iter_rows(blob) for cell in _cells(row, seq))
        del blob
        try:
            while batch := list(islice(cells, BATCH)):
                _insert(db, batch)
        except (ValueError, TypeError, zlib.error) as e:    # verify: the chain is broken
            raise RowsUnreadable(seq, str(e)) from None
    packed = _fill_packed(db, audit_id)
    events = ("SELECT seq, ref, question, after, action, detail FROM event WHERE audit_id = ? "
              "AND rows IS NULL AND bundle IS NULL"
              + (f" UNION ALL SELECT seq, ref, question, after, 'answer', '' FROM {PACKED}"
                 if packed else ""))
    db.execute(f"INSERT INTO {TABLE} (rid, qid, label, seq) SELECT rid, qid, label, seq FROM ("
               "SELECT r.id AS rid, e.question AS qid, e.after AS label, e.seq, ROW_NUMBER() "
               "OVER (PARTITION BY r.id, e.question ORDER BY e.seq DESC) AS n "
               f"FROM ({events}) e JOIN record r ON r.audit_id = ? AND r.ref = e.ref "
               "WHERE e.action IN ('answer', 'adjudicate', 'undo') AND e.question IS NOT NULL "
               "AND (e.action <> 'undo' OR e.detail IS NULL OR e.detail <> 'note')) h "
               f"WHERE n = 1{UPSERT}", (audit_id, audit_id))
    db.execute(f"DROP TABLE IF EXISTS {PACKED}")


class RowsUnreadable(ValueError):
    """An import's rows that cannot be read as rows (``verify`` reports the chain broken at
    that import's event ``seq``)."""

    def __init__(self, seq: int, why: str):
        super().__init__(why)
        self.seq = seq


def _cells(row: list, seq: int) -> Iterator[tuple[int, str, str | None, int]]:
    """The cells an import's row lists (docs/evidence.md, "An import's rows"): ``[record,
    question, answer, question, answer, ...]``, a record's answers in one row (three items:
    one answer, as PostgreSQL and older databases list each)."""
    if len(row) < 3 or len(row) % 2 == 0:
        raise ValueError("an import's row of the wrong shape")
    rid = int(row[0])
    for qid, label in zip(row[1::2], row[2::2], strict=True):
        yield rid, str(qid), label, seq


PACKED = "verify_packed"     # the answer events of the audit's packs (store.bundle)


def _fill_packed(db: Database, audit_id: int) -> bool:
    """The answer events held in packs (``store.bundle``), into a temporary table; whether
    there are any."""
    from reviewer.store import bundle

    db.execute(f"DROP TABLE IF EXISTS {PACKED}")
    seqs = [int(r[0]) for r in db.all("SELECT seq FROM event WHERE audit_id = ? AND bundle IS "
                                      "NOT NULL ORDER BY seq", (audit_id,))]
    if not seqs:
        return False
    db.execute(f"CREATE TEMPORARY TABLE {PACKED} (seq INTEGER NOT NULL, ref TEXT, "
               "question TEXT, after TEXT)")
    for seq in seqs:
        first, items = bundle.unpack(db.scalar("SELECT bundle FROM event WHERE audit_id = ? "
                                               "AND seq = ?", (audit_id, seq)))
        db.executemany(f"INSERT INTO {PACKED} (seq, ref, question, after) VALUES (?, ?, ?, ?)",
                       [(first + i, ref, question, after) for i, (action, ref, question,
                        _before, after, _detail) in enumerate(items) if action == "answer"])
    return True


LISTED = "verify_listed"     # the records each pack names, by ref (store.bundle)


def listed_past_end(db: Database, audit_id: int) -> int | None:
    """The first event not there if ``event_bundle_record`` lists a pack past the end of the
    chain (a deleted tail), else None."""
    listed, last = db.one("SELECT (SELECT MAX(seq) FROM event_bundle_record WHERE audit_id = ?), "
                          "(SELECT COALESCE(MAX(seq), 0) FROM event WHERE audit_id = ?)",
                          (audit_id, audit_id))
    return int(last) + 1 if listed is not None and int(listed) > int(last) else None


def first_unlisted(db: Database, audit_id: int) -> int | None:
    """The first event of the first pack of events whose records as ``event_bundle_record``
    lists them (what ``history --ref`` opens) are not the ones it names (or the seq a row
    lists that is no pack), or None. Each pack's refs go to a temporary table and the
    database compares the two both ways."""
    from reviewer.store import bundle

    firsts: dict[int, int] = {}
    db.execute(f"DROP TABLE IF EXISTS {LISTED}")
    db.execute(f"CREATE TEMPORARY TABLE {LISTED} (seq INTEGER NOT NULL, ref TEXT NOT NULL, "
               "PRIMARY KEY (seq, ref))")
    try:
        for (seq,) in db.all("SELECT seq FROM event WHERE audit_id = ? AND bundle IS NOT NULL "
                             "ORDER BY seq", (audit_id,)):
            first, items = bundle.unpack(db.scalar("SELECT bundle FROM event WHERE audit_id = "
                                                   "? AND seq = ?", (audit_id, seq)))
            firsts[int(seq)] = first
            db.executemany(f"INSERT INTO {LISTED} (seq, ref) VALUES (?, ?)",
                           [(seq, ref) for ref in {item[1] for item in items}])
        found = db.scalar(_UNLISTED.format(table=LISTED), (audit_id, audit_id, audit_id))
    finally:
        db.execute(f"DROP TABLE IF EXISTS {LISTED}")
    return None if found is None else firsts.get(int(found), int(found))


# a ref a pack names with no row listing its record for that pack, or a row listing a record
# that pack does not name (or a seq that is no pack)
_UNLISTED = """
SELECT MIN(seq) FROM (
  SELECT l.seq AS seq FROM {table} l
  LEFT JOIN record r ON r.audit_id = ? AND r.ref = l.ref
  LEFT JOIN event_bundle_record b ON b.audit_id = r.audit_id AND b.record_id = r.id
       AND b.seq = l.seq
  WHERE b.seq IS NULL
  UNION ALL
  SELECT b.seq FROM event_bundle_record b
  LEFT JOIN record r ON r.id = b.record_id AND r.audit_id = ?
  LEFT JOIN {table} l ON l.seq = b.seq AND l.ref = r.ref
  WHERE b.audit_id = ? AND l.seq IS NULL
) w
"""


def _insert(db: Database, rows: list[tuple]) -> None:
    if db.dialect == "sqlite":
        db.executemany(f"INSERT INTO {TABLE} (rid, qid, label, seq) VALUES (?, ?, ?, ?)"
                       f"{UPSERT}", rows)
        return
    rids, qids, labels, seqs = (list(c) for c in zip(*rows, strict=True))
    db.execute(f"INSERT INTO {TABLE} (rid, qid, label, seq) SELECT * FROM "
               f"unnest(?::integer[], ?::text[], ?::text[], ?::integer[]) AS u{UPSERT}",
               (rids, qids, labels, seqs))


def _stored(db: Database, audit_id: int) -> str:
    """Where the audit's given answers (answered or n/a) are read: on PostgreSQL the answer
    table (``audit_id = ?`` picks them); on SQLite a temporary table of them unpacked once from
    the packs over the primary key's range of the audit's records (fast at millions), not the
    view, which would unpack a record's pack once per history cell."""
    if db.dialect != "sqlite":
        return "answer"
    db.execute(f"DROP TABLE IF EXISTS {STORED}")
    db.execute(f"CREATE TEMPORARY TABLE {STORED} (record_id INTEGER NOT NULL, question_id TEXT "
               "NOT NULL, state INTEGER NOT NULL, value TEXT, event_seq INTEGER, "
               "PRIMARY KEY (record_id, question_id)) WITHOUT ROWID")
    rows = pack_writes.unpacked("record_id, question_id, state, value, event_seq",
                                "p.record_id BETWEEN (SELECT MIN(id) FROM record WHERE "
                                "audit_id = ?) AND (SELECT MAX(id) FROM record WHERE "
                                "audit_id = ?) AND +p.audit_id = ?")
    db.execute(f"INSERT INTO {STORED} SELECT * FROM ({rows}) a WHERE state IN (1, 2)",
               (audit_id,) * 3)
    return STORED


# A stored cell is wrong when the history gives it nothing or something else, a history cell
# when it is not blank and nothing is stored.
_FIRST_WRONG = """
SELECT rid, qid, got, want, seq FROM (
  SELECT s.record_id AS rid, s.question_id AS qid, {label} AS got, g.label AS want,
         COALESCE(g.seq, s.event_seq, 0) AS seq
  FROM {answers} s LEFT JOIN {table} g ON g.rid = s.record_id AND g.qid = s.question_id
  WHERE {audit} s.state IN (1, 2) AND (g.label IS NULL OR g.label <> {label})
  UNION ALL
  SELECT g.rid, g.qid, NULL, g.label, g.seq FROM {table} g
  WHERE g.label IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM {answers} s WHERE s.record_id = g.rid AND s.question_id = g.qid
    AND s.state IN (1, 2))
) w ORDER BY rid, qid{collate} LIMIT 1
"""
