"""benchmarks/bench_soak.py runs at a small size (offscreen Qt, a new process as a person would
run it): the app answers 300 questions by key presses with recordings loading, stays alive,
saves every answer and prints its memory and step time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_soak_runs_at_a_small_size():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_soak.py"),
                           "--answers", "300"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"\b300 answers: RSS \d+ MB", out), out
    assert "answers saved: 300 of 300; recordings loaded: 29" in out, out
    assert re.search(r"scoring step at the end: median \d+\.\d+ ms", out), out
    assert "alive at the end: yes" in out, out
