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

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from reviewer.clock import now_iso
from reviewer.errors import ReviewerError
from reviewer.ops.appending import Appending
from reviewer.ops.changes import Changes
from reviewer.store import chain, history, prefetch
from reviewer.store.answers import Read
from reviewer.store.audits import AuditInfo, get_audit_by_id
from reviewer.store.history import Action

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
class OpResult(Generic[T]):
    value: T
    changes: Changes
    message: str = ""                 # one line for a status bar or stderr


Event = tuple[str, str | None, str | None, str | None, str | None, str]
# (action, ref, question, before, after, detail)


class Tx(Appending):
    """One operation's transaction: the audit as it is under the lock, the time, who, and the
    history events to append."""

    def __init__(self, ws: Workspace, audit: AuditInfo | None, what: str | None = None,
                 early: prefetch.Prefetched | None = None):
        self.ws, self.db, self.audit = ws, ws.db, audit
        self._what = what                 # the sign-off rule applies (a RECORDS operation)
        self.reviewer = ws.reviewer
        self.login = ws.login
        self.now = now_iso()
        self._written = ws.db.written
        self._actions: Counter[Action] = Counter()
        self._events: dict[int, tuple] = {}
        self._salts: dict[int, bytes] = {}      # events' salts chosen before (``event``)
        self._next_seq: int | None = None
        self._head: tuple[int, bytes | None] | None = early.head if early else None
        self._chainer: chain.Chainer | None = None      # _head: (seq, hash) last written
        self._early = early

    def record_read(self, record_id: int) -> Read | None:
        """The record's rows if they were read with the write lock (``store.prefetch``), once."""
        early, self._early = self._early, None
        return early.read if early and early.record == record_id else None

    @property
    def changes(self) -> Changes:
        """What this operation has changed so far (the events it appended, what the store
        reported)."""
        return Changes.derive(self.audit.id if self.audit else None, self._actions,
                              self._written)

    @property
    def locked(self) -> bool:
        """Whether the write lock is held (see ``write(late=True)``)."""
        return self.db.writers_locked

    def lock(self) -> None:
        """Take the write lock if this transaction has not yet (``write(late=True)``), then read
        the audit again and apply the sign-off rule to it as it now is."""
        if self.locked:
            return
        self.db.lock_writers()
        if self.audit is not None:
            self.audit = get_audit_by_id(self.db, self.audit.id)
            if self._what is not None:
                check_open(self.audit, self._what)

    def set_audit(self, audit: AuditInfo) -> None:
        """For an operation that creates the audit it writes history for."""
        self.audit = audit

    @property
    def audit_key(self) -> int:
        """The chain the events go to: the audit's, or 0 for the database's own (team)."""
        return self.audit.id if self.audit is not None else 0

    def next_seq(self) -> int:
        """The ``seq`` the next event will get (to store with the answers it gives)."""
        assert self.locked, "history is appended under the write lock (Tx.lock)"
        if self._next_seq is None:
            self._next_seq = self._chain_head()[0] + 1    # one statement reads both
        return self._next_seq

    def reserve(self, count: int = 1) -> int:
        """A seq for an event to be written later with ``event(..., seq=)`` (an import's
        event, whose counts are known only at the end, comes before the events it causes), or
        the first of ``count`` in a row for :meth:`append`."""
        seq = self.next_seq()
        self._next_seq = seq + count
        return seq

    def event(self, action: Action, ref: str | None = None, question: str | None = None,
              before: str | None = None, after: str | None = None, detail: str = "",
              seq: int | None = None, rows: bytes | None = None,
              salt: bytes | None = None) -> int:
        """Record an event (``salt``: its salt, chosen before: an import's event hashed ahead
        of the write lock, ``ops.import_merge``)."""
        if seq is None:
            seq = self.reserve()
        action = Action(action)
        self._actions[action] += 1
        self._events[seq] = (action.value, ref, question, before, after, detail, rows)
        if salt is not None:
            self._salts[seq] = salt
        if len(self._events) >= 10_000:
            self.flush()
        return seq

    def events(self, rows: Iterable[Event]) -> int:
        n = 0
        for action, ref, question, before, after, detail in rows:
            self.event(action, ref, question, before, after, detail)
            n += 1
        return n

    def head(self) -> bytes | None:
        """The hash of the last event written (the chain's head so far)."""
        self.flush()
        return self._chain_head()[1]

    def flush(self, final: bool = False) -> None:
        """Write the events whose turn has come: the chain is hashed in ``seq`` order, so
        events after a reserved seq not yet given wait for it."""
        if not self._events:
            return
        last = self._chain_head()[0]
        ready = []
        while last + 1 in self._events:
            last += 1
            ready.append((last, *self._events.pop(last)))
        self._write(ready)
        if final and self._events:
            raise RuntimeError(f"history events {sorted(self._events)[:3]} were reserved "
                               "after a seq that was never written")

    def check_written(self) -> None:
        """At the operation's end: every seq it reserved was written (an event left out of
        the chain would leave a gap no one sees until ``verify``)."""
        if self._next_seq is not None and self._chain_head()[0] < self._next_seq - 1:
            raise RuntimeError(f"history events {self._chain_head()[0] + 1} to "
                               f"{self._next_seq - 1} were reserved and never written")

    def _chain_head(self) -> tuple[int, bytes | None]:
        if self._head is None:
            self._head = history.chain_head(self.db, self.audit_key)
        return self._head

    def _chain(self, prev: bytes | None, ready: list[tuple],
               given: list[bytes | None] | tuple = ()) -> list[tuple[bytes, bytes]]:
        if self._chainer is None:
            self._chainer = chain.Chainer(self.audit_key, self.now, self.login, self.reviewer)
        return self._chainer.chain(prev, ready, given)

    def _write(self, ready: list[tuple]) -> None:
        """Hash events (seq, action, ref, question, before, after, detail, rows) in seq order
        onto the chain's head and insert them."""
        if not ready:
            return
        prev = self._chain_head()[1]
        out = []
        given = [self._salts.pop(r[0], None) for r in ready] if self._salts else ()
        for (seq, action, ref, question, before, after, detail, rows), (salt, digest) in zip(
                ready, self._chain(prev, ready, given), strict=True):
            out.append((self.audit_key, seq, self.now, self.reviewer, action, ref, question,
                        before, after, detail, self.login, salt, prev, digest, rows))
            prev = digest
        self._head = (ready[-1][0], prev)
        history.insert_events(self.db, out)


