"""An audit's history (docs/contracts.md §6): the events repository. Events are appended only by the
operations layer (``ops.core.Tx.event``, through :func:`append`) and never changed or deleted:
triggers in the database refuse it. :class:`Action` names every event's action and
:data:`CHANGES` says what each one changes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from reviewer.store.db import Database


class Action(StrEnum):
    """An event's action: the values are the history's action strings (docs/contracts.md §6), so
    ``history --format json`` shows exactly these."""

    CREATE = "create"
    ANSWER = "answer"
    NOTE = "note"
    IMPORT = "import"
    UNDO = "undo"
    ADJUDICATE = "adjudicate"
    SAMPLE = "sample"
    LINK_RECORDINGS = "link-recordings"
    RENAME = "rename"
    ARCHIVE = "archive"
    ASSIGN = "assign"
    CALIBRATE = "calibrate"
    SIGN_OFF = "sign-off"
    REOPEN = "reopen"
    EXPORT = "export"
    INCIDENT_LIST = "incident-list"
    POPULATION = "population"
    LINK_TRANSCRIPTS = "link-transcripts"
    TRANSCRIBE = "transcribe"
    UPGRADE = "upgrade"


# What each action changes, for front ends to refresh (the fields of ``ops.core.Changes``;
# every event also counts in ``history``). Answers of single records are named by the store's
# writes (``Database.wrote``); ``all_answers`` is an import's "every record may have changed".
CHANGES: dict[Action, frozenset[str]] = {
    Action.CREATE: frozenset({"audit_list"}),
    Action.ANSWER: frozenset({"answers"}),
    Action.NOTE: frozenset({"answers"}),
    Action.IMPORT: frozenset({"records", "all_answers", "audit_list"}),
    Action.UNDO: frozenset({"answers"}),
    Action.ADJUDICATE: frozenset({"answers"}),
    Action.SAMPLE: frozenset({"records", "audit_list"}),
    Action.LINK_RECORDINGS: frozenset({"records"}),
    Action.RENAME: frozenset({"audit_list"}),
    Action.ARCHIVE: frozenset({"audit_list"}),
    Action.ASSIGN: frozenset({"records", "audit_list"}),
    Action.CALIBRATE: frozenset({"records", "audit_list"}),
    Action.SIGN_OFF: frozenset({"audit_list"}),
    Action.REOPEN: frozenset({"audit_list"}),
    Action.EXPORT: frozenset(),
    Action.INCIDENT_LIST: frozenset({"audit_list"}),
    Action.POPULATION: frozenset({"audit_list"}),
    Action.LINK_TRANSCRIPTS: frozenset({"records"}),
    Action.TRANSCRIBE: frozenset({"records"}),
    Action.UPGRADE: frozenset(),
}

def last_seq(db: Database, audit_id: int) -> int:
    """The ``seq`` of an audit's newest event (0 for none)."""
    return int(db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ?", (audit_id,)) or 0)


def append(db: Database, rows: list[tuple]) -> None:
    """Append events: (audit_id, seq, at, reviewer, action, ref, question, before, after,
    detail) each, the action as its plain string (``Action.value``). Never changed or deleted
    after: the database's triggers refuse it."""
    db.executemany("INSERT INTO event (audit_id, seq, at, reviewer, action, ref, question, "
                   "before, after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


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
