"""Importing an improvement plan (docs/contracts.md §9): all-or-nothing; importing a plan of the
same name again updates its items (matched by ``ref``), adds the new ones and keeps the others."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewer.files.plan_table import read_plan
from reviewer.ops.core import OpResult, require_role, write
from reviewer.ops.import_steps import file_sha256
from reviewer.store import plans
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
    require_role(ws, "lead", "importing a plan")
    name = clean_name(name)
    table = read_plan(path)
    digest = file_sha256(Path(path))
    with write(ws, None) as tx:
        plan_id = plans.save_plan(tx.db, name, tx.now, Path(path).name, digest)
        new, updated = plans.save_items(tx.db, plan_id, table.items)
    result = PlanImport(name, new, updated, table.ignored)
    return OpResult(result, tx.changes, result.summary(str(path)))
