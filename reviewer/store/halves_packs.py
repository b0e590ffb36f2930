"""SQLite: an updating import's packs of events made ready in two halves at once (docs/
performance.md, "The packs of events made ready in two halves"). Making a pack ready to hash
(``bundle.prepare``: each distinct text committed, each event's parts encoded) is Python's
work, one processor's in a process; where every answer's text is its own it is most of a
re-import. So the import's helper process (``store.halves``) lists the second half of the packs
from the scratch database and makes them ready (:func:`make`), each written as a row of a file
of its own, while the importing process lists and makes ready the first half; the importing
process's thread that hashes the packs then reads those rows in turn (:func:`read`), each
pack's parts split out of a few joined strings by C, no Python step per event."""

from __future__ import annotations

import json
import os
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

SEP = b"\x1e"       # between joined parts: JSON escapes every control character, hex has none
TABLE = "ready_packs"
COLUMNS = ("seq INTEGER PRIMARY KEY, held BLOB, rids TEXT, salt BLOB, count INTEGER, "
           "actions TEXT, refs BLOB, mids BLOB, rest_mid BLOB, laters BLOB, ref_of BLOB, "
           "rest_of BLOB")


def make(scratch: str, out: str, sql: str, params: Sequence[Any],
         bounds: Sequence[Sequence[int]], who: Sequence[Any]) -> None:
    """The helper's job: for each pack (its first seq, its first and last record key) its text
    and records listed by ``sql`` (``params`` then the two keys) from the scratch database's
    working tables (the file ``scratch``, committed), made ready with ``who`` (time, login,
    reviewer) and a salt of its own, and written into the file ``out`` (made afresh)."""
    from reviewer.store import bundle
    from reviewer.store.chain import new_salt

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("ATTACH ? AS scratch", (scratch,))
        conn.execute("ATTACH ? AS out", (out,))
        conn.execute("PRAGMA out.synchronous=OFF")       # written whole, read once
        conn.execute(f"DROP TABLE IF EXISTS out.{TABLE}")
        conn.execute(f"CREATE TABLE out.{TABLE} ({COLUMNS})")
        at, login, reviewer = who
        for seq, low, high in bounds:
            text, rids = conn.execute(sql, (*params, low, high)).fetchone()
            made = bundle.prepare(at, login, reviewer, str(text), new_salt())
            conn.execute(f"INSERT INTO out.{TABLE} VALUES ({', '.join('?' * 12)})",
                         (seq, bundle.pack_text(seq, str(text)), str(rids), made.salt,
                          made.count, json.dumps(dict(made.actions)), *_joined(made)))
    finally:
        conn.close()


def _joined(made: Any) -> tuple[bytes, ...]:
    """A pack made ready as a few strings: its refs, its distinct mids, each rest's mid, its
    rests' later parts, and its two arrays."""
    mid_at: dict[bytes, int] = {}
    rest_mid = array("I", (mid_at.setdefault(mid, len(mid_at)) for mid, _ in made.rests))
    return (SEP.join(made.refs), SEP.join(mid_at), rest_mid.tobytes(),
            SEP.join(later for _, later in made.rests), made.ref_of.tobytes(),
            made.rest_of.tobytes())


def read(path: str) -> Iterator[tuple[int, Any, list[int], Any]]:
    """The packs :func:`make` wrote, in seq order, as the importing process holds a pack: its
    first seq, held compressed (``bundle_held.Held``), the records it names, and what it was
    made ready as (``bundle.Prepared``). Read on a connection of its own (the calling thread's)."""
    from reviewer.store.bundle_held import Held

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for seq, held, rids, *made in conn.execute(f"SELECT * FROM {TABLE} ORDER BY seq"):
            yield int(seq), Held(int(seq), bytes(held)), [int(r) for r in rids.split(",")], \
                _prepared(*made)
    finally:
        conn.close()


def _prepared(salt: bytes, count: int, actions: str, refs: bytes, mids: bytes,
              rest_mid: bytes, laters: bytes, ref_of: bytes, rest_of: bytes) -> Any:
    """A pack made ready (``bundle.Prepared``) from its row's joined parts."""
    from reviewer.store.bundle import Prepared

    of_mid = _ints(rest_mid)
    rests = list(zip(map(bytes(mids).split(SEP).__getitem__, of_mid), bytes(laters).split(SEP),
                     strict=True))
    return Prepared(bytes(salt), bytes(refs).split(SEP), rests, _ints(ref_of), _ints(rest_of),
                    Counter(json.loads(actions)), int(count))


class Stored(NamedTuple):
    """A pack made ready and kept in a file (:func:`make`'s, or a :class:`Spill`) instead of in
    memory, past what is kept there (``bundle_held.HELD_MAX``): read back by its first seq as
    it was numbered then, should the lock have to hash it again (docs/performance.md, "Packs
    made ready kept in a file")."""
    path: str
    seq: int

    def load(self) -> Any:
        """The pack as it was made ready (``bundle.Prepared``), on a connection of its own."""
        if not os.path.exists(self.path):       # (connect would make an empty file)
            raise RuntimeError(f"the pack of events from {self.seq}: {self.path} is gone")
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            row = conn.execute("SELECT salt, count, actions, refs, mids, rest_mid, laters, "
                               f"ref_of, rest_of FROM {TABLE} WHERE seq = ?",
                               (self.seq,)).fetchone()
        finally:
            conn.close()
        if row is None:
            raise RuntimeError(f"the pack of events from {self.seq} is not in {self.path}")
        return _prepared(*row)


class Spill:
    """The importing process's own packs made ready past what is kept in memory, written to
    the file ``path`` (made afresh) as :func:`make` writes the helper's: one connection, used
    by the one thread that makes them ready."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.failed = False

    def keep(self, seq: int, made: Any) -> Stored | None:
        """The pack kept in the file; None where it cannot be written (a full disk, say):
        it is then made ready again should the lock hash it again, as are those after it."""
        if self.failed:
            return None
        try:
            if self.conn is None:
                self.conn = sqlite3.connect(self.path, isolation_level=None)
                self.conn.execute("PRAGMA synchronous=OFF")   # written whole, read at most once
                self.conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
                self.conn.execute(f"CREATE TABLE {TABLE} ({COLUMNS})")
            self.conn.execute(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * 12)})",
                              (seq, b"", "", made.salt, made.count,
                               json.dumps(dict(made.actions)), *_joined(made)))
        except sqlite3.Error:
            self.failed = True
            self.close()
            return None
        return Stored(self.path, seq)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _ints(blob: bytes) -> array:
    out = array("I")
    out.frombytes(blob)
    return out
