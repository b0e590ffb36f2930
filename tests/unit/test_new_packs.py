"""An import's new records' packs made before the write lock (SQLite, docs/performance.md,
"A noted import's new packs before the lock"): they are built while scorers go on and only copied
under the lock, byte for byte the packs the lock's own statement writes where every entry is
compact; a file with notes (an entry naming its reviewer, time and event) has its full
entries' event counted from the pack's base, and the view gives the answers the lock's own
statement would; a record another writer adds meanwhile still makes the import build them
again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.store import pack_writes
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, write_csv, write_set

ROWS = [[f"N{n}", *row[1:]] for n, row in enumerate(SMALL_ROWS * 30)]


def _packs(tmp_path: Path, name: str, header: list[str], rows: list[list[str]],
           monkeypatch: pytest.MonkeyPatch, prepared: bool,
           view: bool = False) -> tuple[list[tuple], list[bool]]:
    taken: list[bool] = []
    copy = pack_writes.copy_prepared
    monkeypatch.setattr(pack_writes, "copy_prepared",
                        lambda *a: taken.append(copy(*a)) or taken[-1])
    if not prepared:
        monkeypatch.setattr(pack_writes, "prepare_new", lambda *a: None)
    db = Database(str(tmp_path / f"{name}.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / f"{name}.csv", header, rows))
    packs = db.all("SELECT record_id, audit_id, event_seq, pack FROM answer_pack "
                   "ORDER BY record_id")
    if view:        # each answer as the view gives it, its time the import event's or blank
        packs = db.all("SELECT a.record_id, a.question_id, a.state, a.value, a.note, "
                       "a.reviewer, a.event_seq = e.seq, a.login, a.answered_at = e.at, "
                       "a.answered_at = '' FROM answer a JOIN event e ON e.audit_id = a.audit_id "
                       "AND e.action = 'import' ORDER BY a.record_id, a.question_id")
    db.close()
    monkeypatch.undo()
    return packs, taken


def test_compact_packs_made_before_the_lock_are_the_ones_the_lock_would_write(
        tmp_path, monkeypatch):
    before, taken = _packs(tmp_path, "early", SMALL_HEADER, ROWS, monkeypatch, True)
    assert taken == [True]                    # made before the lock, copied under it
    under, taken = _packs(tmp_path, "late", SMALL_HEADER, ROWS, monkeypatch, False)
    assert taken == [False]
    assert before == under and len(before) == len(ROWS)


def test_a_file_with_notes_has_its_packs_made_before_the_lock_too(tmp_path, monkeypatch):
    header = [*SMALL_HEADER, "note:1", "note:2"]
    rows = [[*row, "rang back" if n % 7 == 0 else "", "[x]" if n % 5 == 0 else ""]
            for n, row in enumerate(ROWS)]
    rows[3][1] = ""                           # a note on a blank answer
    rows[3][-2] = "no answer given"
    packs, taken = _packs(tmp_path, "notes", header, rows, monkeypatch, True)
    assert taken == [True]                    # made before the lock, copied under it
    noted = [p for p in packs if "rang back" in p[3] or "no answer given" in p[3]]
    assert len(noted) == len([r for r in rows if r[-2]])
    early, _ = _packs(tmp_path, "notes-early", header, rows, monkeypatch, True, view=True)
    late, taken = _packs(tmp_path, "notes-late", header, rows, monkeypatch, False, view=True)
    assert taken == [False]
    assert early == late and len(early) > len(ROWS)
    assert all(r[6] for r in early)   # the import's own event, counted from the base
    assert all(r[8] or r[9] for r in early)   # the import event's time, or none (blank)
