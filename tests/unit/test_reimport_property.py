"""docs/contracts.md §2 and §6: a re-import merged set-based (``store.merge``) gives, for any file,
what a plain cell-by-cell reading of the contract gives: the same answers and notes, the same
completeness, the same history events in the same order, and a history that verifies. Real
SQLite files (and PostgreSQL for a fixed case), real CSV files; the model below is written from
the contract, not from the importer."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.ops import importer
from reviewer.ops.importer import ImportProblems
from reviewer.questions import logic
from reviewer.questions.logic import BLANK, UNANSWERED, history_label
from reviewer.questions.model import QuestionSet
from reviewer.store import bundle, history, merge, merge_check, verify
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers, ws
from tests.unit.helpers import write_set

NAME = "Small"
QIDS = ["1", "2", "2a", "2b", "3", "3a", "4", "5"]
CELLS = {"2b": ["", "Age", "Disability", "Other", "n/a"],
         "3": ["", "Response", "CID", "None", "n/a"],
         "4": ["", "Late", "Wrong type; Too few", "n/a"],
         "5": ["", "fine", "not fine", "n/a"]}
NOTES = ["", "a note", "another note"]
REFS = ["R1", "R2", "R3", "R4", "R5"]


def cell(qid: str) -> st.SearchStrategy[str]:
    return st.sampled_from(CELLS.get(qid, ["", "Y", "N", "n/a"]))


@st.composite
def table(draw: st.DrawFn, questions: list[str] | None = None) -> tuple[list[str], list[list]]:
    """A header (ref, some questions, some note columns, maybe a field) and rows of refs."""
    qids = questions if questions is not None else draw(
        st.lists(st.sampled_from(QIDS), unique=True, min_size=1))
    qids = [q for q in QIDS if q in qids]
    notes = [q for q in QIDS if q in draw(st.lists(st.sampled_from(QIDS), unique=True,
                                                    max_size=3))]
    header = ["ref", *qids, *(f"note:{q}" for q in notes), "area"]
    refs = draw(st.lists(st.sampled_from(REFS), unique=True, min_size=1))
    rows = [[ref, *(draw(cell(q)) for q in qids), *(draw(st.sampled_from(NOTES)) for _ in notes),
             draw(st.sampled_from(["", "North", "South"]))] for ref in refs]
    return header, rows


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def stored(db: Database) -> dict[str, dict[str, tuple]]:
    out: dict[str, dict[str, tuple]] = {}
    for ref, qid, state, value, note in db.all(
            "SELECT r.ref, a.question_id, a.state, a.value, a.note FROM answer a "
            "JOIN record r ON r.id = a.record_id"):
        out.setdefault(ref, {})[qid] = (state, value, note)
    return out


def completeness(db: Database) -> dict[str, bool]:
    return {ref: bool(c) for ref, c in db.all("SELECT ref, complete FROM record")}


def model(qs: QuestionSet, before: dict[str, dict[str, tuple]], header: list[str],
          rows: list[list], name: str) -> tuple[bool, dict, list[tuple]]:
    """The contract read cell by cell: (the file has problems, the answers after, the events)."""
    index = {h: i for i, h in enumerate(header)}
    after = {ref: dict(cells) for ref, cells in before.items()}
    events: list[tuple] = []
    bad = False
    for row in rows:
        ref = row[0]
        old = before.get(ref, {})
        given = {}
        for q in qs.questions:
            if q.id in index:
                given[q.id] = logic.parse_value(q, row[index[q.id]])
            elif ref in before and old.get(q.id, (0,))[0] in (1, 2):
                given[q.id] = old[q.id][:2]
            else:
                given[q.id] = BLANK
        resolved, problems = logic.evaluate(qs, given)
        bad = bad or any(qid in index for qid, _ in problems)
        new = after.setdefault(ref, {})
        for q in qs.questions:
            was = old.get(q.id, (UNANSWERED, None, ""))
            state, value = resolved[q.id]
            note = row[index[f"note:{q.id}"]].strip() if f"note:{q.id}" in index else was[2]
            if (state, value) != was[:2] and was[0] in (1, 2):
                why = f"import {name}" if q.id in index else f"condition: import {name}"
                events.append(("answer", ref, q.id, history_label(*was[:2]),
                               history_label(state, value), why))
            if note != was[2] and was[2]:
                events.append(("note", ref, q.id, was[2], note or None, f"import {name}"))
            if state != UNANSWERED or note:
                new[q.id] = (state, value, note)
            else:
                new.pop(q.id, None)
    return bad, after, events


def check(db: Database, qs: QuestionSet, path: Path, header: list[str], rows: list[list]) -> None:
    audit = get_audit(db, NAME)
    before = stored(db)
    bad, want, want_events = model(qs, before, header, rows, path.name)
    last = history.chain_head(db, audit.id)[0]
    if bad:
        with pytest.raises(ImportProblems):
            import_answers(db, audit, path)
        assert stored(db) == before
        return
    result = import_answers(db, audit, path)
    got_events = [(e.action, e.ref, e.question, e.before, e.after, e.detail)
                  for e in history.iter_events(db, audit.id) if e.seq > last]
    assert got_events[0][0] == "import"
    assert [tuple(e) for e in got_events[1:]] == want_events
    assert result.changed == len(want_events)
    assert {r: c for r, c in stored(db).items() if c} == {r: c for r, c in want.items() if c}
    scored = [q.id for q in qs.questions if q.tallied]
    assert completeness(db) == {ref: all(want.get(ref, {}).get(q, (0,))[0] != UNANSWERED
                                         for q in scored) for ref in completeness(db)}
    verify.verify_chain(db, audit.id)
    verify.replay_answers(db, audit.id)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=table(QIDS), second=table())
def test_reimport_matches_the_contract_cell_by_cell(first, second) -> None:
    both(first, second)


def both(first: tuple[list[str], list[list]], second: tuple[list[str], list[list]]) -> None:
    """Import ``first`` into a new audit, then ``second``, each checked against the model."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(str(folder / "r.db"))
        try:
            create_audit(db, NAME, write_set(folder))
            qs = ws(db).question_set(get_audit(db, NAME))
            check(db, qs, write(folder / "first.csv", *first), *first)
            check(db, qs, write(folder / "second.csv", *second), *second)
        finally:
            db.close()


