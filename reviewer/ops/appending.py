"""Appending an import's many events to the history in bulk (docs/performance.md, "Re-import:
a set-based merge, history events in bulk" and "Packed history events"): the part of
``ops.core.Tx`` that writes events whose seqs were reserved in a row."""

from __future__ import annotations

import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from reviewer.store import chain, history
from reviewer.store.db import Database
from reviewer.store.history import Action

# a pack of events: its first seq, its text (or ``bundle_held.Held``), the records it names
# [, ``bundle.Prepared``, or ``halves_packs.Stored`` past what memory keeps (read back), or
# None (made ready where it is hashed)]
Pack = tuple[Any, ...]
# a pack hashed: its last hash, its compressed text, what it was made ready as
Chained = tuple[bytes, bytes, Any]
# hashed ahead of the write lock: the hash chained from, and each pack hashed
Ahead = tuple[bytes | None, list[Chained]]
AHEAD = 2           # packs listed and waiting for the thread that writes them (memory)


class Appending:
    """Mixed into ``ops.core.Tx``, whose chain head, chainer and counted actions it uses."""

    db: Database
    now: str
    reviewer: str
    login: str | None
    _actions: Counter[Action]
    _head: tuple[int, bytes | None] | None

    @property
    def audit_key(self) -> int:                 # ``Tx.audit_key``
        raise NotImplementedError

    def flush(self, final: bool = False) -> None:    # ``Tx.flush``
        raise NotImplementedError

    def _chain_head(self) -> tuple[int, bytes | None]:       # ``Tx._chain_head``
        raise NotImplementedError

    def _chain(self, prev: bytes | None, ready: list[tuple],
               given: list[bytes | None] | tuple = ()) -> list[tuple[bytes, bytes]]:
        raise NotImplementedError                # ``Tx._chain``

    def append(self, batches: Iterable[tuple[list[tuple], str, Sequence[Any]]]) -> None:
        """Write events whose seqs were reserved in a row (``reserve(count)``), once every
        event before them is written, a batch at a time: the batch's events (seq, action, ref,
        question, before, after, detail, rows) in seq order are hashed onto the chain, and the
        database inserts the same events from its own rows (``select``, ``params``: see
        ``history.insert_selected``) — an import's changed answers (docs/performance.md)."""
        self.flush()
        for events, select, params in batches:
            head, prev = self._chain_head()
            if events[0][0] != head + 1 or events[-1][0] != head + len(events):
                raise RuntimeError(f"history events from {events[0][0]} are out of turn")
            for action, n in Counter(map(itemgetter(1), events)).items():
                self._actions[Action(action)] += n
            chained = self._chain(prev, events)
            hashes = b"".join(digest for _, digest in chained)
            history.insert_selected(self.db, select, params, self.audit_key, self.now,
                                    self.reviewer, self.login, events[0][0],
                                    b"".join(salt for salt, _ in chained),
                                    (prev or chain.ZERO) + hashes[:-32], hashes)
            self._head = (events[-1][0], chained[-1][1])

    def append_packs_while(self, packs: Sequence[Pack], work: Callable[[], object],
                           ahead: Ahead | None = None) -> None:
        """:meth:`append_packs` for packs made ready before the write lock, their hashes and
        compressed text made in a thread of their own while ``work`` (the import's writing of
        its answers: SQL, during which SQLite lets Python's other threads run) runs on this
        one; the rows then inserted here (docs/performance.md, "An updating import's merge
        before the lock (SQLite)"). ``ahead``: the hash the packs were chained from before
        the lock and what that gave (each pack's last hash and compressed text), taken if the
        chain's head is that hash (docs/performance.md, "The events hashed ahead of the
        lock"). A pack past what memory keeps (``bundle_held.HELD_MAX``) is read back from the
        file it was kept in (``halves_packs.Stored``), or, where it was not, made ready here, in
        that thread."""
        from concurrent.futures import ThreadPoolExecutor

        self.flush()
        head, prev = self._chain_head()
        if packs and packs[0][0] != head + 1:
            raise RuntimeError(f"history events from {packs[0][0]} are out of turn")
        if ahead is not None and ahead[0] == prev and len(ahead[1]) == len(packs):
            work()                      # the same hashes: each a function of the one before
            self._insert_packs(packs, ahead[1], prev)
            return

        with ThreadPoolExecutor(max_workers=1) as pool:
            hashing = pool.submit(chain_packs, self.audit_key, prev, head + 1, packs,
                                  (self.now, self.login, self.reviewer))
            work()
            done = hashing.result()
        self._insert_packs(packs, done, prev)

    def _insert_packs(self, packs: Sequence[Pack], done: list[Chained],
                      prev: bytes | None) -> None:
        """Insert packs made ready and hashed (``done``: each one's last hash, compressed text
        and what it was made ready as), chained from ``prev``."""
        from reviewer.store import bundle, bundle_named

        named: list[tuple[int, int]] = []      # the records each pack names, named at once
        for (first, _, record_ids, _), (last, blob, made) in zip(packs, done, strict=True):
            for action, n in made.actions.items():
                self._actions[Action(action)] += n
            bundle.insert(self.db, self.audit_key, self.now, self.reviewer, self.login, first,
                          made.count, blob, made.salt, prev, last, None)
            named.extend((int(r), first + made.count - 1) for r in record_ids)
            prev = last
            self._head = (first + made.count - 1, last)
        bundle_named.name_records(self.db, self.audit_key, named)

    def append_packs(self, packs: Iterable[Pack]) -> None:
        """The same for events written as packs (docs/evidence.md, "Packed events"): each
        pack's events (its first seq, its text as the database wrote it: ``store.bundle``, the
        records they name, and optionally the pack made ready to hash with its salt before the
        write lock: ``bundle.prepare``) hashed onto the chain and written as one row. In a
        pipeline: while this thread has the database list the next pack (SQL, during which
        SQLite lets other threads run), a thread of its own makes each listed pack ready,
        hashes it onto the chain, compresses it and inserts it, in turn; at most ``AHEAD``
        packs wait for it (docs/performance.md, "The events made ready beside the merge's
        SQL")."""
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        from reviewer.store import bundle, bundle_held

        self.flush()
        who = (self.now, self.login, self.reviewer)

        def write(first: int, text: str, record_ids: list[int], ready: list) -> None:
            head, prev = self._chain_head()
            if first != head + 1:
                raise RuntimeError(f"history events from {first} are out of turn")
            made = _made(ready[0] if ready else None, text, who)
            last = bundle.chain_prepared(self.audit_key, prev, first, made)
            for action, n in made.actions.items():
                self._actions[Action(action)] += n
            bundle.insert(self.db, self.audit_key, self.now, self.reviewer, self.login, first,
                          made.count, bundle_held.numbered(first, text), made.salt, prev, last,
                          record_ids)
            self._head = (first + made.count - 1, last)
            time.sleep(0)     # the listing thread, back from its statement, may go on

        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting: deque[Future] = deque()
            try:
                for first, text, record_ids, *ready in packs:     # listed here
                    waiting.append(pool.submit(write, first, text, record_ids, ready))
                    while len(waiting) > AHEAD or (waiting and waiting[0].done()):
                        waiting.popleft().result()               # its error raised here
                while waiting:
                    waiting.popleft().result()
            finally:
                for job in waiting:         # after an error: the packs after it not written
                    job.cancel()


