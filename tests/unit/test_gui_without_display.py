"""``reviewer gui`` (and ``reviewer-gui``) where there is no display (an SSH session, a
server): one line saying so and how to go on, exit 1, instead of Qt aborting the process with a
paragraph about platform plugins (docs/contracts.md §3: one line per problem, never a crash)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                reason="a display is always there on Windows and macOS")


@pytest.mark.parametrize("command", [["-m", "reviewer", "gui"], ["-m", "ui"]])
def test_no_display_is_one_line_and_exit_1(tmp_path, command):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "REVIEWER_DB")}
    done = subprocess.run([sys.executable, *command, "--db", str(tmp_path / "g.db"),
                           "--quit-after", "1"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "no display" in lines[0] and "xvfb-run" in lines[0], lines[0]
    assert not (tmp_path / "g.db").exists()          # nothing written
