"""``reviewer verify``: recompute an audit's hash chain and replay its history against the
stored answers (docs/evidence.md, "Tamper evidence").

The first problem found is reported as ``broken at event SEQ: changed|missing|inserted``:

* ``changed`` — an event whose stored hash is not the hash of its content (or whose texts were
  blanked with no ``dispose`` event after them), or an answer stored that the history does not
  give (SEQ is then the event that gave the answer the history knows);
* ``missing`` — a gap in the seqs, or a ``--head`` the chain no longer reaches (SEQ is the
  first event not there);
* ``inserted`` — an event whose own hash is consistent but that the next event does not link
  to (a row slipped in between).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from reviewer.errors import ReviewerError
from reviewer.store import chain
from reviewer.store.db import Database

VALUE_ACTIONS = ("answer", "adjudicate", "undo")     # events that set an answer's value


class ChainBroken(ReviewerError):
    def __init__(self, seq: int, kind: str, why: str = ""):
        self.seq, self.kind, self.why = seq, kind, why
        super().__init__(self.line + (f" ({why})" if why else ""))

    @property
    def line(self) -> str:
        return f"broken at event {self.seq}: {self.kind}"


@dataclass
class Verified:
    events: int
    head: bytes | None

    @property
    def head_hex(self) -> str:
        return self.head.hex() if self.head else "none"


_COLUMNS = ("e.seq, e.at, e.login, e.reviewer, e.action, e.ref, e.question, e.before, e.after, "
            "e.detail, e.salt, e.prev, e.hash, e.rows, s.seq, s.ref, s.before, s.after, s.detail")


def verify_chain(db: Database, audit_key: int, head: bytes | None = None) -> Verified:
    """Check the chain of one audit (0: the database's own events); with ``head``, check that
    the chain still reaches it."""
    disposed = db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ? AND action = 'dispose'",
                         (audit_key,))
    expected_seq, prev, prev_prev, last_seq = 1, None, None, 0
    seen_head = head is None
    n = 0
    for (seq, at, login, reviewer, action, ref, question, before, after, detail, salt, stored_prev,
         stored_hash, rows, sealed, *seal) in _events(db, audit_key):
        stored_prev = bytes(stored_prev) if stored_prev is not None else None
        stored_hash = bytes(stored_hash) if stored_hash is not None else None
        if seq != expected_seq:
            raise ChainBroken(expected_seq, "missing" if seq > expected_seq else "inserted")
        if stored_prev != prev:
            if n and stored_prev == prev_prev:
                raise ChainBroken(last_seq, "inserted")
            raise ChainBroken(seq, "changed", "its link to the event before")
        if salt is not None:
            commits = chain.commitments(bytes(salt), ref, before, after, detail)
        elif sealed is not None and disposed is not None and disposed > seq:
            commits = [chain.hex_or_none(c) for c in seal]
        else:
            raise ChainBroken(seq, "changed", "its texts were removed without a disposal")
        body = chain.canonical(audit_key, seq, at, login, reviewer, action, question, commits,
                               bytes(rows) if rows is not None else None)
        digest = chain.event_hash(stored_prev, body)
        if stored_hash is None or not hmac.compare_digest(digest, stored_hash):
            raise ChainBroken(seq, "changed")
        if head is not None and digest == head:
            seen_head = True
        prev_prev, prev, last_seq = prev, digest, seq
        expected_seq += 1
        n += 1
    if not seen_head:
        raise ChainBroken(expected_seq, "missing", "the chain no longer reaches the head given")
    return Verified(n, prev)


def _events(db: Database, audit_key: int):
    """The chain's events in seq order with their seals (a disposed event's commitments), read
    a batch at a time (keyset on the primary key: memory stays flat at millions of events,
    docs/performance.md)."""
    last = 0
    while True:
        batch = db.all(f"SELECT {_COLUMNS} FROM event e LEFT JOIN event_seal s "
                       "ON s.audit_id = e.audit_id AND s.seq = e.seq WHERE e.audit_id = ? "
                       f"AND e.seq > ? ORDER BY e.seq LIMIT {BATCH}", (audit_key, last))
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1][0]


BATCH = 2000         # events read at a time


def replay_answers(db: Database, audit_id: int) -> None:
    """Every stored answer must be the one the history gives (an import's rows, then each
    answer, undo and adjudication event in order). The history's cells go to a temporary
    table (``store.replay``) and the database finds the first wrong one: no cell is held in
    memory (docs/performance.md)."""
    from reviewer.store.replay import first_wrong

    found = first_wrong(db, audit_id)
    if found is not None:
        rid, qid, got, want, seq = found
        ref = db.one("SELECT ref FROM record WHERE id = ? AND audit_id = ?", (rid, audit_id))
        raise ChainBroken(seq, "changed",
                          f"answer {ref[0] if ref else rid} question {qid} is "
                          f"{_shown(got)} in the database but {_shown(want)} in the history")


def _shown(label: str | None) -> str:
    return "blank" if label is None else repr(label)


def audit_keys(db: Database) -> list[tuple[int, str]]:
    """Every chain in the database: each audit's, then the database's own (key 0) if any."""
    out = [(int(i), str(n)) for i, n in db.all("SELECT id, name FROM audit ORDER BY id")]
    if db.scalar("SELECT 1 FROM event WHERE audit_id = 0 LIMIT 1"):
        out.append((0, "(the database)"))
    return out
