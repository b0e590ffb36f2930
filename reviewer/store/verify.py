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
import zlib
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
            "e.detail, e.salt, e.prev, e.hash, e.rows, e.bundle, s.bundle, s.seq, s.ref, "
            "s.before, s.after, s.detail")


def verify_chain(db: Database, audit_key: int, head: bytes | None = None) -> Verified:
    """Check the chain of one audit (0: the database's own events); with ``head``, check that
    the chain still reaches it."""
    disposed = db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ? AND action = 'dispose'",
                         (audit_key,))
    expected_seq, prev, prev_prev, last_seq = 1, None, None, 0
    seen_head = head is None
    n = 0
    for (seq, at, login, reviewer, action, ref, question, before, after, detail, salt, stored_prev,
         stored_hash, rows, packed, packed_seal, sealed, *seal) in _events(db, audit_key):
        stored_prev = bytes(stored_prev) if stored_prev is not None else None
        stored_hash = bytes(stored_hash) if stored_hash is not None else None
        items = _items(seq, packed, expected_seq) if packed is not None else None
        first = seq if items is None else seq - len(items) + 1
        if first != expected_seq:
            raise ChainBroken(expected_seq, "missing" if first > expected_seq else "inserted")
        if stored_prev != prev:
            if n and stored_prev == prev_prev:
                raise ChainBroken(last_seq, "inserted")
            raise ChainBroken(first, "changed", "its link to the event before")
        if packed is not None:
            if salt is None and (packed_seal is None or disposed is None or disposed <= seq):
                raise ChainBroken(first, "changed", "its texts were removed without a disposal")
            digests = _packed(audit_key, at, login, reviewer, stored_prev, items, salt,
                              packed_seal, stored_hash, first)
            if head is not None and head in digests:
                seen_head = True
            prev_prev, prev, last_seq = (digests[-2] if len(digests) > 1 else prev), \
                digests[-1], seq
            expected_seq = seq + 1
            n += len(digests)
            continue
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


def _items(seq: int, packed: bytes, expected: int) -> list:
    """The events of a pack's row (``store.bundle``), which sits at the seq of its last. A pack
    that cannot be read is broken at its first event as far as the chain goes (``expected``:
    docs/evidence.md, "Packed events")."""
    from reviewer.store import bundle

    try:
        first, items = bundle.unpack(packed)
    except (ValueError, TypeError, zlib.error) as e:
        raise ChainBroken(min(expected, seq), "changed",
                          f"a pack of events cannot be read: {e}") from None
    if not items or first != seq - len(items) + 1:
        raise ChainBroken(min(expected, seq), "changed",
                          "a pack of events does not end at its row")
    return items


def _packed(audit_key: int, at: str, login: str | None, reviewer: str, prev: bytes | None,
            items: list, salt: bytes | None, sealed: bytes | None,
            stored_hash: bytes | None, first: int) -> list[bytes]:
    """Every hash of a pack of events, the last checked against the row's."""
    from reviewer.store import bundle

    try:
        seals = None if salt is not None else bundle.unpack_seals(sealed)
        if seals is not None and len(seals) != len(items):
            raise ValueError("its sealed commitments do not match its events")
        digests = list(bundle.hashes(audit_key, at, login, reviewer, prev, first, items,
                                     bytes(salt) if salt is not None else None, seals))
    except (ValueError, TypeError, IndexError, zlib.error) as e:
        raise ChainBroken(first, "changed", f"a pack of events cannot be read: {e}") from None
    if stored_hash is None or not hmac.compare_digest(digests[-1], stored_hash):
        raise ChainBroken(first, "changed")
    return digests


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
    answer, undo and adjudication event in order), and every pack of events must list the
    records it names (``history --ref`` reads them). The history's cells go to a temporary
    table (``store.replay``) and the database finds the first wrong one: no cell is held in
    memory (docs/performance.md)."""
    from reviewer.store import replay

    end = replay.listed_past_end(db, audit_id)
    if end is not None:
        raise ChainBroken(end, "missing", "a pack of events that event_bundle_record lists is "
                          "not there")
    try:
        found = replay.first_wrong(db, audit_id)
    except replay.RowsUnreadable as e:
        raise ChainBroken(e.seq, "changed", f"an import's rows cannot be read: {e}") from None
    if found is not None:
        rid, qid, got, want, seq = found
        ref = db.one("SELECT ref FROM record WHERE id = ? AND audit_id = ?", (rid, audit_id))
        raise ChainBroken(seq, "changed",
                          f"answer {ref[0] if ref else rid} question {qid} is "
                          f"{_shown(got)} in the database but {_shown(want)} in the history")
    # after the replay: the other way round, its temporary table slowed the replay 2x at 100k
    unlisted = replay.first_unlisted(db, audit_id)
    if unlisted is not None:            # ``history --ref`` would not show its events
        raise ChainBroken(unlisted, "changed", "the records listed for a pack of events are "
                          "not those it names")


def _shown(label: str | None) -> str:
    return "blank" if label is None else repr(label)


def audit_keys(db: Database) -> list[tuple[int, str]]:
    """Every chain in the database: each audit's, then the database's own (key 0) if any."""
    out = [(int(i), str(n)) for i, n in db.all("SELECT id, name FROM audit ORDER BY id")]
    if db.scalar("SELECT 1 FROM event WHERE audit_id = 0 LIMIT 1"):
        out.append((0, "(the database)"))
    return out
