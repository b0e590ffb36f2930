"""benchmarks/bench_results_view.py runs (one fresh process, offscreen Qt) and prints its
figures, leaving nothing in the temporary folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_results_view_runs_once(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_results_view.py"),
                           "--runs", "1"], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"table shown: median \d+ ms", done.stdout), done.stdout
    assert re.search(r"chart drawn: median \d+ ms", done.stdout), done.stdout
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith(("pulse-", "runtime-"))]
    assert not left, f"the benchmark left {left} in the temporary folder"
