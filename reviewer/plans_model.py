"""An improvement plan's item (docs/contracts.md §9), as read from a plan table
(``files.plan_table``), stored (``store.plans``) and weighed against tallies
(``analysis.plans``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanItem:
    ref: str
    area: str
    due: str = ""              # YYYY-MM-DD or ""
    owner: str = ""
    progress: str = ""
    updated: str = ""
    complete: bool | None = None
    questions: list[str] = field(default_factory=list)
