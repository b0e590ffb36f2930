"""docs/performance.md, "The merge a record at a time": SQLite's import merges a record at a
time (``store.merge_rows``); for any file it stores exactly what the merge cell by cell
(``store.merge``) stores: the same packs (each entry's event made its own seq: their bases
differ, docs/performance.md, "Entries counted from their record's own base"), the same
records, the same events in the same order, the same answers listed as given; and its
history verifies. Real SQLite files, real CSV files."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.errors import DatabaseError
from reviewer.ops import core, import_merge, import_packs, importer
from reviewer.ops.importer import ImportProblems
from reviewer.store import bundle, bundle_held, halves, history, merge, merge_rows, verify
from reviewer.store import merge_row_events as row_events
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_set
from tests.unit.test_reimport_property import NAME, QIDS, cell, write

NOW = "2026-12-06T12:{:02d}:00Z"     # a clock that moves a minute at each reading
# the free-text question's answers: quotes, a backslash and letters beyond ASCII, which JSON
# escapes or keeps, as a pack stores them
TEXTS = st.sampled_from(["", "fine", 'said "no"', "a\\b", "café ✓", "n/a"])
NOTES = st.sampled_from(["", "", "a note", "another", 'a "quoted" note'])


@st.composite
def plain(draw: st.DrawFn, questions: list[str] | None = None) -> tuple[list[str], list[list]]:
    """A header (ref, some questions, maybe note columns, a field) and rows of refs (``R0`` ..
    ``R7``, some the first file's, some new)."""
    qids = questions if questions is not None else draw(
        st.lists(st.sampled_from(QIDS), unique=True, min_size=1))
    qids = [q for q in QIDS if q in qids]
    notes = [q for q in QIDS if q in draw(st.lists(st.sampled_from(QIDS), unique=True,
                                                    max_size=2))]
    refs = draw(st.lists(st.sampled_from([f"R{i}" for i in range(8)]), unique=True,
                         min_size=1))
    rows = [[ref, *repaired({q: draw(TEXTS if q == "5" else cell(q)) for q in qids}).values(),
             *(draw(NOTES) for _ in notes), draw(st.sampled_from(["", "N", "S"]))]
            for ref in refs]
    return ["ref", *qids, *(f"note:{q}" for q in notes), "area"], rows


def repaired(cells: dict[str, str]) -> dict[str, str]:
    """A row's cells with the follow-ups its own cells do not ask left blank (the small set's
    conditions), and no n/a where the set allows none, so that most files are taken."""
    follow = {"2a": ("2", {"Y"}), "2b": ("2a", {"Y"}), "3a": ("3", {"Response", "CID"})}
    for qid, (on, asked) in follow.items():
        if qid in cells and on in cells and cells[on] not in asked:
            cells[qid] = ""
    if cells.get("3") == "n/a":
        cells["3"] = ""
    return cells


HELD = bundle_held.HELD_MAX
PACKED: list[int] = []      # each time the helper made half an import's packs of events ready
ALONE = 10**9                               # no helper process (store.halves)
MODES = {"packs": (0, 10**9, HELD, ALONE),  # every event packed, the packs made before the lock
         "rows": (10**9, 10**9, HELD, ALONE),       # every event a row of its own
         "packs under the lock": (0, -1, HELD, ALONE),  # packed, the packs made under the lock
         "past what is held": (0, 10**9, 1, ALONE),  # the first made ready before, the rest under
         "in halves": (0, 10**9, HELD, 1)}  # the merge's tables made by a helper process too


@contextmanager
def fixed(rows: bool, batch: int, mode: str = "packs") -> Iterator[list[int]]:
    """Imports in this process on a clock of their own (each reading a minute on: the same
    times for the same imports, whichever way they merge, and a kept answer's time told
    from a later one's), their events written as ``mode`` says (packs
    of ``batch``), merged a record at a time where they can (``rows``) or never; yields how
    many merges were made a record at a time."""
    was = (bundle.PACK_MIN, merge.EVENT_BATCH, importer.now_iso, core.now_iso,
           merge_rows.start, import_merge.PREPARE_MAX, bundle_held.HELD_MAX, halves.MIN_ROWS,
           halves.PROCESSORS, import_packs.MIN_PACKS)
    made: list[int] = []

    answer, ask = halves._answer, halves._ask
    kinds: list[str] = []

    def asked(helper, job) -> None:
        kinds.append(job.get("kind", "fill"))
        ask(helper, job)

    def answered(helper) -> None:            # a half the helper made: counted as -1
        answer(helper)                       # (half the packs of events made ready: in PACKED)
        made.append(-1) if kinds[-1] == "fill" else PACKED.append(1)

    def start(*args, **kwargs):
        found = was[4](*args, **kwargs) if rows else None
        made.extend([1] if found is not None else [])
        return found

    (bundle.PACK_MIN, import_merge.PREPARE_MAX, bundle_held.HELD_MAX, halves.MIN_ROWS), \
        merge.EVENT_BATCH = (MODES[mode], batch)
    halves.PROCESSORS = 2                    # whatever this machine has
    import_packs.MIN_PACKS = 2               # a helper makes half the packs ready from two
    ticks = iter(range(10**6))
    importer.now_iso = core.now_iso = lambda: NOW.format(next(ticks) % 60)  # type: ignore
    merge_rows.start = start                            # type: ignore[assignment]
    halves._answer, halves._ask = answered, asked       # type: ignore[assignment]
    try:
        yield made
    finally:
        halves._answer, halves._ask = answer, ask       # type: ignore[assignment]
        (bundle.PACK_MIN, merge.EVENT_BATCH, importer.now_iso, core.now_iso,
         merge_rows.start, import_merge.PREPARE_MAX, bundle_held.HELD_MAX, halves.MIN_ROWS,
         halves.PROCESSORS, import_packs.MIN_PACKS) = was


def given_rows(db: Database, audit_id: int) -> list[tuple]:
    """The answers each import event lists as given, as a sorted list of (record, question,
    answer) per import."""
    out = []
    for (blob,) in db.all("SELECT rows FROM event WHERE audit_id = ? AND action = 'import' "
                          "ORDER BY seq", (audit_id,)):
        cells = []
        for element in json.loads(zlib.decompress(blob)) if blob else []:
            rid, rest = element[0], element[1:]
            cells += [(rid, rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]
        out.append(sorted(cells))
    return out


def resolved(record_id: int, event_seq: int | None, base: int | None, pack: str) -> tuple:
    """A stored pack as what it means: each entry's event counted from the pack's base made
    its own seq (the merge a record at a time counts from a base of the record's own, the merge
    cell by cell from the import's seq: docs/performance.md, "Entries counted from their
    record's own base")."""
    entries = []
    for e in json.loads(pack):
        if isinstance(e, list) and len(e) in (2, 7):
            at = 1 if len(e) == 2 else 5
            if isinstance(e[at], int) and e[at] <= 0:         # (counted, marked so)
                e = [*e[:at], f"counted {base - e[at]}", *e[at + 1:]]
        entries.append(e)
    return record_id, event_seq, entries


def state(folder: Path, tables: list[tuple], rows: bool, batch: int,
          mode: str = "packs") -> tuple[dict, int]:
    """Everything the imports of ``tables`` stored, in turn, and how many merges were made a
    record at a time."""
    db = Database(str(folder / f"{rows}.db"))
    try:
        create_audit(db, NAME, write_set(folder))
        audit = get_audit(db, NAME)
        refused = []                     # a file with problems changes nothing, either way
        with fixed(rows, batch, mode) as made:
            for n, table in enumerate(tables):
                try:
                    import_answers(db, audit, write(folder / f"{n}.csv", *table))
                except ImportProblems as e:
                    refused.append(str(e))
        verify.verify_chain(db, audit.id)
        verify.replay_answers(db, audit.id)
        return {
            "packs": [resolved(*row) for row in db.all(
                "SELECT record_id, event_seq, base_seq, pack FROM answer_pack "
                "ORDER BY record_id")],
            "records": db.all("SELECT id, ref, fields, complete FROM record ORDER BY id"),
            "counts": db.all("SELECT * FROM audit_count"),
            "events": [(e.seq, e.action, e.ref, e.question, e.before, e.after, e.detail)
                       for e in history.iter_events(db, audit.id)],
            "given": given_rows(db, audit.id),
            "refused": refused,
        }, made.count(1) + 1000 * made.count(-1)
    finally:
        db.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=plain(QIDS), second=plain(), third=plain(), batch=st.integers(1, 6),
       mode=st.sampled_from(sorted(MODES)))
def test_a_merge_a_record_at_a_time_stores_what_the_cell_by_cell_merge_stores(
        first, second, third, batch, mode) -> None:
    """Three imports: the second merges into compact answers, the third into the answers the
    second changed too (short and full entries, their events counted from the pack's base)."""
    tables = [first, second, third]
    with tempfile.TemporaryDirectory() as tmp:
        cells, _ = state(Path(tmp), tables, False, batch, mode)
        rows, made = state(Path(tmp), tables, True, batch, mode)
    assert rows == cells
    refs = [{r[0] for r in table[1]} for table in tables]
    if not rows["refused"]:                 # taken wherever a record is matched
        assert made % 1000 == bool(refs[0] & refs[1]) + bool((refs[0] | refs[1]) & refs[2])
    # in halves: each merge's two tables made half by the helper process
    assert made // 1000 == (2 * (made % 1000) if mode == "in halves" else 0)


def test_notes_stored_or_in_a_note_column_are_merged_a_record_at_a_time(tmp_path) -> None:
    """A stored note kept (no note column) and a note column: merged a record at a time, with
    the answer kept where its note alone changes (its reviewer and time the stored ones),
    as the merge cell by cell makes them."""
    header = ["ref", "1", "2", "area"]
    first = (header + ["note:1"], [["R1", "Y", "N", "N", "a note"], ["R2", "N", "Y", "S", ""]])
    second = (header, [["R1", "N", "N", "N"], ["R2", "Y", "Y", "S"]])
    noted = (header + ["note:1"], [["R1", "Y", "N", "N", "x"], ["R2", "Y", "Y", "S", "y"]])
    other = (header, [["R1", "Y", "Y", "N"]])        # events after R2's, a minute later
    for name, steps in (("kept", [first, second]), ("column", [first, noted]),
                        ("both", [first, second, noted]),
                        ("later", [first, second, other, noted])):
        folder = tmp_path / name
        folder.mkdir()
        cells, _ = state(folder, steps, False, 2)
        rows, made = state(folder, steps, True, 2)
        assert (rows, made) == (cells, len(steps) - 1)
        assert any(e[1] == "note" for e in rows["events"]) or name == "kept"


H = ["ref", "1", "2", "2a", "2b", "3", "3a", "5", "area"]
STEPS = [(H, [["R1", "Y", "Y", "Y", "Age", "Response", "Y", "fine", "N"],
              ["R2", "N", "Y", "N", "", "CID", "N", "", "S"],
              ["R3", "Y", "N", "", "", "None", "", 'said "no"', ""],
              ["R4", "", "", "", "", "", "", "", ""]]),
         # short entries counted from the base, not-asked full ones (2 made N clears 2a, 2b)
         (H, [["R1", "N", "N", "", "", "CID", "N", "a\\b", "N"],
              ["R2", "N", "Y", "Y", "Other", "Response", "Y", "", "S"],
              ["R3", "n/a", "N", "", "", "None", "", "café ✓", "E"],
              ["R4", "Y", "Y", "N", "", "", "", "", ""]]),
         # some changed again, some kept (their counted events made their own), some given
         (["ref", "1", "2", "3", "area"],
          [["R1", "N", "Y", "CID", "N"], ["R2", "Y", "Y", "None", "S"],
           ["R3", "n/a", "N", "Response", "W"], ["R4", "N", "N", "", ""],
           ["R5", "Y", "", "", ""]])]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_third_import_over_short_and_full_entries_is_merged_a_record_at_a_time(
        mode, tmp_path) -> None:
    """Imports merging into answers an earlier re-import changed (short entries whose events
    count from the pack's base, full ones for questions a condition no longer asks): made a
    record at a time, they store what the merge cell by cell stores."""
    cells, _ = state(tmp_path, STEPS, False, 3, mode)
    PACKED.clear()
    rows, made = state(tmp_path, STEPS, True, 3, mode)
    # in halves: each merge's two tables made half by the helper process, and half its packs
    assert (rows, made) == (cells, 2 + (4000 if mode == "in halves" else 0))
    assert len(PACKED) == (2 if mode == "in halves" else 0)
    assert not rows["refused"]
    stored = [e for *_, entries in rows["packs"] for e in entries if isinstance(e, list)]
    assert any(e[:5] == [3, None, "", "", ""] for e in stored)      # the entries it read
    assert any(str(e[1 if len(e) == 2 else 5]).startswith("counted") for e in stored)


@contextmanager
def first_imported(path: Path) -> Iterator[tuple[Database, Any]]:
    """A database at ``path`` with the first of :data:`STEPS` imported, its imports on the
    clock of :func:`fixed` and merged a record at a time: (database, audit)."""
    db = Database(str(path))
    try:
        create_audit(db, NAME, write_set(path.parent))
        audit = get_audit(db, NAME)
        with fixed(True, 1):
            import_answers(db, audit, write(path.parent / "0.csv", *STEPS[0]))
            yield db, audit
    finally:
        db.close()


def test_a_failure_while_the_events_are_listed_is_reported_and_changes_nothing(
        tmp_path) -> None:
    """The events' packs are made ready in a thread as they are listed: a listing that fails
    part way ends that thread (the import does not wait on it) and the error is the
    import's, with nothing written."""
    real, listed = row_events.pack, []

    def failing(*args, **kwargs):
        listed.append(args[3])
        if len(listed) > 1:
            raise DatabaseError("the listing failed")
        return real(*args, **kwargs)

    outcome: list[BaseException | None] = []
    with first_imported(tmp_path / "f.db") as (db, audit):
        before = db.all("SELECT record_id, pack FROM answer_pack ORDER BY record_id")
        head = history.chain_head(db, audit.id)
        row_events.pack = failing                       # type: ignore[assignment]
        try:
            def second() -> None:
                try:
                    import_answers(db, audit, write(tmp_path / "1.csv", *STEPS[1]))
                    outcome.append(None)
                except BaseException as exc:            # noqa: BLE001 (told below)
                    outcome.append(exc)
            runner = threading.Thread(target=second, daemon=True)
            runner.start()
            runner.join(120)
        finally:
            row_events.pack = real                      # type: ignore[assignment]
        assert not runner.is_alive()                    # not waiting on the listing's thread
        assert len(listed) == 2
        assert isinstance(outcome[0], DatabaseError) and "listing failed" in str(outcome[0])
        assert db.all("SELECT record_id, pack FROM answer_pack ORDER BY record_id") == before
        assert history.chain_head(db, audit.id) == head


def test_a_pack_changed_outside_is_a_located_error_and_nothing_is_written(tmp_path) -> None:
    """A matched record's pack that is not JSON (the database changed outside reviewer): the
    re-import names that record in one line, and writes nothing."""
    with first_imported(tmp_path / "b.db") as (db, audit):
        rid = db.scalar("SELECT id FROM record WHERE ref = 'R2'")
        outside = sqlite3.connect(tmp_path / "b.db")           # another program
        with outside:
            outside.execute("UPDATE answer_pack SET pack = '[\"Y\",' WHERE record_id = ?",
                            (rid,))
        outside.close()
        before = db.all("SELECT record_id, pack FROM answer_pack ORDER BY record_id")
        with pytest.raises(DatabaseError, match=rf"^record id {rid}: its stored answers"):
            import_answers(db, audit, write(tmp_path / "1.csv", *STEPS[1]))
        assert db.all("SELECT record_id, pack FROM answer_pack ORDER BY record_id") == before
