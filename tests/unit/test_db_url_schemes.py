"""``--db`` takes a file path, a ``sqlite:///`` URL or a PostgreSQL URL (README, "Sharing a
database"): any other kind of URL is one line saying what is taken, exit 1, before anything is
looked up on the network; ``postgres://`` (as some hosts print it) names the spelling to use."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _reviewer(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://ann:secret@db.example/reviews", "'mysql' databases are not supported"),
    ("mssql+pyodbc://ann@db.example/reviews", "'mssql+pyodbc' databases are not supported"),
    ("postgres://ann:secret@db.example/reviews", "write postgresql://"),
])
def test_a_database_url_of_another_kind_is_one_line(url, says):
    done = _reviewer("--db", url, "audit", "list")
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert says in lines[0] and "PostgreSQL" in lines[0], lines[0]
    assert "secret" not in lines[0] and "MySQLdb" not in lines[0]
