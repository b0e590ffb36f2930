"""Reading improvement plans and their items (imported by ``reviewer.ops.plans``)."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.errors import NotFound
from reviewer.files.plan_table import PlanItem
from reviewer.store.audits import clean_name
from reviewer.store.db import Database


@dataclass
class PlanInfo:
    id: int
    name: str
    created_at: str
    updated_at: str
    source_name: str
    sha256: str
    items: list[PlanItem]


def _items(db: Database, plan_id: int) -> list[PlanItem]:
    rows = db.all("SELECT ref, area, due, owner, progress, updated, complete, questions "
                  "FROM plan_item WHERE plan_id = ? ORDER BY seq", (plan_id,))
    return [PlanItem(ref, area, due or "", owner or "", progress or "", updated or "",
                     None if complete is None else bool(complete),
                     [q for q in (questions or "").split(";") if q])
            for ref, area, due, owner, progress, updated, complete, questions in rows]


def get_plan(db: Database, name: str) -> PlanInfo:
    wanted = clean_name(name)
    row = db.one("SELECT id, name, created_at, updated_at, source_name, sha256 FROM plan "
                 "WHERE name = ?", (wanted,))
    if row is None:
        known = [r[0] for r in db.all("SELECT name FROM plan ORDER BY name")]
        hint = f" (plans: {', '.join(known)})" if known else " (no plan has been imported)"
        raise NotFound(f"no improvement plan named '{wanted}'{hint}")
    return PlanInfo(*row, items=_items(db, row[0]))


def list_plans(db: Database) -> list[PlanInfo]:
    return [PlanInfo(*row, items=_items(db, row[0])) for row in db.all(
        "SELECT id, name, created_at, updated_at, source_name, sha256 FROM plan ORDER BY name")]
