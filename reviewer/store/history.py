"""An audit's history (docs/contracts.md §6): the events repository. Events are appended only by the
operations layer (``ops.core.Tx.event``, through :func:`insert_events`) and never changed or
deleted: triggers in the database refuse it. :class:`Action` names every event's action and
:data:`CHANGES` says what each one changes."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.store.chain import SALT_BYTES, ZERO
from reviewer.store.db import Database

ACCESS = ("view", "export")         # the access log (docs/evidence.md)
EVENT_COLUMNS = ("audit_id", "seq", "at", "reviewer", "action", "ref", "question", "before",
                 "after", "detail", "login", "salt", "prev", "hash", "rows")

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
    # accountable evidence (docs/evidence.md)
    VIEW = "view"
    POLICY = "policy"
    RETENTION = "retention"
    DISPOSE = "dispose"
    GRANT = "grant"
    REVOKE = "revoke"


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
    Action.VIEW: frozenset(),
    Action.POLICY: frozenset({"audit_list"}),
    Action.RETENTION: frozenset({"audit_list"}),
    Action.DISPOSE: frozenset({"records", "all_answers", "audit_list"}),
    Action.GRANT: frozenset(),
    Action.REVOKE: frozenset(),
}


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
    login: str | None = None
    prev: str | None = None          # hex
    hash: str | None = None          # hex

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """One line for people: ``12 2026-11-23T10:17:40Z bob answer INC-7 q1: Y -> N (app)``."""
        who = self.reviewer or "-"
        if self.login and self.login != self.reviewer:
            who += f" [{self.login}]"
        parts = [f"{self.seq:>4}", self.at, who, self.action]
        if self.ref is not None:
            parts.append(self.ref)
        if self.question is not None:
            q = self.question          # "1" is shown "q1"; an id such as "q1" or "a2" as it is
            parts.append(f"{q}:" if q[:1].isalpha() else f"q{q}:")
        if self.before is not None or self.after is not None or self.action in (
                "answer", "note", "undo", "adjudicate"):
            parts.append(f"{_shown(self.before)} -> {_shown(self.after)}")
        if self.action == "export" and self.detail.startswith("{"):
            parts.append(_export_text(self.detail))
        elif self.detail:
            parts.append(f"({self.detail})" if self.action in ("answer", "note", "undo",
                                                               "adjudicate") else self.detail)
        return " ".join(parts)


def _export_text(detail: str) -> str:
    """An export's JSON detail for people: ``answers out.csv sha256=… purpose: …``."""
    try:
        d = json.loads(detail)
    except ValueError:
        return detail
    text = f"{d.get('kind') or 'file'} {d.get('file')} sha256={d.get('sha256')}"
    for key in ("purpose", "recipient"):
        if d.get(key):
            text += f"; {key}: {d[key]}"
    return text


def _shown(value: str | None) -> str:
    return "(blank)" if value is None else json.dumps(value, ensure_ascii=False) \
        if (not value or value != value.strip() or " " in value) else value


_SELECT = ("SELECT e.seq, e.at, e.reviewer, e.action, e.ref, e.question, e.before, e.after, "
           "e.detail, e.login, e.prev, e.hash, e.bundle, e.salt, s.bundle FROM event e "
           "LEFT JOIN event_seal s ON e.bundle IS NOT NULL AND s.audit_id = e.audit_id "
           "AND s.seq = e.seq WHERE e.audit_id = ?")
PACKABLE = ("answer", "note")       # the actions a pack of events holds (``store.bundle``)


def _event(row: tuple) -> HistoryEvent:
    from reviewer.store.chain import hex_or_none

    return HistoryEvent(*row[:8], detail=row[8] or "", login=row[9], prev=hex_or_none(row[10]),
                        hash=hex_or_none(row[11]))


def events(db: Database, audit_id: int, ref: str | None = None,
           actions: tuple[str, ...] | None = None,
           login: str | None = None) -> list[HistoryEvent]:
    return list(iter_events(db, audit_id, ref, actions, login))


EVENT_BATCH = 5000       # rows read at a time by iter_events


def iter_events(db: Database, audit_id: int, ref: str | None = None,
                actions: tuple[str, ...] | None = None,
                login: str | None = None) -> Iterator[HistoryEvent]:
    """``events`` read a batch of rows at a time in seq order (keyset on the primary key):
    ``history`` and ``access`` print millions of events in flat memory (docs/performance.md).
    A pack of events (``store.bundle``) is opened where it may hold what is asked for."""
    from reviewer.store import bundle

    sql, params = _SELECT, [audit_id]
    if ref is not None:
        # the record's own events (by the ref index) and the packs naming it, read by key: a
        # record's history costs the same in an audit of millions of events
        plain = [int(r[0]) for r in db.all("SELECT seq FROM event WHERE audit_id = ? AND "
                                           "ref = ?", (audit_id, ref))]
        wanted = sorted({*plain, *bundle.seqs_naming(db, audit_id, ref)})
        if not wanted:
            return
        sql += f" AND e.seq IN ({', '.join(map(str, wanted))})"
    if actions:
        sql += f" AND (e.action IN ({', '.join('?' * len(actions))})"
        sql += " OR e.bundle IS NOT NULL)" if set(actions) & set(PACKABLE) else \
            " AND e.bundle IS NULL)"
        params.extend(actions)
    if login is not None:
        sql += " AND e.login = ?"
        params.append(login)
    last = 0
    while True:
        batch = db.all(f"{sql} AND e.seq > ? ORDER BY e.seq LIMIT {EVENT_BATCH}",
                       [*params, last])
        for row in batch:
            if row[12] is None:
                yield _event(row)
            else:
                yield from _packed(audit_id, row, ref, actions)
        if len(batch) < EVENT_BATCH:
            return
        last = batch[-1][0]


