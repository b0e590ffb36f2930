"""The plan tables' SQL: improvement plans and their items, read and written (the import is
``reviewer.ops.plans``). Writes report ``plans`` (``Database.wrote``)."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.errors import NotFound
from reviewer.plans_model import PlanItem
from reviewer.store.audits import clean_name
from reviewer.store.db import Database

PLANS = "plans"                                # what ``Database.wrote`` is told


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


def save_plan(db: Database, name: str, now: str, source_name: str, sha256: str) -> int:
    """Create the plan ``name`` or mark it updated; its id."""
    plan_id = db.scalar("SELECT id FROM plan WHERE name = ?", (name,))
    if plan_id is None:
        db.execute("INSERT INTO plan (name, created_at, updated_at, source_name, sha256) "
                   "VALUES (?, ?, ?, ?, ?)", (name, now, now, source_name, sha256))
        plan_id = db.scalar("SELECT id FROM plan WHERE name = ?", (name,))
    else:
        db.execute("UPDATE plan SET updated_at = ?, source_name = ?, sha256 = ? WHERE id = ?",
                   (now, source_name, sha256, plan_id))
    db.wrote(PLANS)
    return int(plan_id)


def save_items(db: Database, plan_id: int, items: list[PlanItem]) -> tuple[int, int]:
    """Update the plan's items with these refs and add the new ones: (new, updated)."""
    stored = dict(db.all("SELECT ref, id FROM plan_item WHERE plan_id = ?", (plan_id,)))
    last = db.scalar("SELECT COALESCE(MAX(seq), 0) FROM plan_item WHERE plan_id = ?",
                     (plan_id,))
    new = updated = 0
    for item in items:
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
    db.wrote(PLANS)
    return new, updated
