"""A hung test ends the run with the stacks (docs/platform.md, "A hang ends the run"), even
when the hung call is C code holding Python's lock, as Qt's QMediaPlayer.stop() once did."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STUCK = '''
import ctypes


def test_fine():
    pass


def test_stuck_holding_the_lock():
    ctypes.PyDLL(None).sleep(60)       # C code that keeps Python's lock, like a Qt deadlock


def test_never_reached():
    pass
'''


@pytest.mark.skipif(sys.platform == "win32", reason="libc's sleep through ctypes")
def test_a_test_stuck_in_c_code_ends_the_run_with_its_stack(tmp_path):
    test_file = tmp_path / "test_stuck.py"
    test_file.write_text(STUCK)
    env = {**os.environ, "REVIEWER_TEST_HANG_SECONDS": "2"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p",
                          "no:cacheprovider", "-q", "-o", "faulthandler_timeout=0",
                          str(test_file)], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0
    assert "Timeout (0:00:02)!" in run.stderr
    assert "in test_stuck_holding_the_lock" in run.stderr
    assert "passed" not in run.stdout             # the run ended there, with no summary
