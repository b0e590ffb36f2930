"""The import's merge, its records' part (``store.merge``): the merged records' fields and
completeness, written in one statement (docs/performance.md, "Re-import: a set-based merge,
history events in bulk")."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from reviewer.errors import DatabaseError
from reviewer.store import pack_writes, scratch
from reviewer.store.db import Database
from reviewer.store.merge import CHANGE, QUESTIONS, RECORDS, batches
from reviewer.store.merge_check import SEEN
from reviewer.store.staging import STAGE

RECORD = "record r ON r.id = s.rid"     # the stored fields: the records themselves


def _within(items: int) -> str:
    """SQLite: the stored fields ``r`` are an array of at most ``items`` (not valid JSON: no,
    for the merge to name the record)."""
    return (f"CASE WHEN json_valid(r.fields) THEN CASE WHEN json_type(r.fields) = 'array' THEN "
            f"json_array_length(r.fields) <= {int(items)} ELSE 0 END ELSE 0 END")


def fields(db: Database, slots: Sequence[int], seen: bool = False) -> Iterator[list[tuple]]:
    """(record, stored fields JSON, staged fields JSON) of the matched records, a batch at a
    time, to merge (the file's fields go to ``slots``: ``store.field_slots``). Where each is
    at its own place only those whose fields text differs is listed; on SQLite, of those, the
    records whose stored fields are no more than the file's take the staged text in one
    statement first (:func:`copy_fields`), and only the others are listed. ``seen`` (SQLite,
    before the write lock): the stored fields as the merge's snapshot read them
    (``store.merge_check``), in the file's order as the staged rows are."""
    in_place = list(slots) == list(range(len(slots)))
    copied = in_place and db.dialect == "sqlite"
    stored = f"{SEEN} r ON r.k = s.k" if seen else RECORD
    if copied:
        copy_fields(db, len(slots), stored)
    yield from batches(db, f"s.rid, r.fields, s.fields FROM {STAGE} s JOIN {stored}",
                       "" if not in_place else "AND r.fields <> s.fields"
                       + (f" AND NOT ({_within(len(slots))})" if copied else ""))


def copy_fields(db: Database, items: int, stored: str = RECORD) -> None:
    """SQLite, into the merged records' table (:func:`stage_records`): the staged fields of the
    matched records whose stored fields differ and are at most the file's ``items`` (each of
    the file's fields at its own place), which are then the merged fields as they are."""
    db.execute(f"INSERT INTO {RECORDS} (id, fields) SELECT s.rid, s.fields FROM {STAGE} s "
               f"JOIN {stored} WHERE r.fields <> s.fields "
               f"AND {_within(items)} ORDER BY s.rid "      # the records' order (appended)
               "ON CONFLICT (id) DO UPDATE SET fields = excluded.fields")


def set_records(db: Database, new_fields: Iterable[list[tuple[int, str]]],
                aside: bool = False) -> None:
    """Write the merged fields (batches of (record, JSON) pairs) and the completeness of the
    records whose answers changed (every tallied question has an answer), as one ``UPDATE``
    (PostgreSQL keeps the progress counts once per statement: docs/performance.md; ``aside``:
    before the write lock, in a row of their own, as ``staging.insert_new`` does)."""
    stage_records(db, new_fields)
    write_records(db, aside)


def stage_records(db: Database, new_fields: Iterable[list[tuple[int, str]]],
                  before: bool = False) -> None:
    """The merged records' fields and completeness, into a temporary table for
    :func:`write_records`. ``before`` (SQLite, before the write lock, the packs not yet
    patched): a record's count of answers is that of its stored pack moved by its changed
    cells, which is what its patched pack will count."""
    db.execute(f"DROP TABLE IF EXISTS {RECORDS}")
    db.execute(f"CREATE {scratch.table(db, RECORDS)} (id INTEGER PRIMARY KEY, fields TEXT, "
               "complete BOOLEAN)")
    tallied = int(db.scalar(f"SELECT COUNT(*) FROM {QUESTIONS} WHERE tallied = 1"))
    counted = f"SELECT qid FROM {QUESTIONS} WHERE tallied = 1"
    # only a tallied answer that becomes blank, or stops being blank, changes completeness
    turned = f"FROM {CHANGE} WHERE (state = 0) <> (old_state = 0) AND tallied = 1"
    # before the write lock the packs are as stored: the changed cells move their count, as
    # the patches' pass over the change table summed it (pack_writes.build)
    # (the merge a record at a time counts the whole patched pack: ``filled``, not read again)
    cells = (f"SELECT rid, moved, filled FROM {pack_writes.PATCH} WHERE turned = 1"
             if before else
             f"SELECT DISTINCT rid, 0 AS moved, CAST(NULL AS INTEGER) AS filled {turned}")
    filled = (pack_writes.filled("c.rid", f"SELECT k FROM {QUESTIONS} WHERE tallied = 1")
              if db.dialect == "sqlite" else
              "SELECT COUNT(*) FROM answer a WHERE a.record_id = c.rid AND a.state <> 0 "
              f"AND a.question_id IN ({counted})")
    db.execute(f"INSERT INTO {RECORDS} (id, complete) SELECT rid, "
               f"COALESCE(c.filled, ({filled}) + moved) = ? FROM ({cells}) c ORDER BY rid",
               (tallied,))
    for batch in new_fields:        # each batch in the records' order, whatever the file's
        db.executemany(f"INSERT INTO {RECORDS} (id, fields) VALUES (?, ?) ON CONFLICT (id) "
                       "DO UPDATE SET fields = excluded.fields", sorted(batch))


def write_records(db: Database, aside: bool = False) -> None:
    """Write :func:`stage_records`' table over the records, one ``UPDATE``."""
    part = "SELECT set_config('reviewer.count_part', '{}', true)"
    if aside:
        db.execute(part.format(1))
    db.execute(f"UPDATE record SET fields = COALESCE(u.fields, record.fields), "
               f"complete = COALESCE(u.complete, record.complete) FROM {RECORDS} u "
               "WHERE record.id = u.id "
               "AND (u.fields IS NOT NULL OR u.complete <> record.complete)")
    if aside:
        db.execute(part.format(0))


def stored_fields(rows: list[tuple]) -> tuple[list[list], list[list]]:
    """The stored and staged fields of a batch of (record, stored, staged) rows, each parsed
    in one call; a located error naming the first record whose stored fields are not a JSON
    array (changed outside reviewer)."""
    try:
        stored = json.loads("[" + ",".join(r[1] or "[]" for r in rows) + "]")
    except ValueError:
        stored = None
    if stored is None or not all(isinstance(f, list) for f in stored):
        for rid, text, _ in rows:
            try:
                found = json.loads(text or "[]")
            except ValueError:
                found = None
            if not isinstance(found, list):
                raise DatabaseError(f"record id {rid}: its stored fields are not valid (a JSON "
                                    "array by the audit's field names: field_slot); the "
                                    "database was changed outside reviewer")
    return stored, json.loads("[" + ",".join(r[2] for r in rows) + "]")
