"""Packed history events (docs/evidence.md, "Packed events"): the answer and note events of a
large import's changes stored a pack at a time, one ``event`` row per pack, instead of one row
each.

A pack's row sits at the seq of its last event and holds, in ``bundle``, zlib-compressed,
``1,FIRST`` (format, first seq), ``START``, then each event as ``element`` writes it (its ref
in JSON, ``REF``, [action, question, before, after, detail] in JSON) joined by ``EVENT``. Its
``at``, ``reviewer`` and ``login`` are every packed event's, ``prev`` is the hash before its
first event and ``hash`` its last event's. Each packed event is hashed exactly as a row of its own
would be (``chain.canonical``: texts as salted commitments), the pack's random ``salt`` being
the salt of each of its events, so ``history`` shows every event with its own ``prev`` and
``hash``, recomputed as it reads, and ``verify`` checks them all. ``event_bundle_record`` lists
the records each pack names, so ``history --ref`` opens only those packs.

After disposal a pack's salt is gone and ``event_seal.bundle`` keeps its events' commitments:
the zlib-compressed JSON list of ``[ref, before, after, detail]`` commitments (hex or null),
one per event.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from reviewer.store.bundle_named import name_records
from reviewer.store.chain import VERSION, ZERO
from reviewer.store.db import Database

FORMAT = 1
PACK_MIN = 1000        # an import with fewer changed-answer events writes one row each
EVENT = "\x1e"         # between a pack's events
REF = "\x1f"           # between an event's ref and the rest of it
START = "\x1d"         # after the pack's header

Item = list[Any]       # [action, ref, question, before, after, detail]


def element(item: Sequence[Any]) -> str:
    """One event of a pack as text: its ref in JSON, ``REF``, then [action, question, before,
    after, detail] in JSON (JSON escapes every control character, so the separators cannot
    occur in either)."""
    action, ref, question, before, after, detail = item
    return (json.dumps(ref, ensure_ascii=False) + REF
            + json.dumps([action, question, before, after, detail], ensure_ascii=False))


def pack(first: int, items: Sequence[Sequence[Any]]) -> bytes:
    """A pack of ``items`` (action, ref, question, before, after, detail) numbered from
    ``first``."""
    return pack_text(first, EVENT.join(element(item) for item in items))


def pack_text(first: int, elements: str) -> bytes:
    """A pack of events given as ``element`` texts joined by ``EVENT`` (as the database writes
    them: ``store.merge_events.packs``): ``FORMAT,first`` and ``START`` before them, compressed."""
    return zlib.compress(f"{FORMAT},{first}{START}{elements}".encode(), 1)


def split(elements: str) -> list[tuple[str, str]]:
    """(ref as JSON, the rest as JSON) of each event of a pack's text."""
    return [tuple(e.split(REF, 1)) for e in elements.split(EVENT)]  # type: ignore[misc]


def unpack(blob: bytes | memoryview) -> tuple[int, list[Item]]:
    """(first seq, items) of a pack."""
    text = zlib.decompress(bytes(blob)).decode("utf-8")
    header, _, elements = text.partition(START)
    version, first = header.split(",")
    if version != str(FORMAT) or not _:
        raise ValueError(f"a packed history row of format {version[:8]!r} (this program "
                         f"reads {FORMAT})")
    refs: dict[str, str] = {}
    rests: dict[str, list[Any]] = {}
    items = []
    for ref, rest in split(elements):
        r = refs.get(ref)
        if r is None:
            r = refs[ref] = _text(json.loads(ref))
        tail = rests.get(rest)
        if tail is None:
            tail = rests[rest] = json.loads(rest)
            if not isinstance(tail, list) or len(tail) != 5 or not isinstance(tail[0], str):
                raise ValueError("a packed event of the wrong shape")
            for x in tail[1:]:
                _text(x)
        action, question, before, after, detail = tail
        items.append([action, r, question, before, after, detail])
    return int(first), items


def _text(value: Any) -> str | None:
    """A packed event's text as read: a string or null, nothing else (a pack edited behind the
    program's back is refused here, not half-read)."""
    if value is not None and not isinstance(value, str):
        raise ValueError("a packed event of the wrong shape")
    return value


def pack_seals(commits: Sequence[Sequence[str | None]]) -> bytes:
    text = json.dumps([list(c) for c in commits], separators=(",", ":"))
    return zlib.compress(text.encode("ascii"), 6)


