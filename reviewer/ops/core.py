"""The frame every operation runs in (after Anki's ``CollectionOp`` and ``OpChanges``).

An operation is one user action: answer a question, import a file, draw a sample, sign off.
It runs as ``with write(ws, audit_id, ...) as tx:`` — one transaction that takes the write lock
*before* it reads what it will change (``Database.transaction``), re-reads the audit under that
lock, refuses changes to a signed-off audit (docs/contracts.md §7), appends its history events
(``tx.event``) and commits them with the change, or nothing at all. It returns an
:class:`OpResult`: its value and a :class:`Changes` saying what changed, from which every front
end refreshes in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from reviewer.clock import now_iso
from reviewer.errors import ReviewerError
from reviewer.store.audits import AuditInfo, get_audit_by_id

if TYPE_CHECKING:
    from reviewer.workspace import Workspace

T = TypeVar("T")

# What an operation does to an audit, for the sign-off rule: "records" (scoring, notes,
# imports, sampling, assignment, adjudication) is refused on a signed-off audit; "meta"
# (rename, archive, exports, sign-off itself) is not.
RECORDS, META = "records", "meta"


class Refused(ReviewerError):
    """An operation the audit's state does not allow (e.g. a change to a signed-off audit)."""


@dataclass
class Changes:
    """What an operation changed, for front ends to refresh from."""

    audit_id: int | None = None
    audit_list: bool = False          # audits created, renamed, archived, signed off ...
    records: bool = False             # records added, assigned, or their fields changed
    answers: set[int] = field(default_factory=set)   # records whose answers or notes changed
    all_answers: bool = False         # answers of many records changed (an import)
    history: int = 0                  # events appended
    plans: bool = False               # an improvement plan imported or updated

    def touches_answers(self, record_id: int | None = None) -> bool:
        return self.all_answers or (bool(self.answers) if record_id is None
                                    else record_id in self.answers)

    def any(self) -> bool:
        return bool(self.audit_list or self.records or self.answers or self.all_answers
                    or self.history or self.plans)


@dataclass
class OpResult(Generic[T]):
    value: T
    changes: Changes
    message: str = ""                 # one line for a status bar or stderr


Event = tuple[str, str | None, str | None, str | None, str | None, str]
# (action, ref, question, before, after, detail)


class Tx:
    """One operation's transaction: the audit as it is under the lock, the time, who, and the
    history events to append."""

    def __init__(self, ws: Workspace, audit: AuditInfo | None):
        self.ws, self.db, self.audit = ws, ws.db, audit
        self.reviewer = ws.reviewer
        self.now = now_iso()
        self.changes = Changes(audit_id=audit.id if audit else None)
        self._events: list[tuple] = []
        self._next_seq: int | None = None

    def set_audit(self, audit: AuditInfo) -> None:
        """For an operation that creates the audit it writes history for."""
        self.audit = audit
        self.changes.audit_id = audit.id

    def next_seq(self) -> int:
        """The ``seq`` the next event will get (to store with the answers it gives)."""
        if self._next_seq is None:
            assert self.audit is not None
            last = self.db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ?",
                                  (self.audit.id,))
            self._next_seq = int(last or 0) + 1
        return self._next_seq

    def reserve(self) -> int:
        """A seq for an event to be written later with ``event(..., seq=)`` (an import's
        event, whose counts are known only at the end, comes before the events it causes)."""
        seq = self.next_seq()
        self._next_seq = seq + 1
        return seq

    def event(self, action: str, ref: str | None = None, question: str | None = None,
              before: str | None = None, after: str | None = None, detail: str = "",
              seq: int | None = None) -> int:
        if seq is None:
            seq = self.reserve()
        assert self.audit is not None
        self._events.append((self.audit.id, seq, self.now, self.reviewer, action, ref, question,
                             before, after, detail))
        if len(self._events) >= 10_000:
            self.flush()
        return seq

    def events(self, rows: Iterable[Event]) -> int:
        n = 0
        for action, ref, question, before, after, detail in rows:
            self.event(action, ref, question, before, after, detail)
            n += 1
        return n

    def flush(self) -> None:
        if self._events:
            self.db.executemany("INSERT INTO event (audit_id, seq, at, reviewer, action, ref, "
                                "question, before, after, detail) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._events)
            self.changes.history += len(self._events)
            self._events.clear()


@contextmanager
def write(ws: Workspace, audit_id: int | None, kind: str = RECORDS,
          what: str = "this change") -> Iterator[Tx]:
    """Run an operation: the write lock, the audit re-read under it, the sign-off rule, the
    history appended, one commit."""
    with ws.db.transaction():
        audit = get_audit_by_id(ws.db, audit_id) if audit_id is not None else None
        if audit is not None and kind == RECORDS and audit.signed_off_by:
            raise Refused(f"audit '{audit.name}' was signed off by {audit.signed_off_by} on "
                          f"{audit.signed_off_at[:10]}: {what} is refused and nothing was "
                          "written (reopen it first: reviewer audit reopen NAME --reason TEXT)")
        tx = Tx(ws, audit)
        yield tx
        tx.flush()
