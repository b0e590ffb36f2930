"""benchmarks/bench_ui.py runs at a tiny size (offscreen Qt, a new process as a person would run
it): it exits 0 and prints its figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_ui_runs_at_a_tiny_size():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_ui.py"),
                           "--records", "40", "--repeat", "1", "--steps", "4"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"built an audit of 40 records", out), out
    assert re.search(r"start-up to a shown window \(whole process\): \d+\.\d+ s", out), out
    assert re.search(r"next record: median \d+\.\d+ ms", out), out
    assert re.search(r"answer \(saved\): median \d+\.\d+ ms", out), out