def unpack_seals(blob: bytes | memoryview) -> list[list[str | None]]:
    return json.loads(zlib.decompress(bytes(blob)).decode("ascii"))


class Commits:
    """The commitments of a pack's texts under its one salt, each distinct text hashed once."""

    def __init__(self, salt: bytes):
        self.salt, self.memo = salt, {}

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        found = self.memo.get(text)
        if found is None:
            found = self.memo[text] = hashlib.sha256(self.salt + text.encode("utf-8")).hexdigest()
        return found

    def of(self, item: Sequence[Any]) -> list[str | None]:
        return [self(item[1]), self(item[3]), self(item[4]), self(item[5])]


def hashes(audit_key: int, at: str, login: str | None, reviewer: str, prev: bytes | None,
           first: int, items: Sequence[Sequence[Any]], salt: bytes | None = None,
           seals: Sequence[Sequence[str | None]] | None = None) -> Iterator[bytes]:
    """Each packed event's hash in turn, chained from ``prev``: its texts committed under
    ``salt``, or (after disposal) taken from ``seals``. The bytes hashed are exactly
    ``chain.canonical``'s (a test holds them equal). Written out flat: this loop runs once per
    changed answer of a large import (docs/performance.md, "Packed history events")."""
    sha = hashlib.sha256
    head = f"[{VERSION},{int(audit_key)},"
    who = (at, login, reviewer)
    middles: dict[tuple[str, str | None], str] = {}
    memo: dict[str | None, str] = {None: "null"}
    quoted = Commits(salt) if salt is not None else None
    prev = prev or ZERO
    for i, item in enumerate(items):
        action, ref, question, before, after, detail = item
        mid = middles.get((action, question))
        if mid is None:
            mid = middles[(action, question)] = json.dumps(
                [*who, action, question], ensure_ascii=False, separators=(",", ":"))[1:-1]
        if quoted is not None:
            c1, c2, c3, c4 = (memo.get(ref), memo.get(before), memo.get(after),
                              memo.get(detail))
            if c1 is None:
                c1 = memo[ref] = f'"{quoted(ref)}"'
            if c2 is None:
                c2 = memo[before] = f'"{quoted(before)}"'
            if c3 is None:
                c3 = memo[after] = f'"{quoted(after)}"'
            if c4 is None:
                c4 = memo[detail] = f'"{quoted(detail)}"'
        else:
            c1, c2, c3, c4 = ("null" if x is None else f'"{x}"'
                              for x in seals[i])          # type: ignore[index]
        prev = sha(prev + f"{head}{first + i},{mid},{c1},{c2},{c3},{c4},null]".encode()
                   ).digest()
        yield prev


class Prepared(NamedTuple):
    """A pack's events made ready to hash before their seqs and the chain's head are known
    (``prepare``): everything but those, each distinct part encoded once."""
    salt: bytes
    refs: list[bytes]                   # distinct ref commitments, as canonical JSON writes them
    rests: list[tuple[bytes, bytes]]    # distinct (",who,action,question,", ",texts,null]")
    ref_of: array                       # per event: its ref's index
    rest_of: array                      # per event: its rest's index
    actions: Counter[str]
    count: int


def _ref_text(ref: str) -> str | None:
    """A ref as the pack's JSON gives it: a plain quoted string read without a parser."""
    if len(ref) > 1 and ref[0] == '"' and "\\" not in ref:
        return ref[1:-1]
    return json.loads(ref)


class _Commits(dict):
    """Each distinct text's commitment under a pack's salt, as canonical JSON quotes it, made
    the first time the text is looked up (a look-up that finds it is C's alone)."""

    def __init__(self, salt: bytes):
        super().__init__({None: "null"})
        self.salt = salt

    def __missing__(self, text: str) -> str:
        found = self[text] = f'"{hashlib.sha256(self.salt + text.encode("utf-8")).hexdigest()}"'
        return found


