"""The merge's choice of a cell's merged state, value or note by asking order
(``store.merge._case``: a CASE halved on ``q.k`` until a few questions are left) picks, for
every question, exactly what a flat ``CASE q.k`` would: its own expression, or the fallback
for a question the choice leaves out."""

from __future__ import annotations

import re
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.store import merge


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 70), data=st.data())
def test_each_question_gets_its_own_choice_or_the_fallback(n, data):
    chosen_ks = data.draw(st.sets(st.integers(0, n - 1)))
    chosen = {k: f"'v{k}'" for k in chosen_ks}
    sql = merge._case(chosen, list(range(n)), "'other'")
    conn = sqlite3.connect(":memory:")
    got = [conn.execute(f"SELECT {sql} FROM (SELECT ? AS k) q", (k,)).fetchone()[0]
           for k in range(n)]
    assert got == [f"v{k}" if k in chosen_ks else "other" for k in range(n)]
    # halved: a cell goes through a few CASEs, nested about log2(n) deep, not one per question
    depth = deepest = 0
    for word in sql.replace("(", " ").replace(")", " ").split():
        depth += (word == "CASE") - (word == "END")
        deepest = max(deepest, depth)
    assert deepest <= max(1, n // merge.LINEAR).bit_length() + 1
    # and no CASE looks through more than a few questions one by one
    for listed in re.findall(r"CASE q\.k (.*?) ELSE", sql):
        assert listed.count("WHEN") <= merge.LINEAR
