"""The app as a person starts it: ``reviewer gui`` (through the reviewer-gui entry point) and
``python -m ui`` open on an empty database without filling it; ``--demo`` makes the demo audits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def audits(db: Path) -> list[str]:
    done = run([str(BIN / "reviewer"), "--db", str(db), "audit", "list", "--all"], db.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_reviewer_gui_opens_an_empty_database_empty(tmp_path):
    db = tmp_path / "empty.db"
    done = run([str(BIN / "reviewer"), "gui", "--db", str(db), "--quit-after", "0.5"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "window shown" in done.stderr
    assert db.exists() and audits(db) == []


def test_python_m_ui_with_demo_makes_the_demo_audits(tmp_path):
    db = tmp_path / "demo.db"
    done = run([sys.executable, "-m", "ui", "--db", str(db), "--demo", "--quit-after", "0.5"],
               tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in audits(db)]
    assert [line[0] for line in lines] == [
        "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)", "BTP ASB 2012 calibration (demo)",
        "ASB practice (demo, to score)"]
    assert lines[3][2] == "8/20 complete"   # partly scored: a newcomer meets blank records


def test_an_unusable_database_is_one_line_and_exit_1(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([str(BIN / "reviewer"), "gui", "--db", str(blocker / "x.db"),
                           "--quit-after", "0.5"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if "x.db" in ln]
    assert len(lines) == 1 and "Traceback" not in done.stderr
