"""The app as a person starts it: ``reviewer gui`` (through the reviewer-gui entry point) and
``python -m ui`` open on an empty database without filling it; ``--demo`` makes the demo audits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    from reviewer.demo_monthly import names

    assert [line[0] for line in lines] == [*names(), # the monthly self-audits first (the trend)
        "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)", "BTP ASB 2012 calibration (demo)",
        "ASB practice (demo, to score)"]
    assert lines[-1][2] == "8/20 complete"  # partly scored: a newcomer meets blank records


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


def caught_signals(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_closes_the_app(tmp_path, sig):
    """What the README says stops ``./scripts/demo`` (under xvfb-run nothing is visible)."""
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    app = subprocess.Popen([sys.executable, "-m", "ui", "--db", str(tmp_path / "s.db")],
                           env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not caught_signals(app.pid) & (1 << (signal.SIGTERM - 1)):   # handlers are in
            assert app.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        app.send_signal(sig)
        assert app.wait(timeout=20) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
