"""Outputs never destroy (docs/safe-files.md, "Outputs"), for every command that writes a file:

- when the disclosure cannot be recorded (another program holds the write lock longer than
  REVIEWER_LOCK_TIMEOUT), an earlier file at the target is untouched, no temporary file is left
  behind and the one line says nothing was written;
- an output path that is the database, its -wal/-shm/-journal (also by another name: a hard or
  symbolic link), or a file the program has open, is refused: one line, exit 1, nothing written.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ASB_SET, DEMO_CSV, ROOT
from tests.unit.helpers import run_cli, snapshot

LATER_CSV = ROOT / "data" / "demo-asb-2013.csv"
PLAN_CSV = ROOT / "data" / "asb-improvement-plan-2012.csv"
OLD = b"the user's earlier file, which must survive\n"

# Every command that writes a file: its arguments, OUT standing for the output path.
COMMANDS = {
    "answers export csv": ("answers", "export", "Base", "OUT.csv"),
    "answers export xlsx": ("answers", "export", "Base", "OUT.xlsx"),
    "report": ("report", "Base", "--out", "OUT.pdf"),
    "results xlsx": ("results", "Base", "--out", "OUT.xlsx"),
    "results csv": ("results", "Base", "--out", "OUT.csv"),
    "feedback": ("feedback", "Base", "--by", "operator", "--out", "OUT.xlsx"),
    "compare --chart": ("compare", "Base", "Later", "--chart", "OUT.png"),
    "plan report pdf": ("plan", "report", "ASB plan", "--audits", "Base", "Later",
                        "--out", "OUT.pdf"),
    "plan report xlsx": ("plan", "report", "ASB plan", "--audits", "Base", "Later",
                         "--out", "OUT.xlsx"),
    "trend --chart": ("trend", "Base", "Later", "Third", "--chart", "OUT.png"),
    "trend --out": ("trend", "Base", "Later", "Third", "--out", "OUT.pdf"),
    "notes export": ("notes", "export", "Base", "--ref", "BTP-12-0401-0046", "--out", "OUT.txt"),
}
SETUP = (("audit", "create", "Base", "--set", str(ASB_SET)),
         ("answers", "import", "Base", str(DEMO_CSV)),
         ("audit", "create", "Later", "--set", str(ASB_SET)),
         ("answers", "import", "Later", str(LATER_CSV)),
         ("audit", "create", "Third", "--set", str(ASB_SET)),
         ("answers", "import", "Third", str(LATER_CSV)),
         ("plan", "import", "ASB plan", str(PLAN_CSV)))


def argv(command: str, out: Path) -> list[str]:
    """The command's arguments with its output at ``out`` (whatever its extension)."""
    return [str(out) if a.startswith("OUT.") else a for a in COMMANDS[command]]


def suffix(command: str) -> str:
    return next(a for a in COMMANDS[command] if a.startswith("OUT."))[3:]


