"""Reading an audit's history (docs/contracts.md §6). Events are written only by the operations
layer (``ops.core.Tx.event``) and never changed or deleted: triggers in the database refuse it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from reviewer.store.db import Database


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    at: str
    reviewer: str
    action: str
    ref: str | None
    question: str | None
    before: str | None
    after: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """One line for people: ``12 2026-11-23T10:17:40Z bob answer INC-7 q1: Y -> N (app)``."""
        parts = [f"{self.seq:>4}", self.at, self.reviewer or "-", self.action]
        if self.ref is not None:
            parts.append(self.ref)
        if self.question is not None:
            parts.append(f"q{self.question}:")
        if self.before is not None or self.after is not None or self.action in (
                "answer", "note", "undo", "adjudicate"):
            parts.append(f"{_shown(self.before)} -> {_shown(self.after)}")
        if self.detail:
            parts.append(f"({self.detail})" if self.action in ("answer", "note", "undo",
                                                               "adjudicate") else self.detail)
        return " ".join(parts)


def _shown(value: str | None) -> str:
    return "(blank)" if value is None else json.dumps(value, ensure_ascii=False) \
        if (not value or value != value.strip() or " " in value) else value


def events(db: Database, audit_id: int, ref: str | None = None) -> list[HistoryEvent]:
    sql = ("SELECT seq, at, reviewer, action, ref, question, before, after, detail FROM event "
           "WHERE audit_id = ?")
    params: list[Any] = [audit_id]
    if ref is not None:
        sql += " AND ref = ?"
        params.append(ref)
    return [HistoryEvent(*row[:8], detail=row[8] or "")
            for row in db.all(sql + " ORDER BY seq", params)]


def history_dict(audit_name: str, found: list[HistoryEvent]) -> dict[str, Any]:
    return {"audit": audit_name, "events": [e.to_dict() for e in found]}