def check_open(audit: AuditInfo, what: str) -> None:
    """The sign-off rule (docs/contracts.md §7), the one place it is checked: a signed-off
    audit's records and answers are not changed."""
    if audit.signed_off_by:
        raise Refused(f"audit '{audit.name}' was {audit.signed_off_text}: {what} is refused "
                      "and nothing was written (reopen it first: reviewer audit reopen NAME "
                      "--reason TEXT)")


def require_role(ws: Workspace, needed: str, what: str, role: str | None = "") -> str:
    """The program's own check of the rights table (docs/contracts.md §10; docs/evidence.md,
    "Rights"): the login's role, if it ranks at least ``needed``; else one clear refusal. On
    PostgreSQL the server enforces the same table (``store.roles_pg``); on a SQLite desk file the
    operating-system user has every right."""
    from reviewer.store import identity

    role = identity.role_of(ws.db, ws.login) if role == "" else role   # "": not read yet
    if role is None:
        raise Refused(f"{ws.login} has no role in this database: {what} is refused (a lead "
                      "grants roles: reviewer team grant LOGIN --role ROLE)")
    if identity.RANK[role] < identity.RANK[needed]:
        raise Refused(f"{ws.login} is a {role}: {what} needs a {needed}; nothing was written")
    return role


@contextmanager
def write(ws: Workspace, audit_id: int | None, kind: str = RECORDS,
          what: str = "this change", late: bool = False, record: int | None = None,
          imports: bool | None = None, records: list[int] | None = None) -> Iterator[Tx]:
    """Run an operation: the write lock, the audit re-read under it, the sign-off rule, the
    history appended, one commit.

    ``late`` (an import): on PostgreSQL the transaction first takes only the imports' own lock,
    so the operation can write rows no one else can see yet while others write; it must call
    :meth:`Tx.lock` before it reads what others write or appends history (docs/performance.md,
    "Imports and scorers"). On SQLite, and without ``late``, the write lock is held from the
    start and :meth:`Tx.lock` does nothing.

    On PostgreSQL an import merges the records it updates before it takes the write lock,
    holding their rows (docs/performance.md, "Imports and scorers"). So an operation that
    changes one ``record`` (scoring) locks that record's row just after the write lock without
    waiting, and should an import hold it, lets the lock go and waits for the row alone; one
    that may change any record of an audit (``imports``: by default every ``RECORDS``
    operation on an audit but an import and a one-record one) first waits for the import at
    work. No one waits for an import's row while holding the write lock the import waits for
    (``Database.lock_first``). ``records`` (an import a scorer makes, of records the audit
    has): their rows locked as ``record``'s is, and no wait for the import at work."""
    one = None if late or record is None or audit_id is None or ws.db.dialect == "sqlite" \
        else (audit_id, record)           # PostgreSQL: read with the lock (store.prefetch)
    if kind == RECORDS and one is None:
        require_role(ws, "reviewer", what)
    if imports is None:
        imports = (kind == RECORDS and record is None and records is None
                   and audit_id is not None)
    ws.db.late = late
    ws.db.lock_first(record if records is None else records, imports and not late,
                     prefetch.record_reads(ws.login, *one) if one else None)
    try:
        with ws.db.transaction():
            got = ws.db.prefetched
            early = prefetch.unpack(ws.db, *one, got) if one and got is not None else None
            if early and kind == RECORDS:
                require_role(ws, "reviewer", what, early.role)
            audit = early.audit if early else (
                get_audit_by_id(ws.db, audit_id) if audit_id is not None else None)
            if audit is not None and kind == RECORDS:
                check_open(audit, what)
            tx = Tx(ws, audit, what if kind == RECORDS else None, early)
            yield tx
            tx.lock()
            tx.flush(final=True)
            tx.check_written()
    except Exception as exc:
        # the server refused a right (a viewer cannot lock a record's row for writing): the
        # rights table's own refusal says why, as it would have before the lock
        if one and kind == RECORDS and getattr(exc, "sqlstate", None) == "42501":
            require_role(ws, "reviewer", what)
        raise
    finally:
        ws.db.late = False
        ws.db.lock_first()
