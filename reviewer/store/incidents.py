"""The incident table's SQL: an audit's incident list (the population a sample is drawn from),
read by ``files.incidents``. Where the list came from (file name, ref column, row count, time)
is kept in the ``meta`` table under ``incident_list:<audit id>`` (the schema has no column for
it)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from typing import Any

from reviewer.errors import Progress
from reviewer.store.db import Database
from reviewer.store.ids import next_id

BATCH = 10_000             # rows per executemany, so progress can be reported while writing


def replace_list(db: Database, audit_id: int, staged: Iterable[tuple[str, str]], total: int,
                 info: dict[str, Any], progress: Progress | None) -> None:
    """The audit's incident list becomes ``staged`` (ref, fields JSON) rows, in this order;
    call inside the operation's write transaction. Records already drawn are left alone."""
    key = _meta_key(audit_id)
    staged = iter(staged)
    with db.transaction():
        db.execute("DELETE FROM incident WHERE audit_id = ?", (audit_id,))
        first = next_id(db, "incident")
        for start in range(0, total, BATCH):
            chunk = list(islice(staged, BATCH))
            db.executemany("INSERT INTO incident (id, audit_id, seq, ref, fields) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(first + start + k, audit_id, start + k + 1, ref, fields)
                            for k, (ref, fields) in enumerate(chunk)])
            if progress:
                progress(start + len(chunk), total)
        for _ in staged:        # the check at the end of the stream (file unchanged)
            pass
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(info)))


def _meta_key(audit_id: int) -> str:
    return f"incident_list:{audit_id}"


def incident_list_info(db: Database, audit_id: int) -> dict[str, Any]:
    """Where the audit's incident list came from: source (file name), path, ref_column,
    columns, rows, imported_at; ``{}`` when no list has been imported."""
    value = db.scalar("SELECT value FROM meta WHERE key = ?", (_meta_key(audit_id),))
    return json.loads(value) if value else {}


def population_size(db: Database, audit_id: int) -> int:
    """The number of incidents in the audit's imported list (0 when none)."""
    return int(db.scalar("SELECT COUNT(*) FROM incident WHERE audit_id = ?", (audit_id,)) or 0)


def incident_columns(db: Database, audit_id: int) -> list[str]:
    """The field columns of the audit's incident list in file order (the ref column excluded),
    e.g. for choosing a stratification field; ``[]`` when no list has been imported."""
    columns = incident_list_info(db, audit_id).get("columns")
    if columns is not None:
        return list(columns)
    fields = db.scalar("SELECT fields FROM incident WHERE audit_id = ? ORDER BY seq LIMIT 1",
                       (audit_id,))
    return list(json.loads(fields or "{}"))



def incidents(db: Database, audit_id: int, stratify_by: str | None) -> list[tuple]:
    """(seq, ref, fields JSON, stratum or None) of the audit's incidents in list order."""
    stratum = ", NULL" if stratify_by is None else ", " + db.json_field("fields")
    params: list[Any] = [] if stratify_by is None else [stratify_by]
    return db.all(f"SELECT seq, ref, fields{stratum} FROM incident WHERE audit_id = ? "
                  "ORDER BY seq", [*params, audit_id])