def slim(made: Any) -> Any:
    """What a hashed pack's row needs of what it was made ready as (its salt, count, actions),
    not its parts (memory)."""
    return made._replace(refs=[], rests=[], ref_of=array("I"), rest_of=array("I"))


def _made(made: Any, text: Any, who: tuple[str, str | None, str]) -> Any:
    """A pack as made ready before the lock (kept in memory, or in a file), or made ready now
    (from its text, or from what is held of it: ``bundle_held``) with a salt of its own."""
    from reviewer.store import bundle

    if made is not None:        # or kept in a file (``halves_packs.Stored``): read back
        return made.load() if hasattr(made, "load") else made
    return bundle.prepare(*who, text if isinstance(text, str) else text.text(),
                          chain.new_salt())


def chain_packs(audit_key: int, prev: bytes | None, seq: int, packs: Sequence[Pack],
                who: tuple[str, str | None, str]) -> list[Chained]:
    """Each pack made ready (``bundle.prepare``, if it was not: ``who`` its time, login and
    reviewer), its events numbered from ``seq``, hashed onto the chain from ``prev`` in turn:
    its last hash, its compressed text and what it was made ready as."""
    out: list[Chained] = []
    for first, text, _, ready in packs:
        out.append(chain_pack(audit_key, out[-1][0] if out else prev, seq, first, text, ready,
                              who))
        seq = first + out[-1][2].count
        time.sleep(0)               # lets the other thread's SQL go on between its statements
    return out


def chain_pack(audit_key: int, prev: bytes | None, seq: int, first: int, text: Any, ready: Any,
               who: tuple[str, str | None, str]) -> Chained:
    """One pack (its ``first`` seq, due at ``seq``) made ready if it was not, hashed onto the
    chain from ``prev``: its last hash, its compressed text and what it was made ready as."""
    from reviewer.store import bundle, bundle_held

    if first != seq:
        raise RuntimeError(f"history events from {first} are out of turn")
    made = _made(ready, text, who)
    return (bundle.chain_prepared(audit_key, prev, first, made),
            bundle_held.numbered(first, text), slim(made))
