"""Ctrl-C (SIGINT) on a real ``reviewer`` process waiting its turn behind another writer
(docs/performance.md, the writers' queue): one line on stderr, exit 130, no traceback, nothing
written, and the writer after it is not kept waiting by the place it gave up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ASB_SET, DEMO_CSV

HOLD = """
import sys
from reviewer.store.db import Database
db = Database(sys.argv[1])
with db.transaction():
    print("locked", flush=True)
    sys.stdin.readline()
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env["REVIEWER_LOCK_TIMEOUT"] = "30"
    return env


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)     # a background job may start with it ignored


def _reviewer(db: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reviewer", "--db", db, *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                            preexec_fn=_default_sigint, **kwargs)


def test_ctrl_c_while_waiting_in_the_queue_is_one_line_and_lets_the_next_writer_in(tmp_path):
    db = str(tmp_path / "queue.db")
    made = subprocess.run([sys.executable, "-m", "reviewer", "--db", db, "audit", "create", "A",
                           "--set", str(ASB_SET)], capture_output=True, text=True, env=_env())
    assert made.returncode == 0, made.stderr
    holder = subprocess.Popen([sys.executable, "-c", HOLD, db], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiter = _reviewer(db, "answers", "import", "A", str(DEMO_CSV))
        told = waiter.stderr.readline()               # said once the wait passes a second
        assert "another writer is at work; waiting" in told
        waiter.send_signal(signal.SIGINT)
        out, err = waiter.communicate(timeout=20)
        assert waiter.returncode == 130
        assert out == ""
        assert err.splitlines() == ["reviewer: interrupted"], err
        start = time.monotonic()
        after = _reviewer(db, "audit", "rename", "A", "B")
        time.sleep(0.5)
        holder.communicate("go\n", timeout=20)        # the writer at work finishes
        _, after_err = after.communicate(timeout=20)
        assert after.returncode == 0, after_err
        assert time.monotonic() - start < 10
    finally:
        if holder.poll() is None:
            holder.kill()
    listed = subprocess.run([sys.executable, "-m", "reviewer", "--db", db, "audit", "list"],
                            capture_output=True, text=True, env=_env())
    assert listed.stdout.split("\t")[0] == "B"
    assert "0/0 complete" in listed.stdout             # the interrupted import wrote nothing
