"""Browsing an audit's records a page at a time (views fetch what is visible, not everything)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviewer.store.db import Database
from reviewer.store.field_slots import Slots


@dataclass(frozen=True)
class RecordRow:
    id: int
    seq: int
    ref: str
    complete: bool
    fields: dict[str, str]


def _where(db: Database, incomplete_only: bool = False, search: str = "",
           assigned_to: str | None = None) -> tuple[str, list]:
    """The filter of a record list: incomplete only, a ref search, one reviewer's queue."""
    sql, params = "audit_id = ?", []
    if incomplete_only:
        sql += " AND complete = FALSE"
    if assigned_to is not None:
        sql += " AND assigned_to = ?"
        params.append(assigned_to)
    if search:   # ignoring case, as SQLite's LIKE does
        sql += " AND ref LIKE ?" if db.dialect == "sqlite" else " AND ref ILIKE ?"
        params.append(f"%{search}%")
    return sql, params


def count(db: Database, audit_id: int, **filters: Any) -> int:
    where, params = _where(db, **filters)
    return int(db.scalar(f"SELECT COUNT(*) FROM record WHERE {where}", [audit_id, *params]))


def page(db: Database, audit_id: int, offset: int, limit: int,
         **filters: Any) -> list[RecordRow]:
    where, params = _where(db, **filters)
    rows = db.all(f"SELECT id, seq, ref, complete, fields FROM record WHERE {where} "
                  "ORDER BY seq LIMIT ? OFFSET ?", [audit_id, *params, limit, offset])
    fields = Slots(db, audit_id).decode_many(r[4] for r in rows)
    return [RecordRow(r[0], r[1], r[2], bool(r[3]), f) for r, f in zip(rows, fields, strict=True)]


def position(db: Database, audit_id: int, record_id: int, **filters: Any) -> int | None:
    """The 0-based row of a record in the (filtered) list, or None if it is not in it."""
    seq = db.scalar("SELECT seq FROM record WHERE id = ? AND audit_id = ?", (record_id, audit_id))
    if seq is None:
        return None
    where, params = _where(db, **filters)
    if not db.scalar(f"SELECT 1 FROM record WHERE {where} AND id = ?",
                     [audit_id, *params, record_id]):
        return None
    return int(db.scalar(f"SELECT COUNT(*) FROM record WHERE {where} AND seq < ?",
                         [audit_id, *params, seq]))


def find_ref(db: Database, audit_id: int, ref: str) -> int | None:
    """The id of the record with this ref (exact, then case-insensitive)."""
    rid = db.scalar("SELECT id FROM record WHERE audit_id = ? AND ref = ?", (audit_id, ref))
    if rid is None:
        rid = db.scalar("SELECT id FROM record WHERE audit_id = ? AND lower(ref) = lower(?) "
                        "ORDER BY seq LIMIT 1", (audit_id, ref.strip()))
    return rid


def next_incomplete(db: Database, audit_id: int, after_seq: int = 0,
                    assigned_to: str | None = None) -> int | None:
    """The next incomplete record after ``after_seq`` (wrapping round), in one reviewer's
    queue when ``assigned_to`` is given."""
    where, params = _where(db, incomplete_only=True, assigned_to=assigned_to)
    rid = db.scalar(f"SELECT id FROM record WHERE {where} AND seq > ? ORDER BY seq LIMIT 1",
                    [audit_id, *params, after_seq])
    if rid is None:
        rid = db.scalar(f"SELECT id FROM record WHERE {where} ORDER BY seq LIMIT 1",
                        [audit_id, *params])
    return rid


def progress_by_reviewer(db: Database, audit_id: int) -> list[tuple[str, int, int]]:
    """(reviewer, records assigned to them, complete) per reviewer, by name."""
    rows = db.all("SELECT assigned_to, COUNT(*), SUM(CASE WHEN complete THEN 1 ELSE 0 END) "
                  "FROM record WHERE audit_id = ? AND assigned_to IS NOT NULL "
                  "GROUP BY assigned_to ORDER BY assigned_to", (audit_id,))
    return [(who, int(n), int(done or 0)) for who, n, done in rows]


# -- writes (by the operations in ``reviewer.ops``) ----------------------------------------------
def unassigned(db: Database, audit_id: int) -> list[tuple[int, str]]:
    """(id, ref) of the audit's records nobody is assigned, in review order."""
    return db.all("SELECT id, ref FROM record WHERE audit_id = ? AND assigned_to IS NULL "
                  "ORDER BY seq", (audit_id,))


def assign(db: Database, updates: list[tuple[str, int]]) -> None:
    """(reviewer, record id) pairs."""
    db.executemany("UPDATE record SET assigned_to = ? WHERE id = ?", updates)


def refs(db: Database, audit_id: int) -> list[str]:
    """The audit's record refs in review order."""
    return [r[0] for r in db.all("SELECT ref FROM record WHERE audit_id = ? ORDER BY seq",
                                 (audit_id,))]


def id_fields(db: Database, audit_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    """(id, ref, fields) of the audit's records in review order."""
    rows = db.all("SELECT id, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                  (audit_id,))
    fields = Slots(db, audit_id).decode_many(r[2] for r in rows)
    return [(r[0], r[1], f) for r, f in zip(rows, fields, strict=True)]


def insert(db: Database, audit_id: int, rows: list[tuple[int, int, str, dict[str, Any], bool]]
           ) -> None:
    """Whole records of the audit: (id, seq, ref, fields, complete)."""
    slots = Slots(db, audit_id)
    db.executemany("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [(rid, audit_id, seq, ref, slots.encode(fields), complete)
                    for rid, seq, ref, fields, complete in rows])


def set_fields(db: Database, audit_id: int, updates: list[tuple[dict[str, Any], int]]) -> None:
    """(fields, record id) pairs of the audit's records."""
    slots = Slots(db, audit_id)
    db.executemany("UPDATE record SET fields = ? WHERE id = ?",
                   [(slots.encode(fields), rid) for fields, rid in updates])


def record_id(db: Database, audit_id: int, ref: str) -> int | None:
    """The id of the record with exactly this ref."""
    return db.scalar("SELECT id FROM record WHERE audit_id = ? AND ref = ?", (audit_id, ref))


def field_values(db: Database, audit_id: int, name: str) -> list[str]:
    """The non-blank values of one record field over an audit's records."""
    slot = Slots(db, audit_id).slot(name)
    return [str(v) for (v,) in db.all(f"SELECT {db.json_item('fields')} FROM record "
                                      "WHERE audit_id = ?", (slot, audit_id)) if v]
