"""SQLite, before the write lock: an updating import's packs of events listed, made ready and
hashed ahead (docs/performance.md, "The events hashed ahead of the lock", "Packs of events
held compressed" and "The packs of events made ready in two halves"). This thread lists
them (SQL) and a thread of its own makes each one ready (``bundle.prepare``: Python's work);
where the import has a helper process (``store.halves``), the helper lists and makes ready the
second half meanwhile (``store.halves_packs``) and the thread reads them from its file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from queue import SimpleQueue
from typing import Any, NamedTuple

from reviewer.ops.appending import Ahead, Chained, Pack, chain_pack, chain_packs
from reviewer.store import bundle, bundle_held, chain, halves, halves_packs
from reviewer.store.db import Database

MIN_PACKS = 8       # fewer packs: all made ready here (the helper's part would be too small)


class Own(NamedTuple):
    """The import's own event (seq, action, ref, question, before, after, detail, rows), hashed
    first: the packs are hashed after it from then on (None: they are not hashed ahead)."""
    event: tuple | None


class Made(NamedTuple):
    """Packs made ready by the helper process, as ``halves_packs.read`` gives them, the first
    seq of each one asked for (every one is to be there, in turn), and the file they are in."""
    packs: Iterable[Pack]
    firsts: list[int]
    path: str


def feed_packs(db: Database, feed: SimpleQueue, sql: str, params: list[str], first_seq: int,
               who: tuple[str, str | None, str], own: Callable[[], tuple | None]) -> None:
    """Put on ``feed`` each pack of the merge's events from ``first_seq``
    (``merge_row_events.listing``'s ``sql`` and ``params``), then :class:`Own` with ``own()``'s
    event, in seq order: the first half listed here while the helper, if any, makes the second
    half ready, then that half (:class:`Made`, or listed here too where the helper failed).
    ``None`` ends the feed, whatever happens."""
    from reviewer.store import merge
    from reviewer.store import merge_row_events as row_events

    try:
        _spill_first(db, feed)
        bounds = row_events.bounds(db, first_seq, merge.EVENT_BATCH)
        half = len(bounds) // 2 if len(bounds) >= MIN_PACKS else len(bounds)
        out = halves.ask_packs(db, sql, params, bounds[half:], who) if half < len(bounds) else None
        for pack in bounds[:half] if out is not None else bounds:
            feed.put(row_events.pack(db, sql, params, *pack))
        feed.put(Own(own()))
        if out is not None:
            if halves.packs_done(db):
                feed.put(Made(halves_packs.read(out), [seq for seq, _, _ in bounds[half:]], out))
            else:
                for pack in bounds[half:]:
                    feed.put(row_events.pack(db, sql, params, *pack))
    finally:
        feed.put(None)


def feed_listed(db: Database, feed: SimpleQueue, texts: Iterable[Any] | None,
                own: Callable[[], tuple | None]) -> None:
    """Put on ``feed`` each pack ``texts`` lists (``merge_events.packs``: a merge made cell by
    cell), then :class:`Own` with ``own()``'s event; ``None`` ends the feed, whatever
    happens."""
    try:
        _spill_first(db, feed)
        for pack in texts or ():
            feed.put(pack)
        feed.put(Own(own()))
    finally:                    # the thread's end, even if listing failed
        feed.put(None)


def _spill_first(db: Database, feed: SimpleQueue) -> None:
    """Where packs past what memory keeps are to be kept (``halves_packs.Spill``): a file in
    the import's scratch folder, if it has one."""
    if db.scratch_file is not None:
        feed.put(halves_packs.Spill(os.path.join(os.path.dirname(db.scratch_file), "spill.db")))


def made_ready(feed: Iterator[Any], audit_key: int, who: tuple[str, str | None, str],
               head: bytes | None) -> tuple[list[Pack], bytes | None, Ahead | None]:
    """In a thread of its own: each pack on ``feed`` (first seq, text, records named; or
    :class:`Made`) held compressed (``bundle_held.Held``) and made ready (``bundle.prepare``),
    what it was made ready as kept while what is kept stays under ``bundle_held.HELD_MAX``
    (memory). Once :class:`Own` gives the import's own event, that event is hashed onto the
    chain's ``head`` as it is now with a salt chosen here, then each pack so far and each one
    after it as it comes (one past what memory keeps is kept in a file: the helper's, or the
    :class:`halves_packs.Spill` the feed gives first, if any; else made ready again from its
    held text should it be hashed again): the packs,
    that salt, and what ``Appending.append_packs_while`` takes if under the lock the import's
    event, given that salt, hashes the same."""
    out: list[Pack] = []
    room, salt, start, last, seq = bundle_held.HELD_MAX, None, None, None, 0
    done: list[Chained] | None = None          # once hashing: each pack hashed
    spill: halves_packs.Spill | None = None    # packs past what memory keeps, in a file

    def take(first: int, held: bundle_held.Held, rids: list[int], made: Any,
             stored: halves_packs.Stored | None) -> None:
        nonlocal room, last, seq
        if done is not None:
            done.append(chain_pack(audit_key, last, seq, first, held, made, who))
            last, seq = done[-1][0], first + done[-1][2].count
        if room > 0 or made is None:
            kept = made
            room -= bundle_held.size(made) if made is not None else 0
        else:       # past it: in a file, read back should the lock hash the packs again
            kept = stored or (spill.keep(first, made) if spill is not None else None)
        out.append((first, held, rids, kept))

    try:
        for item in feed:
            if isinstance(item, halves_packs.Spill):
                spill = item
                continue
            if isinstance(item, Own):
                if item.event is not None:
                    salt = chain.new_salt()
                    [(_, start)] = chain.Chainer(audit_key, *who).chain(head, [item.event],
                                                                        [salt])
                    done = chain_packs(audit_key, start, item.event[0] + 1, out, who)
                    last = done[-1][0] if done else start
                    seq = out[-1][0] + done[-1][2].count if out else item.event[0] + 1
                continue
            taken: list[int] = []
            for first, text, rids, *made in (item.packs if isinstance(item, Made) else [item]):
                taken.append(first)
                if isinstance(text, str):
                    ready = (bundle.prepare(*who, text, chain.new_salt()) if room > 0
                             or done is not None or spill is not None else None)
                    text = bundle_held.Held(first, bundle.pack_text(first, text))
                else:
                    ready = made[0]
                take(first, text, rids, ready, halves_packs.Stored(item.path, first)
                     if isinstance(item, Made) else None)
                time.sleep(0)       # lets the other thread's SQL go on between its statements
            if isinstance(item, Made) and taken != item.firsts:
                raise RuntimeError("the helper process's packs of events are not those "
                                   "asked for")
    finally:
        if spill is not None:
            spill.close()
    return out, salt, (start, done) if done is not None else None