def prepare(at: str, login: str | None, reviewer: str, elements: str, salt: bytes) -> Prepared:
    """A pack given as its text (``merge_events.packs``) made ready for :func:`chain_prepared`,
    with no Python step per event but look-ups mapped in C: each distinct ref, rest of an
    event, text and (action, question) decoded, committed or encoded once; the distinct rests
    decoded in one call of the JSON reader."""
    parts = elements.replace(REF, EVENT).split(EVENT)     # ref, rest, ref, rest ...
    refs, rests = parts[0::2], parts[1::2]
    ref_at = {ref: i for i, ref in enumerate(dict.fromkeys(refs))}
    rest_at = {rest: i for i, rest in enumerate(dict.fromkeys(rests))}
    parsed = json.loads("[" + ",".join(rest_at) + "]")
    quoted = _Commits(salt)
    ref_parts = [quoted[_ref_text(ref)].encode() for ref in ref_at]
    mids = {pair: ",{},".format(json.dumps([at, login, reviewer, *pair], ensure_ascii=False,
                                           separators=(",", ":"))[1:-1]).encode()
            for pair in dict.fromkeys(map(itemgetter(0, 1), parsed))}   # one per action, question
    rest_parts = [(mids[action, question], f",{quoted[before]},{quoted[after]},"
                   f"{quoted[detail]},null]".encode())
                  for action, question, before, after, detail in parsed]
    count = len(rests)
    notes = elements.count(REF + '["note"')        # JSON puts no space after "["
    actions = Counter({"answer": count - notes, "note": notes})
    return Prepared(salt, ref_parts, rest_parts, array("I", map(ref_at.__getitem__, refs)),
                    array("I", map(rest_at.__getitem__, rests)), +actions, count)


def chain_prepared(audit_key: int, prev: bytes | None, first: int, ready: Prepared) -> bytes:
    """The last hash of a prepared pack's events numbered from ``first``, chained from
    ``prev``: the bytes hashed are exactly ``chain.canonical``'s. The part of a large import
    that runs under the write lock (docs/performance.md, "Imports and scorers"): one join and
    one SHA-256 per event."""
    sha, join = hashlib.sha256, b"".join
    head = f"[{VERSION},{int(audit_key)},".encode()
    digest = prev or ZERO
    seq = first
    for ref, (mid, later) in zip(map(ready.refs.__getitem__, ready.ref_of),
                                 map(ready.rests.__getitem__, ready.rest_of), strict=True):
        digest = sha(join((digest, head, b"%d" % seq, mid, ref, later))).digest()
        seq += 1
    return digest


def events(audit_key: int, at: str, login: str | None, reviewer: str, prev: bytes | None,
           blob: bytes | memoryview, salt: bytes | None, sealed: bytes | None,
           stored_hash: bytes | None) -> Iterator[tuple[int, Item, bytes | None, bytes | None]]:
    """Each packed event of a row: (seq, item, prev, hash). Where the texts can no longer be
    committed (no salt, no seal: a row blanked behind the program's back) the hashes are
    unknown (None) but the last one, which is stored."""
    first, items = unpack(blob)
    if salt is not None or sealed is not None:
        seals = unpack_seals(sealed) if salt is None and sealed is not None else None
        chained = hashes(audit_key, at, login, reviewer, prev, first, items,
                         bytes(salt) if salt is not None else None, seals)
        for i, (item, digest) in enumerate(zip(items, chained, strict=True)):
            yield first + i, item, prev, digest
            prev = digest
        return
    for i, item in enumerate(items):
        yield (first + i, item, prev if i == 0 else None,
               stored_hash if i == len(items) - 1 else None)


def insert(db: Database, audit_key: int, at: str, reviewer: str, login: str | None, first: int,
           count: int, packed: bytes, salt: bytes, prev: bytes | None, last_hash: bytes,
           record_ids: Sequence[int] | None) -> None:
    """Append one pack of ``count`` events (its row at the seq of its last event) and the
    records it names (None: named later, with others, by :func:`name_records`)."""
    seq = first + count - 1
    db.execute("INSERT INTO event (audit_id, seq, at, reviewer, action, ref, question, before, "
               "after, detail, login, salt, prev, hash, rows, bundle) "
               "VALUES (?, ?, ?, ?, 'answer', NULL, NULL, NULL, NULL, '', ?, ?, ?, ?, NULL, ?)",
               (audit_key, seq, at, reviewer, login, salt, prev, last_hash, packed))
    if record_ids is not None:
        name_records(db, audit_key, [(int(r), seq) for r in record_ids])


def seqs_naming(db: Database, audit_id: int, ref: str) -> list[int]:
    """The packs that name the record ``ref`` (by the seq of their row)."""
    return [int(r[0]) for r in db.all(
        "SELECT b.seq FROM event_bundle_record b JOIN record r ON r.id = b.record_id "
        "WHERE b.audit_id = ? AND r.audit_id = ? AND r.ref = ? ORDER BY b.seq",
        (audit_id, audit_id, ref))]
