"""An import's working tables in a scratch database of their own (SQLite, ``store.scratch``;
docs/performance.md, "An import's working tables"): made there during the import, gone with
it after (the database detached, its file deleted), nothing left among the connection's
temporary tables; and one that could not be detached (a cursor still reading it) is detached
by the next import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from reviewer.ops import import_merge
from reviewer.store import halves, scratch
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from reviewer.store.verify import replay_answers, verify_chain
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv, write_set

HEADER = ["ref", "1", "2", "2a", "3", "note:1"]


def _rows(answer: str) -> list[list[str]]:
    return [[f"R{n}", answer, "Y", "N", "CID", "checked" if n % 2 else ""] for n in range(30)]


def _databases(db: Database) -> list[str]:
    return [row[1] for row in db.all("PRAGMA database_list")]


def _temp_tables(db: Database) -> list[str]:
    return [row[0] for row in db.all("SELECT name FROM sqlite_temp_master")]


def test_working_tables_live_in_the_scratch_database_and_go_with_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(str(tmp_path / "s.db"))
    audit = create_audit(db, "S", write_set(tmp_path))
    seen: list[tuple[list[str], list[str], str]] = []
    real = import_merge.Merge.prepare

    def prepare(self, *args, **kw):
        made = real(self, *args, **kw)
        seen.append((_databases(db), sorted(r[0] for r in db.all(
            "SELECT name FROM scratch.sqlite_master WHERE type = 'table'")), db.scratch))
        return made

    monkeypatch.setattr(import_merge.Merge, "prepare", prepare)
    import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, _rows("Y")))
    import_answers(db, audit, write_csv(tmp_path / "2.csv", HEADER, _rows("N")))
    databases, tables, where = seen[-1]            # the re-import's merge
    assert "scratch" in databases and where == "scratch"
    assert {"import_stage", "merge_rec", "merge_patch", "merge_seen"} <= set(tables)
    assert "scratch" not in _databases(db) and not _temp_tables(db)
    assert db.scratch == "temp"
    verify_chain(db, audit.id)
    replay_answers(db, audit.id)
    db.close()


def test_a_scratch_database_still_read_is_detached_by_the_next_import(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "s.db"))
    audit = create_audit(db, "S", write_set(tmp_path))
    with scratch.space(db) as own:
        assert own
        db.execute(f"CREATE {scratch.table(db, 'work')} (a INTEGER)")
        db.execute("INSERT INTO work VALUES (1), (2)")
        reading = db.conn.execute("SELECT a FROM work")     # not read to its end
        reading.fetchone()
    assert "scratch" in _databases(db) and db.scratch == "temp"     # it was being read
    with scratch.space(db) as own:                     # still read: temporary tables now
        assert not own and scratch.table(db, "x") == "TEMP TABLE x"
    del reading
    import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, _rows("Y")))
    import_answers(db, get_audit(db, "S"), write_csv(tmp_path / "2.csv", HEADER, _rows("N")))
    assert "scratch" not in _databases(db) and not _temp_tables(db)
    assert db.scalar("SELECT COUNT(*) FROM answer WHERE question_id = '1' AND value = 'N'") == 30
    db.close()


def test_the_scratch_file_is_owner_only_and_removed_with_its_folder(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "s.db"))
    with scratch.space(db) as own:
        assert own and db.scratch_file is not None
        folder = Path(db.scratch_file).parent
        db.execute(f"CREATE {scratch.table(db, 'work')} (a INTEGER)")
        assert Path(db.scratch_file).exists()
        assert folder.name.startswith(f"{scratch.PREFIX}{os.getpid()}-")
        assert folder.stat().st_mode & 0o777 == 0o700
    assert not folder.exists() and db.scratch_file is None
    db.close()


def test_a_folder_left_by_a_program_that_ended_is_removed_by_the_next_import(
        tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    root = Path(tempfile.gettempdir())
    left = root / f"{scratch.PREFIX}{gone}-x"
    alive = root / f"{scratch.PREFIX}{os.getppid()}-x"     # a process still there
    for folder in (left, alive):
        folder.mkdir(exist_ok=True)
        (folder / "scratch.db").write_bytes(b"personal data")
    try:
        db = Database(str(tmp_path / "s.db"))
        with scratch.space(db):
            pass
        db.close()
        assert not left.exists() and alive.exists()
    finally:
        shutil.rmtree(left, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)


@pytest.mark.parametrize("setting", ["", "1", "0"])
def test_an_imports_helper_process_ends_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                setting: str) -> None:
    """A merge made in halves (store.halves) by a helper process: the process has ended and
    its file gone once the import is done; with REVIEWER_IMPORT_HELPER=0, none."""
    monkeypatch.setenv("REVIEWER_IMPORT_HELPER", setting)
    monkeypatch.setattr(halves, "MIN_ROWS", 1)
    monkeypatch.setattr(halves, "PROCESSORS", 2)
    db = Database(str(tmp_path / "s.db"))
    audit = create_audit(db, "S", write_set(tmp_path))
    helpers: list = []
    real = halves.stop

    def stop(db: Database) -> None:
        helpers.append(db.helper)
        real(db)

    monkeypatch.setattr(halves, "stop", stop)
    import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, _rows("Y")))
    import_answers(db, get_audit(db, "S"), write_csv(tmp_path / "2.csv", HEADER, _rows("N")))
    helper = helpers[-1]
    if setting == "0":
        assert helper is None
    else:
        assert helper is not None and helper.poll() == 0 and db.helper is None
    assert "scratch_part" not in _databases(db)
    assert db.scalar("SELECT COUNT(*) FROM answer WHERE question_id = '1' AND value = 'N'") == 30
    replay_answers(db, audit.id)
    db.close()