@pytest.fixture(scope="module")
def audits(tmp_path_factory) -> Path:
    """Three audits of the demo records and a plan, made once; each test works on a copy."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("outputs") / "template.db"
    for args in SETUP:
        done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(path), *args],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return path


@pytest.fixture()
def db_path(audits, tmp_path) -> Path:
    path = tmp_path / "work" / "reviewer.db"
    path.parent.mkdir()
    source = sqlite3.connect(audits)
    copy = sqlite3.connect(path)
    source.backup(copy)
    source.close()
    copy.close()
    os.chmod(path, 0o600)
    return path


def content(db_path: Path) -> dict:
    from reviewer.store.db import Database

    db = Database(str(db_path))
    try:
        assert db.scalar("PRAGMA integrity_check") == "ok"
        return snapshot(db)
    finally:
        db.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_timed_out_disclosure_leaves_the_old_file(command, db_path, capsys, monkeypatch):
    out = db_path.parent / f"earlier{suffix(command)}"
    out.write_bytes(OLD)
    before = content(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")               # another writer, at work for ever
    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", "1")
    try:
        code, _, err = run_cli(capsys, "--db", str(db_path), *argv(command, out))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    lines = err.strip().splitlines()
    assert code == 1, err
    assert "wrote nothing" in lines[-1] and "Traceback" not in err
    assert out.read_bytes() == OLD
    assert leftovers(out.parent) == []
    assert content(db_path) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_the_output_replaces_the_old_file_when_recorded(command, db_path, capsys):
    out = db_path.parent / f"earlier{suffix(command)}"
    out.write_bytes(OLD)
    code, _, err = run_cli(capsys, "--db", str(db_path), *argv(command, out))
    assert code == 0, err
    assert out.read_bytes() != OLD and (out.stat().st_mode & 0o777) == 0o600
    assert leftovers(out.parent) == []
    code, history, _ = run_cli(capsys, "--db", str(db_path), "history", "Base")
    # the export event names the file and its SHA-256 (docs/contracts.md §11)
    assert f"{out.name} sha256={hashlib.sha256(out.read_bytes()).hexdigest()}" in history


def _own_targets(db_path: Path, ext: str) -> dict[str, Path]:
    """Names for the database's own files with the output's extension (another one is a usage
    error before anything else): the file itself, links to it and to its WAL and shm."""
    folder = db_path.parent
    targets = {"the database": db_path, "a hard link to it": folder / f"hard{ext}",
               "a symbolic link to it": folder / f"soft{ext}",
               "a hard link to its -wal": folder / f"wal{ext}",
               "a symbolic link to its -shm": folder / f"shm{ext}"}
    os.link(db_path, targets["a hard link to it"])
    targets["a symbolic link to it"].symlink_to(db_path)
    os.link(f"{db_path}-wal", targets["a hard link to its -wal"])
    targets["a symbolic link to its -shm"].symlink_to(f"{db_path}-shm")
    return targets


@pytest.mark.parametrize("command", COMMANDS)
def test_the_database_is_never_an_output(command, db_path, capsys):
    named = db_path.with_name(f"data{suffix(command)}")       # a database named like an output
    db_path.rename(named)
    before = content(named)
    db = sqlite3.connect(named)                     # keeps the WAL and shm files there
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("SELECT COUNT(*) FROM event").fetchone()
    try:
        for what, target in _own_targets(named, suffix(command)).items():
            code, _, err = run_cli(capsys, "--db", str(named), *argv(command, target))
            assert code == 1, (what, err)
            assert len(err.strip().splitlines()) == 1 and "database" in err, (what, err)
            assert leftovers(named.parent) == [], what
    finally:
        db.close()
    assert content(named) == before


def test_the_sidecar_names_are_refused_even_when_absent(db_path, tmp_path):
    """Writing ``DB-journal`` (or ``-wal``) while it is absent would plant a file SQLite reads
    as part of the database: refused by name (the folder compared by inode)."""
    from reviewer.errors import ReviewerError
    from reviewer.private import refuse_own_file

    for end in ("-wal", "-shm", "-journal"):
        target = Path(f"{db_path}{end}")
        target.unlink(missing_ok=True)
        with pytest.raises(ReviewerError, match="this is the database"):
            refuse_own_file(target, str(db_path))
        with pytest.raises(ReviewerError, match="this is the database"):
            refuse_own_file(tmp_path / "work" / ".." / "work" / target.name, str(db_path))
        assert not target.exists()
    refuse_own_file(tmp_path / "elsewhere.csv", str(db_path))      # anything else is fine


@pytest.mark.parametrize("command", ["answers export csv", "report", "compare --chart"])
def test_a_folder_is_refused_before_anything_is_recorded(command, db_path, capsys):
    folder = db_path.parent / f"folder{suffix(command)}"
    folder.mkdir()
    code, history, _ = run_cli(capsys, "--db", str(db_path), "history", "Base")
    code, _, err = run_cli(capsys, "--db", str(db_path), *argv(command, folder))
    assert code == 1 and "is a folder" in err and len(err.strip().splitlines()) == 1
    assert run_cli(capsys, "--db", str(db_path), "history", "Base")[1] == history
    assert leftovers(db_path.parent) == [] and folder.is_dir()


def test_an_open_file_is_never_an_output(db_path, tmp_path):
    """The file the command's own stdout goes to is open in the program: refused by inode."""
    import subprocess
    import sys

    out = tmp_path / "also-stdout.csv"
    out.write_bytes(OLD)
    with out.open("ab") as stdout:
        done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path),
                               "answers", "export", "Base", str(out)],
                              stdout=stdout, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1 and "has this file open" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == OLD


def test_another_process_holding_the_lock(db_path):
    """The same with two real processes: one holds the write lock, the export gives up."""
    import subprocess
    import sys

    out = db_path.parent / "earlier.xlsx"
    out.write_bytes(OLD)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], "
         "isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('held', flush=True); "
         "time.sleep(60)", str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path), "answers",
                               "export", "Base", str(out)], capture_output=True, text=True,
                              env={**os.environ, "REVIEWER_LOCK_TIMEOUT": "1"}, timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1 and "wrote nothing" in done.stderr.strip().splitlines()[-1]
    assert out.read_bytes() == OLD and leftovers(out.parent) == []