@contextmanager
def packed(on: bool, batch: int = 2) -> Iterator[None]:
    """Imports in this process store their changed answers as packs of events
    (``store.bundle``) however few, ``batch`` changed cells a pack; or never."""
    was = bundle.PACK_MIN, merge.EVENT_BATCH
    bundle.PACK_MIN, merge.EVENT_BATCH = (0, batch) if on else (10**9, was[1])
    try:
        yield
    finally:
        bundle.PACK_MIN, merge.EVENT_BATCH = was


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=table(QIDS), second=table(), batch=st.integers(1, 4))
def test_a_packed_reimport_matches_the_contract_too(first, second, batch) -> None:
    """The same, with the changed answers stored as packs of events (docs/evidence.md,
    "Packed events"): read back, they are the same events, and the chain verifies."""
    with packed(True, batch):
        both(first, second)


@contextmanager
def merged_again(packs: bool, tries: int | None = None) -> Iterator[list[bool]]:
    """Imports in this process find, under the write lock, that a record their merge read
    before it changed meanwhile (``store.merge_check``): the merge made before the lock is
    dropped and made again under it. Yields whether each import's merge was made before.
    ``tries``: found changed so many times in a row, then as it is (None: always changed, so
    the merge made again under the lock a record at a time is dropped too, and the set-based
    merge made there)."""
    real, made = merge_check.unchanged, []

    def changed(db: Database) -> bool:
        made.append(real(db))
        return tries is not None and len(made) % (tries + 1) == 0 and made[-1]

    merge_check.unchanged = changed              # type: ignore[assignment]
    try:
        with packed(packs):
            yield made
    finally:
        merge_check.unchanged = real             # type: ignore[assignment]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=table(QIDS), second=table(), packs=st.booleans())
def test_a_reimport_merged_again_under_the_lock_matches_the_contract_too(first, second,
                                                                         packs) -> None:
    """The same where a record changed between the merge made before the write lock and the
    lock (SQLite: docs/performance.md, "An updating import's merge before the lock"): the
    merge made again under the lock gives what the contract says, seqs and all."""
    with merged_again(packs) as made:
        both(first, second)
    assert all(made)          # each merge was made before the lock, and unchanged, then dropped


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=table(QIDS), second=table(), packs=st.booleans())
def test_a_reimport_merged_again_a_record_at_a_time_under_the_lock_matches_the_contract(
        first, second, packs) -> None:
    """The same where the last try's merge is made again under the lock as it is made before
    it, a record at a time (docs/performance.md, "The last try's merge made a record at a
    time"): what the contract says, seqs and all."""
    with merged_again(packs, importer.MERGE_TRIES) as made:
        both(first, second)
    assert all(made)