def _packed(audit_id: int, row: tuple, ref: str | None,
            actions: tuple[str, ...] | None) -> Iterator[HistoryEvent]:
    from reviewer.store import bundle
    from reviewer.store.chain import hex_or_none

    at, reviewer, login, prev = row[1], row[2], row[9], row[10]
    try:
        found = list(bundle.events(audit_id, at, login, reviewer,
                                   bytes(prev) if prev is not None else None, row[12], row[13],
                                   row[14], bytes(row[11]) if row[11] is not None else None))
    except (ValueError, TypeError, IndexError, zlib.error) as e:
        raise ReviewerError(f"the history's events up to {row[0]} cannot be read (a pack of "
                            f"events changed behind the program's back: {e}); reviewer verify "
                            "says where the history is broken") from None
    for seq, (action, ref_, question, before, after, detail), p, h in found:
        if (ref is None or ref_ == ref) and (not actions or action in actions):
            yield HistoryEvent(seq, at, reviewer, action, ref_, question, before, after,
                               detail or "", login, hex_or_none(p), hex_or_none(h))


def history_dict(audit_name: str, found: list[HistoryEvent],
                 names_verified: bool | None = None) -> dict[str, Any]:
    """``names_verified`` false: the names come from a SQLite desk file (docs/contracts.md §10)."""
    doc: dict[str, Any] = {"audit": audit_name, "events": [e.to_dict() for e in found]}
    if names_verified is not None:
        doc["names_verified"] = names_verified
    return doc


# -- writing (only through ops.core.Tx) -----------------------------------------------------------
def chain_head(db: Database, audit_key: int) -> tuple[int, bytes | None]:
    """(seq, hash) of the chain's last event; (0, None) for an empty chain."""
    # planned afresh: a plan kept from when the table was small would scan it
    return head_from_row(db.one(HEAD_SQL, (audit_key,), fresh=True))


# also read with the write lock (store.prefetch), planned afresh there too
HEAD_SQL = "SELECT seq, hash FROM event WHERE audit_id = ? ORDER BY seq DESC LIMIT 1"


def head_from_row(row: tuple | None) -> tuple[int, bytes | None]:
    return (0, None) if row is None else (int(row[0]), bytes(row[1]) if row[1] else None)


def insert_events(db: Database, rows: list[tuple]) -> None:
    """Write hashed events (``ops.core.Tx.flush`` builds the chain). One event (an answer's)
    is one statement (docs/performance.md)."""
    if len(rows) == 1:
        db.execute(_INSERT_EVENT, rows[0])
    else:
        db.executemany(_INSERT_EVENT, rows)


_INSERT_EVENT = (f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})")


# -- events in bulk (an import's changed answers: docs/performance.md) ---------------------------
def insert_selected(db: Database, select: str, params: Sequence[Any], audit_key: int, at: str,
                    reviewer: str, login: str | None, first: int, salts: bytes, prevs: bytes,
                    hashes: bytes) -> None:
    """Append the events ``select`` gives (seq, action, ref, question, before, after, detail;
    seqs ``first`` on, in a row) in one statement, with their salts, previous hashes (all zeros:
    none) and hashes (``ops.core.Tx`` chains them) given as one run of bytes each, in seq
    order: no values bound per event."""
    n = SALT_BYTES
    db.execute(f"INSERT INTO event ({', '.join(EVENT_COLUMNS)}) "
               "SELECT ?, e.seq, ?, ?, e.action, e.ref, e.question, e.before, e.after, e.detail, "
               f"?, substr(?, (e.seq - ?) * {n} + 1, {n}), "
               "NULLIF(substr(?, (e.seq - ?) * 32 + 1, 32), ?), "
               f"substr(?, (e.seq - ?) * 32 + 1, 32), NULL FROM ({select}) e",
               (audit_key, at, reviewer, login, salts, first, prevs, first, ZERO, hashes, first,
                *params))


def last_view(db: Database, audit_id: int, ref: str, login: str, detail: str) -> str | None:
    """When ``login`` last viewed ``ref`` (``detail`` record or audio), or None."""
    return db.scalar("SELECT MAX(at) FROM event WHERE audit_id = ? AND ref = ? AND "
                     "action = 'view' AND login = ? AND detail = ?",
                     (audit_id, ref, login, detail))
