"""Output and incident-list benchmark: wall time and peak memory of whole processes.

    .venv/bin/python benchmarks/bench_outputs.py [--records N] [--skip-incidents]

Builds, in a temporary folder, the 10-question set and an N-record answer table of
``bench_cli.py`` (four fields per record), imports it (set-up, timed but not a goal) and then
runs each step as its own process, printing its wall time and peak resident memory (the
child's ``ru_maxrss``) and CPU time (user + system: steadier than wall time on a busy machine):

  results xlsx   reviewer results NAME --out results.xlsx   (goal: < 5 s at 100,000 records)
  results csv    reviewer results NAME --out results.csv
  export xlsx    reviewer answers export NAME answers.xlsx
  export csv     reviewer answers export NAME answers.csv
  preview        the 20-row preview of an N-row incident-list CSV (reads only what it shows)
  incidents      import of that incident list into a fresh audit (goal: peak < 300 MB)
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_cli import NAME, reviewer_cmd, write_files  # noqa: E402

AREAS = [f"Area {chr(65 + i)}" for i in range(12)]
HEADER = ["Incident No", "Opened", "Area", "Type", "Closure code", "Operator", "Summary"]

RESULTS_GOAL_S = 5.0
MEMORY_GOAL_MB = 300.0

PREVIEW = """\
import sys
from reviewer.files.incidents import preview_incident_list
header, rows = preview_incident_list(sys.argv[1])
assert len(rows) == 20, len(rows)
"""

IMPORT = """\
import sys
from reviewer.ops.audits import create_audit
from reviewer.ops.sampling import import_incident_list
from reviewer.workspace import Workspace
ws = Workspace.open(sys.argv[1], "bench")
audit = create_audit(ws, "incidents", sys.argv[2]).value
n = import_incident_list(ws, audit.id, sys.argv[3], "Incident No").value
assert n == int(sys.argv[4]), n
"""


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one process, which must exit 0."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def rows(n: int):
    """The incident list of bench_sampling.py: seven columns, about 100 bytes a row."""
    for i in range(1, n + 1):
        yield [f"INC-{i:07d}", f"2024-05-{i % 30 + 1:02d} {i % 24:02d}:{i % 60:02d}",
               AREAS[(i * 7919) % 97 % len(AREAS)], f"ASB {i % 3 + 1}", f"C{i % 9}",
               f"op{i % 40:03d}", f"Caller reports nuisance youths, log {i}"]


def write_incidents(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(n))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--skip-incidents", action="store_true")
    args = parser.parse_args()
    reviewer = reviewer_cmd()
    figures: list[tuple[str, float, float, float, str]] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        set_path, csv_path = write_files(folder, args.records)
        db = str(folder / "bench.db")
        measure([*reviewer, "--db", db, "audit", "create", NAME, "--set", str(set_path)])
        figures.append(("import answers", *measure(
            [*reviewer, "--db", db, "answers", "import", NAME, str(csv_path)]), "set-up"))
        for label, argv, goal in (
                ("results xlsx", ["results", NAME, "--out", str(folder / "r.xlsx")],
                 f"< {RESULTS_GOAL_S:g} s"),
                ("results csv", ["results", NAME, "--out", str(folder / "r.csv")], ""),
                ("export xlsx", ["answers", "export", NAME, str(folder / "a.xlsx")], ""),
                ("export csv", ["answers", "export", NAME, str(folder / "a.csv")], "")):
            figures.append((label, *measure([*reviewer, "--db", db, *argv]), goal))
        results_s = figures[1][1]
        peak_ok = True
        if not args.skip_incidents:
            listing = folder / "incidents.csv"
            write_incidents(listing, args.records)
            size = listing.stat().st_size / 1e6
            figures.append((f"preview ({size:.0f} MB list)",
                            *measure([sys.executable, "-c", PREVIEW, str(listing)]), ""))
            inc = measure([sys.executable, "-c", IMPORT, str(folder / "inc.db"),
                           str(set_path), str(listing), str(args.records)])
            figures.append(("incident import", *inc, f"< {MEMORY_GOAL_MB:g} MB"))
            peak_ok = inc[2] < MEMORY_GOAL_MB
    print(f"{args.records:,} records, 10 questions, 4 fields; whole processes; load average "
          f"{load:.1f} at the start on {os.cpu_count()} CPUs (wall time suffers when it is high)")
    print(f"{'step':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  goal")
    for label, seconds, cpu, mb, goal in figures:
        print(f"{label:<24} {seconds:8.2f} {cpu:8.2f} {mb:8.0f}  {goal}")
    ok = results_s < RESULTS_GOAL_S and peak_ok
    print("goals met" if ok else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
