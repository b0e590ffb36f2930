"""A throwaway PostgreSQL cluster for the tests (PLATFORM-NOTES "Databases").

The cluster is started once per session from Debian's PostgreSQL binaries (initdb as the
``postgres`` user, trust auth, a free port, the socket in the temp dir) and removed at the end;
every test that asks for ``pg_url`` gets a fresh database of its own. Skipped when the server
binaries or psycopg are missing (CI installs both: scripts/setup.sh, the ``test`` extra). The
fixtures are registered once for all tests by ``tests/conftest.py``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def _bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries under /usr/lib/postgresql/*/bin."""
    found = [Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin")
             if os.access(Path(d) / "initdb", os.X_OK) and os.access(Path(d) / "pg_ctl", os.X_OK)]
    found.sort(key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_port() -> Iterator[int]:
    """A running throwaway PostgreSQL cluster; its port on 127.0.0.1 (user postgres, trust)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install .[test])")
    bindir = _bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql)")
    try:
        with cluster(bindir) as port:
            yield port
    except LookupError as exc:
        pytest.skip(str(exc))


@contextmanager
def cluster(bindir: Path) -> Iterator[int]:
    """Start a throwaway cluster from ``bindir`` (also used by benchmarks/bench_answer.py and
    bench_team.py); yield its port; remove it at the end. LookupError when it cannot be run."""
    run_as: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="reviewer-pg-"))
    if os.geteuid() == 0:          # initdb refuses to run as root: run the server as postgres
        try:
            shutil.chown(tmp, "postgres", "postgres")
        except (LookupError, PermissionError) as exc:
            shutil.rmtree(tmp)
            raise LookupError("running as root and cannot hand the cluster to user postgres: "
                              f"{exc}") from None
        run_as = {"user": "postgres", "group": "postgres"}
    tmp.chmod(0o700)
    data, port = tmp / "data", _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
                       check=True, capture_output=True, env=env, **run_as)
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w",
                        "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "start"], check=True, capture_output=True, env=env, **run_as)
    except subprocess.CalledProcessError as exc:
        log = (tmp / "log").read_text(errors="replace") if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {exc.stderr!r} {log}") from None
    try:
        yield port
    finally:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                        "stop"], capture_output=True, env=env, **run_as)
        shutil.rmtree(tmp, ignore_errors=True)


def _admin(port: int, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname,
                           autocommit=True)


@pytest.fixture()
def pg_url(pg_port: int) -> Iterator[str]:
    """A fresh, empty database of its own for each test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    with _admin(pg_port) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/{name}"
    with _admin(pg_port) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database on each engine in turn: a new SQLite file, then a fresh PostgreSQL database
    (``pg_url``; skipped where there is no server). A module may define its own."""
    if request.param == "sqlite":
        return str(tmp_path / "race.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture()
def pg_db(pg_url: str):
    from reviewer.store.db import Database

    database = Database(pg_url)
    yield database
    database.close()


def _url_admin(url: str):
    port, name = url.rsplit(":", 1)[1].split("/")
    return _admin(int(port), name)


def pg_snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table: the database's whole content."""
    with _url_admin(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}


def open_transactions(url: str) -> int:
    """Sessions on the test's database sitting in a transaction (e.g. left open by a read)."""
    with _url_admin(url) as conn:
        return conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND state LIKE 'idle in transaction%'"
                            ).fetchone()[0]