CASE_FIRST = (["ref", *QIDS, "note:1", "note:2b", "area"],
              [["R1", "Y", "Y", "Y", "Age", "Response", "Y", "Late", "fine", "n1", "n2", "N"],
               ["R2", "N", "Y", "Y", "Other", "CID", "N", "", "", "", "x", "S"],
               ["R3", "n/a", "N", "", "", "None", "", "n/a", "ok", "kept", "", ""]])
CASE_SECOND = (["ref", "1", "2", "note:1", "note:2b", "area"],
               [["R1", "N", "N", "", "n2", "East"], ["R2", "N", "Y", "changed", "", "S"],
                ["R3", "Y", "Y", "kept", "new", ""], ["R9", "Y", "N", "", "", "West"]])


@pytest.mark.parametrize("packs", [False, True])
def test_a_reimport_with_conditions_and_notes_merged_again_under_the_lock(packs) -> None:
    """The fixed case below merged again under the lock, its events one row each or packed."""
    with merged_again(packs) as made:
        both(CASE_FIRST, CASE_SECOND)
    # made again before, then under the lock a record at a time, then set-based
    assert made == [True] * (importer.MERGE_TRIES + 1)
    with merged_again(packs, importer.MERGE_TRIES) as made:
        both(CASE_FIRST, CASE_SECOND)          # ... taken the time it is made under the lock
    assert made == [True] * (importer.MERGE_TRIES + 1)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_reimport_with_conditions_and_notes_on_both_engines(engine, tmp_path, request):
    """A fixed file that changes answers, clears follow-ups by a condition, changes and clears
    notes and adds a record: the same as the model on SQLite and on PostgreSQL."""
    target = str(tmp_path / "r.db") if engine == "sqlite" else request.getfixturevalue("pg_url")
    db = Database(target)
    try:
        create_audit(db, NAME, write_set(tmp_path))
        qs = ws(db).question_set(get_audit(db, NAME))
        check(db, qs, write(tmp_path / "first.csv", *CASE_FIRST), *CASE_FIRST)
        check(db, qs, write(tmp_path / "second.csv", *CASE_SECOND), *CASE_SECOND)
        events = db.all("SELECT action, detail FROM event WHERE action IN ('answer', 'note')")
        assert {a for a, _ in events} == {"answer", "note"}
        assert any(d.startswith("condition: ") for _, d in events)
    finally:
        db.close()


text = st.one_of(st.none(), st.text(max_size=12))
WHO = st.tuples(st.text(max_size=8), st.one_of(st.none(), st.text(max_size=8)),
                st.text(max_size=8))             # at, login, reviewer
PREV = st.one_of(st.none(), st.binary(min_size=32, max_size=32))


@settings(max_examples=200, deadline=None)
@given(audit_id=st.integers(0, 10**6), first=st.integers(1, 10**9), who=WHO,
       events=st.lists(st.tuples(st.sampled_from(["answer", "note", "import"]), text,
                                 st.one_of(st.none(), st.text(max_size=6)), text, text,
                                 st.text(max_size=12), st.one_of(st.none(), st.binary())),
                       min_size=1, max_size=5),
       prev=PREV, chosen=st.lists(st.one_of(st.none(), st.binary(min_size=16, max_size=16)),
                                  max_size=6))
def test_the_bulk_chain_hashes_what_canonical_writes(audit_id, first, who, events, prev,
                                                     chosen):
    """``chain.Chainer`` (an import's events in bulk) gives the very bytes ``chain.canonical``
    does, for any text, with the salts ``chosen`` before where given (an event hashed ahead of
    the write lock): ``reviewer verify`` recomputes them that way."""
    from reviewer.store import chain

    at, login, reviewer = who
    ready = [(first + i, *e) for i, e in enumerate(events)]
    got = chain.Chainer(audit_id, at, login, reviewer).chain(prev, ready, chosen)
    for i, (salt, _) in enumerate(got):
        if i < len(chosen) and chosen[i] is not None:
            assert salt == chosen[i]
    for (seq, action, ref, question, before, after, detail, rows), (salt, digest) in zip(
            ready, got, strict=True):
        body = chain.canonical(audit_id, seq, at, login, reviewer, action, question,
                               chain.commitments(salt, ref, before, after, detail), rows)
        assert digest == chain.event_hash(prev, body)
        assert len(salt) == chain.SALT_BYTES
        prev = digest
    new = [salt for i, (salt, _) in enumerate(got) if i >= len(chosen) or chosen[i] is None]
    assert len(set(new)) == len(new)
