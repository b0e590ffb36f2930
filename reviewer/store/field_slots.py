"""Record fields stored by position (schema 13, ``store.migrate_13``; docs/performance.md,
"Record fields by position"): ``record.fields`` is a JSON array whose item ``k`` is the value
of the audit's field in slot ``k`` (``null``: the record has no such field), and
``field_slot`` lists each audit's field names once, a slot each, in the order they were first
used. A slot never changes; an import adds the names it brings (under the write lock, or in
its own transaction before it on PostgreSQL), the others after the audit's last.

The program sees a record's fields as a mapping of name to value, as before: :class:`Slots`
turns one into the other. A stored JSON object (a database changed outside reviewer) is read
as such."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reviewer.errors import DatabaseError
from reviewer.store import pack_writes
from reviewer.store.db import Database

EMPTY = "[]"
FAR = 1 << 30        # the slot of a name the audit has none of: no record has an item there


def names_sql(dialect: str, record: str = "record") -> str:
    """SQL for the field names by slot of the audit of ``record`` (a table or its alias), as a
    JSON array: read in the same statement as the record."""
    if dialect == "sqlite":
        return ("(SELECT json_group_array(name) FROM (SELECT name FROM field_slot f "
                f"WHERE f.audit_id = {record}.audit_id ORDER BY f.slot))")
    return ("(SELECT json_agg(name ORDER BY slot)::text FROM field_slot f "
            f"WHERE f.audit_id = {record}.audit_id)")


def names(db: Database, audit_id: int) -> list[str]:
    """The audit's field names by slot."""
    return [r[0] for r in db.all("SELECT name FROM field_slot WHERE audit_id = ? ORDER BY slot",
                                 (audit_id,))]


def used(db: Database, audit_id: int) -> list[str]:
    """The audit's field names by slot that some record has (a value, blank included)."""
    found = []
    for slot, name in db.all("SELECT slot, name FROM field_slot WHERE audit_id = ? "
                             "ORDER BY slot", (audit_id,)):
        if db.scalar(f"SELECT 1 FROM record WHERE audit_id = ? AND {db.json_item('fields')} "
                     "IS NOT NULL LIMIT 1", (audit_id, slot)):
            found.append(name)
    return found


def _places(db: Database, audit_id: int, wanted: Sequence[str]
            ) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The slots of ``wanted`` as the audit's names now give them, the missing after its last
    slot in their order; and those new rows of ``field_slot``."""
    have = dict(db.all("SELECT name, slot FROM field_slot WHERE audit_id = ?", (audit_id,)))
    top = max(have.values(), default=-1)
    new = []
    for name in wanted:
        if name not in have:
            top += 1
            have[name] = top
            new.append((audit_id, top, name))
    return [have[name] for name in wanted], new


def claim(db: Database, audit_id: int, wanted: Sequence[str]) -> list[int]:
    """The slots of ``wanted`` (names): the names the audit has not yet are added after its
    last slot, in their order; in a write transaction. On PostgreSQL a writer that does not
    hold the write lock (an import before it) may meet another adding names at the same
    moment: a slot or name taken meanwhile is left to it (``ON CONFLICT DO NOTHING`` waits
    for its commit) and the names still missing are added after the new last slot."""
    for _ in range(len(wanted) + 2):
        slots, new = _places(db, audit_id, wanted)
        if not new:
            return slots
        db.executemany("INSERT INTO field_slot (audit_id, slot, name) VALUES (?, ?, ?) "
                       "ON CONFLICT DO NOTHING", new)
    raise DatabaseError(f"audit id {audit_id}: its record field names could not be stored "
                        "(other writers kept adding names); try again")


def plan(db: Database, audit_id: int, wanted: Sequence[str]) -> list[int]:
    """The slots :func:`claim` would give ``wanted`` now (read only)."""
    return _places(db, audit_id, wanted)[0]


def placed(db: Database, column: str, slots: Sequence[int]) -> str:
    """SQL for the fields ``column`` (a JSON array of the file's field columns, in the file's
    order: ``files.answer_staging``) as stored: item ``i`` at slot ``slots[i]``, null
    between; the column itself where each is at its own place."""
    if list(slots) == list(range(len(slots))):
        return column
    at = {slot: i for i, slot in enumerate(slots)}
    if db.dialect == "sqlite":          # json_array in calls of at most 100 items
        return pack_writes.array([f"json_extract({column}, '$[{at[k]}]')" if k in at
                                  else "NULL" for k in range(max(slots) + 1)])
    items = [f"(({column})::json ->> {at[k]})" if k in at else "NULL"
             for k in range(max(slots) + 1)]
    parts = [f"jsonb_build_array({', '.join(items[i:i + 100])})"
             for i in range(0, len(items), 100)]
    return f"({' || '.join(parts)})::text"


def drop(db: Database, audit_id: int) -> None:
    """The audit's names forgotten (its records' fields all removed: disposal)."""
    db.execute("DELETE FROM field_slot WHERE audit_id = ?", (audit_id,))


def mapping(names: Sequence[str], items: Any, audit_id: int) -> dict[str, Any]:
    """A record's stored fields (parsed) as a mapping, by the audit's ``names``."""
    if not items:
        return {}
    if isinstance(items, dict):
        return items
    if len(items) > len(names):
        raise DatabaseError(f"audit id {audit_id}: a record has more fields than the audit "
                            "has names (field_slot); the database was changed outside reviewer")
    return {names[k]: v for k, v in enumerate(items) if v is not None}


def decode(names: Sequence[str], text: str | None, audit_id: int) -> dict[str, Any]:
    """A record's stored fields (JSON text) as a mapping, by the audit's ``names``."""
    return mapping(names, json.loads(text) if text else None, audit_id)


class Slots:
    """An audit's field names by slot, to read and write its records' fields."""

    def __init__(self, db: Database, audit_id: int) -> None:
        self.db, self.audit_id = db, audit_id
        self.read()

    def read(self) -> None:
        self.names = names(self.db, self.audit_id)
        self.index = {name: k for k, name in enumerate(self.names)}

    def slot(self, name: str) -> int:
        return self.index.get(name, FAR)

    def decode(self, text: str | None) -> dict[str, Any]:
        return self.mapping(json.loads(text) if text else None)

    def decode_many(self, texts: Iterable[str | None]) -> list[dict[str, Any]]:
        """Many records' fields, parsed in one call of the JSON reader."""
        parsed = json.loads("[" + ",".join(t or "null" for t in texts) + "]")
        return [self.mapping(items) for items in parsed]

    def mapping(self, items: Any) -> dict[str, Any]:
        if isinstance(items, list) and len(items) > len(self.names):
            self.read()         # names another writer added since they were read
        return mapping(self.names, items, self.audit_id)

    def encode(self, fields: Mapping[str, Any]) -> str:
        """A record's fields as stored (in a write transaction: a new name is added)."""
        new = [name for name in fields if name not in self.index]
        if new:
            for name, k in zip(new, claim(self.db, self.audit_id, new), strict=True):
                self.names.extend([""] * (k + 1 - len(self.names)))
                self.names[k], self.index[name] = name, k
        if not fields:
            return EMPTY
        items: list[Any] = [None] * (max(self.index[name] for name in fields) + 1)
        for name, value in fields.items():
            items[self.index[name]] = value
        return json.dumps(items, ensure_ascii=False, separators=(",", ":"))
