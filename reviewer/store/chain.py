"""The history's hash chain (docs/evidence.md, "Tamper evidence"): what each event commits to.

Every event stores ``salt`` (16 random bytes), ``prev`` (the ``hash`` of the audit's event
before it; NULL for the first) and ``hash`` = SHA-256(prev ‖ canonical JSON of the event). In
the canonical JSON every text — ``ref``, ``before``, ``after``, ``detail`` — enters only as its
commitment SHA-256(salt ‖ text), so disposal can delete a text *and its salt* and keep the
commitment (table ``event_seal``): the chain still verifies and a short text cannot be guessed
back from its digest. An import event also commits the SHA-256 of its ``rows`` (the answers
it brought to blank cells, compressed), from which ``verify`` replays every stored answer.

Hashes, salts and rows are stored as bytes (BLOB / bytea) and printed as hex.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

SALT_BYTES = 16
ZERO = b"\0" * 32
VERSION = 1          # of the canonical form


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def commit(salt: bytes, text: str | None) -> str | None:
    """SHA-256(salt ‖ text) in hex; None for a blank (NULL) text."""
    if text is None:
        return None
    return hashlib.sha256(salt + text.encode("utf-8")).hexdigest()


def commitments(salt: bytes, ref: str | None, before: str | None, after: str | None,
                detail: str | None) -> list[str | None]:
    return [commit(salt, ref), commit(salt, before), commit(salt, after), commit(salt, detail)]


def canonical(audit_id: int, seq: int, at: str, login: str | None, reviewer: str, action: str,
              question: str | None, commits: Sequence[str | None],
              rows: bytes | None) -> bytes:
    """The bytes an event's hash is taken over (its texts as commitments)."""
    doc = [VERSION, audit_id, seq, at, login, reviewer, action, question, *commits,
           hashlib.sha256(rows).hexdigest() if rows is not None else None]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(prev: bytes | None, body: bytes) -> bytes:
    return hashlib.sha256((prev or ZERO) + body).digest()


class Chainer:
    """``canonical`` and ``event_hash`` for the many events of one transaction (an import
    writes one per changed answer: docs/performance.md): the parts every event shares are
    encoded once, each event is one format and five SHA-256 calls, and the salts come from one
    ``os.urandom`` call per batch. The bytes are exactly ``canonical``'s (a test holds them
    equal for any text)."""

    def __init__(self, audit_id: int, at: str, login: str | None, reviewer: str):
        self.who = (at, login, reviewer)
        self.head = f"[{VERSION},{int(audit_id)},"
        self.middles: dict[tuple[str, str | None], str] = {}

    def _middle(self, action: str, question: str | None) -> str:
        key = (action, question)
        found = self.middles.get(key)
        if found is None:
            found = self.middles[key] = json.dumps([*self.who, action, question],
                                                   ensure_ascii=False,
                                                   separators=(",", ":"))[1:-1]
        return found

    def chain(self, prev: bytes | None, events: Sequence[tuple],
              given: Sequence[bytes | None] = ()) -> list[tuple[bytes, bytes]]:
        """(salt, hash) of each event (seq, action, ref, question, before, after, detail,
        rows) in turn, each chained to the one before (``prev``: the hash before the first).
        ``given``: the salts of the first events where chosen before (a salt is still used
        once: an event hashed ahead of the write lock, ``ops.import_merge``), new otherwise.
        Written out flat: this loop runs once per changed answer of an import."""
        sha, head, middles = hashlib.sha256, self.head, self.middles
        salts = os.urandom(SALT_BYTES * len(events))
        out = []
        at = 0
        for i, (seq, action, ref, question, before, after, detail, rows) in enumerate(events):
            salt = (given[i] if i < len(given) else None) or salts[at:at + SALT_BYTES]
            at += SALT_BYTES
            mid = middles.get((action, question)) or self._middle(action, question)
            c1 = "null" if ref is None else f'"{sha(salt + ref.encode()).hexdigest()}"'
            c2 = "null" if before is None else f'"{sha(salt + before.encode()).hexdigest()}"'
            c3 = "null" if after is None else f'"{sha(salt + after.encode()).hexdigest()}"'
            c4 = "null" if detail is None else f'"{sha(salt + detail.encode()).hexdigest()}"'
            r = "null" if rows is None else f'"{sha(rows).hexdigest()}"'
            prev = sha((prev or ZERO)
                       + f"{head}{seq},{mid},{c1},{c2},{c3},{c4},{r}]".encode()).digest()
            out.append((salt, prev))
        return out


