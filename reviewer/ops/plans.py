"""Importing an improvement plan (docs/contracts.md §9): all-or-nothing; importing a plan of the
same name again updates its items (matched by ``ref``), adds the new ones and keeps the others."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewer.files.plan_table import read_plan
from reviewer.ops.core import OpResult, write
from reviewer.ops.importer import file_sha256
from reviewer.store.audits import clean_name
from reviewer.workspace import Workspace


@dataclass
class PlanImport:
    name: str
    new: int
    updated: int
    ignored: list[str]

    def summary(self, path: str) -> str:
        extra = f"; columns left out: {', '.join(self.ignored)}" if self.ignored else ""
        return (f"{path}: plan '{self.name}': {self.new} new items, {self.updated} updated"
                f"{extra}")


def import_plan(ws: Workspace, name: str, path: str | Path) -> OpResult[PlanImport]:
    name = clean_name(name)
    table = read_plan(path)
    digest = file_sha256(Path(path))
    with write(ws, None) as tx:
        db = tx.db
        plan_id = db.scalar("SELECT id FROM plan WHERE name = ?", (name,))
        if plan_id is None:
            db.execute("INSERT INTO plan (name, created_at, updated_at, source_name, sha256) "
                       "VALUES (?, ?, ?, ?, ?)", (name, tx.now, tx.now, Path(path).name, digest))
            plan_id = db.scalar("SELECT id FROM plan WHERE name = ?", (name,))
        else:
            db.execute("UPDATE plan SET updated_at = ?, source_name = ?, sha256 = ? WHERE id = ?",
                       (tx.now, Path(path).name, digest, plan_id))
        stored = dict(db.all("SELECT ref, id FROM plan_item WHERE plan_id = ?", (plan_id,)))
        last = db.scalar("SELECT COALESCE(MAX(seq), 0) FROM plan_item WHERE plan_id = ?",
                         (plan_id,))
        new = updated = 0
        for item in table.items:
            values = (item.area, item.due, item.owner, item.progress, item.updated,
                      item.complete, ";".join(item.questions))
            if item.ref in stored:
                db.execute("UPDATE plan_item SET area = ?, due = ?, owner = ?, progress = ?, "
                           "updated = ?, complete = ?, questions = ? WHERE id = ?",
                           (*values, stored[item.ref]))
                updated += 1
            else:
                last += 1
                db.execute("INSERT INTO plan_item (plan_id, seq, ref, area, due, owner, "
                           "progress, updated, complete, questions) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (plan_id, last, item.ref, *values))
                new += 1
        tx.changes.plans = True
    result = PlanImport(name, new, updated, table.ignored)
    return OpResult(result, tx.changes, result.summary(str(path)))
