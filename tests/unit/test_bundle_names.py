"""The records a run of packs of events names, written at once in the key's order
(``store.bundle_named.name_records``; docs/performance.md, "The packs' records named at once"): the
same rows whatever the order given, and record ids or seqs too large to share one number."""

from __future__ import annotations

import random

import pytest

from reviewer.store import bundle_named


def named_rows(db, audit: int) -> list[tuple[int, int]]:
    return [tuple(r) for r in db.all("SELECT record_id, seq FROM event_bundle_record WHERE "
                                     "audit_id = ? ORDER BY record_id, seq", (audit,))]


@pytest.mark.parametrize("big", [False, True])
def test_every_pair_named_once_whatever_the_order(db, big):
    base = (1 << 31) + 5 if big else 1           # past a 32-bit shift: the pairs' own path
    pairs = [(base + r, seq) for seq in (7, 19, 40) for r in range(0, 300, 3 if seq == 7 else 7)]
    given = pairs[:]
    random.Random(3).shuffle(given)
    with db.transaction():
        bundle_named.name_records(db, 9, given)
        bundle_named.name_records(db, 9, [])
    assert named_rows(db, 9) == sorted(pairs)
    assert named_rows(db, 8) == []


def test_a_seq_past_32_bits_is_kept(db):
    with db.transaction():
        bundle_named.name_records(db, 1, [(5, (1 << 32) + 1), (4, 3)])
    assert named_rows(db, 1) == [(4, 3), (5, (1 << 32) + 1)]