def hex_or_none(value: bytes | memoryview | None) -> str | None:
    return bytes(value).hex() if value is not None else None


# -- an import's rows ---------------------------------------------------------------------------
# zlib's level for an import's rows: its default, 6. Level 1 packed a 100,000-record first
# import's 9.2 MB of rows into 1.54 MB in 0.05 s, level 6 into 0.84 MB in 0.18 s, done before
# the write lock (docs/performance.md, "An import's rows packed smaller")
ROWS_LEVEL = 6


def pack_rows(rows_json: str) -> bytes:
    """An import's rows — a JSON list of [record id, question id, answer as in answer tables],
    built by the database (``store.import_rows.given_rows``) — compressed."""
    return zlib.compress(rows_json.encode("utf-8"), ROWS_LEVEL)


def pack_parts(parts: Iterable[str]) -> bytes:
    """``pack_rows`` of the pieces' concatenation, compressed as they come (an import's rows
    are read in batches: docs/performance.md): the same bytes, without the whole text."""
    packer = zlib.compressobj(ROWS_LEVEL)
    out = [packer.compress(part.encode("utf-8")) for part in parts]
    out.append(packer.flush())
    return b"".join(out)


def listed(*groups: tuple[Iterable[str], str]) -> Iterator[str]:
    """The pieces of one JSON list: each group's chunks (runs of elements, as a database
    aggregate writes them without the brackets) joined by the group's separator, the groups
    by a comma. ``pack_parts`` packs them."""
    yield "["
    started = False
    for chunks, sep in groups:
        joiner = "," if started else ""
        for chunk in chunks:
            yield joiner + chunk
            joiner, started = sep, True
    yield "]"


def unpack_rows(blob: bytes | memoryview) -> list[list[Any]]:
    return json.loads(zlib.decompress(bytes(blob)).decode("utf-8"))


_CHUNK = 1 << 18     # compressed bytes read at a time by iter_rows


def iter_rows(blob: bytes | memoryview) -> Iterator[list[Any]]:
    """``unpack_rows``'s rows one at a time, decompressed and parsed a piece at a time
    (``verify`` at a million records: docs/performance.md)."""
    data, unzip = memoryview(bytes(blob)), zlib.decompressobj()
    text, decoder = codecs.getincrementaldecoder("utf-8")(), json.JSONDecoder()
    buf, at, started, fed = "", 0, False, 0
    while True:
        done = fed >= len(data) and not unzip.unconsumed_tail
        if unzip.unconsumed_tail:
            piece = unzip.decompress(unzip.unconsumed_tail, _CHUNK * 8)
        elif not done:
            piece = unzip.decompress(data[fed:fed + _CHUNK], _CHUNK * 8)
            fed += _CHUNK
        else:
            piece = unzip.flush()
        buf = buf[at:] + text.decode(piece, final=done)
        at = 0
        while True:
            at = _skip(buf, at, ",")
            if at >= len(buf):
                break
            if not started:
                if buf[at] != "[":
                    raise ValueError("an import's rows are not a JSON list")
                started, at = True, at + 1
                continue
            if buf[at] == "]":
                return
            try:
                row, at = decoder.raw_decode(buf, at)
            except json.JSONDecodeError:
                if done:
                    raise
                break
            yield row
        if done:
            raise ValueError("an import's rows end too soon")


def _skip(buf: str, at: int, also: str) -> int:
    while at < len(buf) and (buf[at].isspace() or buf[at] in also):
        at += 1
    return at


def combined_head(heads: Sequence[bytes]) -> bytes:
    """One head for several chains (``verify`` of a whole database): SHA-256 over each audit's
    head in audit order."""
    return hashlib.sha256(b"".join(heads)).digest()
