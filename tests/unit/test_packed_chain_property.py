"""A pack made ready to hash before the write lock (``bundle.prepare``) and chained under it
(``bundle.chain_prepared``, docs/performance.md, "Imports and scorers") gives exactly the hashes
of its events chained one by one as rows of their own (``chain.canonical``), for any texts,
seqs and chain head."""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.store import bundle, bundle_held, chain

TEXT = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["Y", "N", "n/a", "ÿ €"]))
ITEM = st.tuples(st.sampled_from(["answer", "note"]), st.text(min_size=1, max_size=10), TEXT,
                 TEXT, TEXT, TEXT)


@settings(max_examples=200, deadline=None)
@given(items=st.lists(ITEM, min_size=1, max_size=30), first=st.integers(1, 10**9),
       audit=st.integers(0, 10**6), head=st.one_of(st.none(), st.binary(min_size=32,
                                                                         max_size=32)),
       login=st.one_of(st.none(), st.text(max_size=8)), reviewer=st.text(max_size=8))
def test_prepared_pack_chains_as_rows_of_their_own(items, first, audit, head, login, reviewer):
    at, salt = "2026-12-05T14:00:00Z", os.urandom(16)
    text = bundle.EVENT.join(bundle.element((a, ref, q, b, af, d))
                             for a, ref, q, b, af, d in items)
    ready = bundle.prepare(at, login, reviewer, text, salt)
    last = bundle.chain_prepared(audit, head, first, ready)
    prev = head
    for n, (action, ref, question, before, after, detail) in enumerate(items):
        body = chain.canonical(audit, first + n, at, login, reviewer, action, question,
                               chain.commitments(salt, ref, before, after, detail), None)
        prev = chain.event_hash(prev, body)
    assert last == prev
    assert ready.count == len(items)
    assert ready.actions == +Counter(a for a, *_ in items)
    again = bundle.prepare(at, login, reviewer, text, salt)     # the same text, the same hashes
    assert bundle.chain_prepared(audit, head, first, again) == prev


@settings(max_examples=100, deadline=None)
@given(items=st.lists(ITEM, min_size=1, max_size=30), first=st.integers(1, 10**9),
       moved=st.integers(0, 10**6))
def test_a_pack_held_compressed_reads_as_its_text_numbered_from_any_seq(items, first, moved):
    """A pack held compressed ahead of the lock (``bundle_held.Held``) is written as it is while its
    first seq stands, and numbered again when other events came first: either way the row
    reads as the pack compressed from its text at that seq."""
    text = bundle.EVENT.join(bundle.element((a, ref, q, b, af, d))
                             for a, ref, q, b, af, d in items)
    held = bundle_held.Held(first, bundle.pack_text(first, text))
    assert held.text() == text
    assert bundle_held.numbered(first, held) is held.blob
    assert bundle_held.numbered(first + moved, text) == bundle.pack_text(first + moved, text)
    assert bundle.unpack(bundle_held.numbered(first + moved, held)) == (
        first + moved, [list(item) for item in items])
