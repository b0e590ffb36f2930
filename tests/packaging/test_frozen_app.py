"""The packaged program (scripts/build, PyInstaller one-folder) runs without Python: built into
a temporary folder, it starts offscreen on a new database without filling it, makes the demo
audit from its bundled question set and data when asked, and has Qt's media backend for the
call recordings. Building takes a few minutes (REVIEWER_SKIP_PACKAGING=1 skips it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="scripts/build is bash")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("pyinstaller is not installed: bash scripts/setup.sh test")
    out = tmp_path_factory.mktemp("frozen")
    started = time.perf_counter()
    done = subprocess.run(["bash", str(ROOT / "scripts" / "build"), "--distpath", str(out / "dist"),
                           "--workpath", str(out / "work")], capture_output=True, text=True,
                          cwd=ROOT, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = out / "dist" / "reviewer"
    print(f"\nbuilt in {time.perf_counter() - started:.0f} s: {folder_size(folder) / 2**20:.0f} MB "
          f"in {sum(1 for _ in folder.rglob('*'))} files")
    shutil.rmtree(out / "work", ignore_errors=True)
    return folder / ("reviewer.exe" if os.name == "nt" else "reviewer")


def start(program: Path, *args: str, cwd: Path, **env_vars: str) -> tuple[str, float]:
    # A bare environment: no virtualenv, PYTHONPATH or the project's .venv on PATH.
    env = {"HOME": str(cwd), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", **env_vars}
    began = time.perf_counter()
    done = subprocess.run([str(program), *args, "--quit-after", "0.5"], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)
    took = time.perf_counter() - began - 0.5
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr, took


def audits(db: Path | str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db), "audit", "list",
                           "--all"], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_the_program_starts_on_a_new_database_and_leaves_it_empty(program, tmp_path):
    db = tmp_path / "new.db"
    err, took = start(program, "--db", str(db), cwd=tmp_path)
    print(f"\nstarted and showed its window in {took:.1f} s")
    shown = re.search(r"window shown: .*; audio file formats: (\d+)", err)
    assert shown, err
    assert int(shown.group(1)) > 0            # Qt's multimedia (FFmpeg) plugin is bundled
    assert db.exists() and audits(db) == []


def test_the_program_carries_the_demo(program, tmp_path):
    db = tmp_path / "demo.db"
    start(program, "--db", str(db), "--demo", cwd=tmp_path)
    *months, line, later, _calibration, practice = audits(db)
    assert [m.split("\t")[0] for m in months] == [f"ASB self-audit {y}-{m:02d} (demo)" for y, m
                                                  in [(2011, 10), (2011, 11), (2011, 12)]
                                                  + [(2012, k) for k in range(1, 10)]]
    assert line.startswith("BTP ASB 2012 (demo)\thmic-asb-call-listening-2012 v2\t100/100")
    assert later.startswith("BTP ASB 2013 re-audit (demo)\t")
    assert practice.startswith("ASB practice (demo, to score)\t") and "\t8/20" in practice
    internal = program.parent / "_internal" / "reviewer" / "bundled"
    assert len(list((internal / "demo" / "audio").glob("*.wav"))) == 5
    assert sorted(p.name for p in (internal / "question_sets").glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "question_sets").glob("*.yaml"))


def test_the_program_opens_the_shared_postgresql_database_named_by_reviewer_db(
        program, tmp_path, pg_url):
    # as a Group Policy variable would name it for every desk (README, "For IT departments")
    err, _ = start(program, cwd=tmp_path, REVIEWER_DB=pg_url)
    assert "window shown" in err
    assert audits(pg_url) == []               # its tables made, no demo audit put in


def test_the_program_carries_the_report_renderer(program):
    """The PDF report's style sheet, WeasyPrint's own files and the Pango and HarfBuzz libraries
    it loads by name (PyInstaller's weasyprint hook collects them)."""
    internal = program.parent / "_internal"
    assert (internal / "reviewer" / "outputs" / "report.css").is_file()
    assert (internal / "weasyprint" / "css" / "html5_ua.css").is_file()
    if sys.platform.startswith("linux"):
        names = {p.name.split(".so")[0] for p in internal.glob("lib*.so*")}
        assert {"libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libharfbuzz-subset"} <= names


def command(program: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(cwd), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(program), *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_the_program_carries_the_reviewer_command(program, tmp_path):
    """A managed desktop has only the packaged folder: every output the lead makes from the
    command line is made by it too (``reviewer <subcommand>``, or ``reviewer-cli``)."""
    db = str(tmp_path / "cli.db")
    cli = program.parent / ("reviewer-cli.exe" if os.name == "nt" else "reviewer-cli")
    assert cli.is_file()
    made = command(program, "--db", db, "demo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    tally = command(program, "--db", db, "tally", "BTP ASB 2012 (demo)", cwd=tmp_path)
    assert tally.returncode == 0, tally.stderr
    assert tally.stdout.startswith("BTP ASB 2012 (demo) — HMIC ASB call listening")
    base, later = "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)"
    plan = "ASB improvement plan 2012 (demo)"
    outputs = {
        "report.pdf": ("report", later, "--compare", base, "--out"),
        "results.xlsx": ("results", base, "--out"),
        "feedback.xlsx": ("feedback", base, "--by", "operator", "--out"),
        "plan.pdf": ("plan", "report", plan, "--audits", base, later, "--out"),
        "trend.png": ("compare", base, later, "--chart"),
    }
    for name, args in outputs.items():
        done = command(cli, "--db", db, *args, str(tmp_path / name), cwd=tmp_path)
        assert done.returncode == 0, (name, done.stderr)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "trend.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "results.xlsx").read_bytes().startswith(b"PK")
    wrong = command(program, "--db", db, "tallly", cwd=tmp_path)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_the_program_is_an_imports_helper_process(program, tmp_path):
    """``--halves-worker``: the packaged program does the helper's part of an import's merge
    made in two halves (reviewer.store.halves), as ``python -m reviewer.store.halves_worker``
    does: a job on its input, its half of the rows in a file of its own, ``ok``."""
    import json
    import sqlite3

    from reviewer.store import bundle, halves_packs

    work = tmp_path / "scratch.db"
    with sqlite3.connect(work) as conn:
        conn.execute("CREATE TABLE import_stage (k INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO import_stage VALUES (?, ?)",
                         [(k, f"v{k}") for k in range(1, 11)])
    jobs = [{"scratch": str(work), "part": str(tmp_path / "part.db"), "table": "half",
             "columns": "k INTEGER PRIMARY KEY, v TEXT",
             "select": "SELECT k, v || ? FROM import_stage WHERE k >= 6", "params": ["!"],
             "id": 1},
            {"scratch": str(work), "part": str(tmp_path / "part.db"), "table": "bad",
             "columns": "k INTEGER", "select": "SELECT x FROM nowhere"},
            {"kind": "packs", "scratch": str(work), "out": str(tmp_path / "packs.db"),
             "sql": "SELECT group_concat(e, char(30)), group_concat(k) FROM (SELECT e, k FROM "
                    "events WHERE ? = 1 AND k BETWEEN ? AND ? ORDER BY k)",
             "params": [1], "bounds": [[7, 1, 10]], "who": ["2026-01-01T00:00:00", None, "rev"],
             "id": 3}]
    items = [("answer", f"R{k}", "q1", "Y", f"café {k}", "file.csv") for k in range(1, 11)]
    with sqlite3.connect(work) as conn:
        conn.execute("CREATE TABLE events (k INTEGER PRIMARY KEY, e TEXT)")
        conn.executemany("INSERT INTO events VALUES (?, ?)",
                         [(k, bundle.element(item)) for k, item in enumerate(items, 1)])
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(program), "--halves-worker"], capture_output=True, text=True,
                          input="".join(json.dumps(job) + "\n" for job in jobs), cwd=tmp_path,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    answers = done.stdout.splitlines()
    assert answers[0] == "ok 1" and answers[1].startswith("error: no such table: nowhere")
    assert answers[2] == "ok 3"               # half an import's packs of events made ready
    [(first, held, rids, made)] = halves_packs.read(str(tmp_path / "packs.db"))
    text = bundle.EVENT.join(bundle.element(item) for item in items)
    assert (first, held.text(), rids) == (7, text, list(range(1, 11)))
    assert made == bundle.prepare("2026-01-01T00:00:00", None, "rev", text, made.salt)
    with sqlite3.connect(tmp_path / "part.db") as conn:
        assert conn.execute("SELECT k, v FROM half").fetchall() == [
            (k, f"v{k}!") for k in range(6, 11)]
