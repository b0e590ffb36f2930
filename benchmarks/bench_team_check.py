"""A reviewer's import into a team database on PostgreSQL: what the answer check costs.

    .venv/bin/python benchmarks/bench_team_check.py [--records N] [--checks statement,row,none]

On a throwaway cluster (as the tests start one; skipped when the server binaries are missing),
for each check a database with a team (an owner login, a lead and a reviewer granted with
``reviewer team grant``), an audit of 10 questions, and as the reviewer ``reviewer --db URL
answers import`` of N new records, then of a file of the same refs with every answer changed.
The checks: ``statement`` (today's, once per statement and audit, schema 9), ``row`` (schema 8's
deferred trigger for each answer row, put back for the run), ``none`` (dropped). Printed per
check and import: its wall time, the COMMIT's and the answers' statement's (from the server's
log), and the load average. Goal (docs/performance.md, "Imports and scorers"): COMMIT <= 0.2 s
at 100,000 records — the commit holds the write lock every scorer waits for.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402
from bench_answer import QUESTIONS, SET_YAML, load  # noqa: E402

GOAL = 0.2
LINE = re.compile(r"duration: ([0-9.]+) ms\s+(?:statement|execute [^:]*): (.*)")


def files(n: int) -> tuple[Path, Path, Path]:
    """The question set, N new records and the same refs with every answer changed (readable
    by the cluster's user, which may differ from ours)."""
    tmp = scratch.folder("bench-team-check-")
    tmp.chmod(0o755)
    out = [tmp / "set.yaml", tmp / "first.csv", tmp / "changed.csv"]
    out[0].write_text(SET_YAML, encoding="utf-8")
    for flip, path in ((0, out[1]), (1, out[2])):
        with path.open("w", encoding="utf-8") as f:
            f.write("ref," + ",".join(QUESTIONS) + "\n")
            for i in range(n):
                f.write(f"IMP-{i:07d}," + ",".join("YN"[(i + k + flip) % 2] for k in range(10))
                        + "\n")
    for path in out:
        path.chmod(0o644)
    return out[0], out[1], out[2]


def cli(url: str, *argv: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", url, *argv],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"reviewer {' '.join(argv[:2])} failed: {done.stderr.strip()}")
    return time.perf_counter() - t0


def team_database(port: int, check: str, set_file: Path) -> str:
    """A database with a team and an audit ``T``; the reviewer's URL."""
    from tests.unit.answer_check_v8 import drop_check, put_back_schema_8_check
    from tests.unit.pg import _admin

    tag = uuid.uuid4().hex[:8]
    owner, lead, rev, name = (f"{k}_{tag}" for k in ("owner", "lead", "rev", "team"))
    with _admin(port) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
        for login in (lead, rev):
            conn.execute(f'CREATE ROLE "{login}" LOGIN')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        conn.execute(f'ALTER ROLE "{rev}" IN DATABASE "{name}" '
                     "SET log_min_duration_statement = 0")
    url = f"postgresql+psycopg://{{}}@127.0.0.1:{port}/{name}"
    cli(url.format(owner), "audit", "create", "T", "--set", str(set_file))
    cli(url.format(owner), "team", "grant", lead, "--role", "lead", "--name", "Lead")
    cli(url.format(lead), "team", "grant", rev, "--role", "reviewer", "--name", "Reviewer")
    with _admin(port, name) as conn:
        if check == "row":
            put_back_schema_8_check(conn)
        elif check == "none":
            drop_check(conn)
    return url.format(rev)


def timed_import(url: str, path: Path, log: Path) -> tuple[float, float, float]:
    """The import's wall time, its COMMIT's and its longest statement writing answers."""
    start = log.stat().st_size
    wall = cli(url, "answers", "import", "T", str(path))
    with log.open("rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", "replace")
    commit = answers = 0.0
    for ms, statement in LINE.findall(text):
        if statement.startswith("COMMIT"):
            commit += float(ms) / 1000
        elif statement.startswith("INSERT INTO answer"):
            answers = max(answers, float(ms) / 1000)
    return wall, commit, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--checks", default="statement,row,none",
                        help="comma-separated: statement (today's), row (schema 8's), none")
    args = parser.parse_args()
    from tests.unit.pg import _admin, _bin_dir, cluster

    bindir = _bin_dir()
    if bindir is None:
        print("postgresql: skipped (no server binaries under /usr/lib/postgresql)")
        return 0
    set_file, first, changed = files(args.records)
    print(f"a reviewer's import into a team database, {args.records:,} records x 10 questions; "
          f"goal: today's check's COMMIT <= {GOAL:g} s")
    print(f"{'check':<11}{'import':<10}{'wall s':>9}{'COMMIT s':>10}{'answers s':>11}  load")
    met = True
    with cluster(bindir) as port:
        with _admin(port) as conn:
            log = Path(conn.execute("SHOW data_directory").fetchone()[0]).parent / "log"
        for check in args.checks.split(","):
            url = team_database(port, check, set_file)
            for kind, path in (("new", first), ("changed", changed)):
                wall, commit, answers = timed_import(url, path, log)
                if check == "statement":
                    met &= commit <= GOAL
                print(f"{check:<11}{kind:<10}{wall:>9.2f}{commit:>10.3f}{answers:>11.2f}  "
                      f"{load()}", flush=True)
    print("goals met" if met else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
