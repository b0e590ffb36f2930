"""Output and incident-list benchmark: wall time and peak memory of whole processes.

    .venv/bin/python benchmarks/bench_outputs.py [--records N] [--skip-incidents]
                                                 [--engine sqlite|postgresql]

Builds, in a temporary folder, the 10-question set and an N-record answer table of
``bench_cli.py`` (four fields per record), imports it (set-up, timed but not a goal) and then
runs each step as its own process, printing its wall time and peak resident memory (the
child's ``ru_maxrss``) and CPU time (user + system: steadier than wall time on a busy machine):

  results xlsx   reviewer results NAME --out results.xlsx   (goal: < 5 s at 100,000 records)
  results csv    reviewer results NAME --out results.csv
  export xlsx    reviewer answers export NAME answers.xlsx
  export csv     reviewer answers export NAME answers.csv
  feedback xlsx  reviewer feedback NAME --by area --out feedback.xlsx (a sheet per area)
  agreement      reviewer agreement NAME OTHER --format json (and as text), OTHER the same refs
                 imported from a file whose answers nearly all differ (every disagreement listed)
  naive copy     python: csv.reader -> csv.writer over the imported CSV (the export's anchor)
  naive agree    python: both CSVs read side by side, a Counter of (a, b) per question (the
                 agreement's anchor: the same contingency tables)
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
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_cli import NAME, reviewer_cmd, write_files  # noqa: E402

HEADER_NOTE = "agreement and exports against their naive anchors (docs/performance.md)"

AREAS = [f"Area {chr(65 + i)}" for i in range(12)]
HEADER = ["Incident No", "Opened", "Area", "Type", "Closure code", "Operator", "Summary"]

RESULTS_GOAL_S = 5.0
MEMORY_GOAL_MB = 300.0
AGREEMENT_GOAL = 3.0                # x the naive count (at 1,000,000 records)
EXPORT_GOAL = 2.0                   # CSV export, x the naive copy
OTHER = "Other"

NAIVE_COPY = """\
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f, \\
        open(sys.argv[2], 'w', newline='', encoding='utf-8') as out:
    csv.writer(out).writerows(csv.reader(f))
"""

NAIVE_AGREE = """\
import csv, sys
from collections import Counter
with open(sys.argv[1], newline='', encoding='utf-8') as fa, \\
        open(sys.argv[2], newline='', encoding='utf-8') as fb:
    ra, rb = csv.reader(fa), csv.reader(fb)
    header = next(ra)
    next(rb)
    cols = [i for i, h in enumerate(header) if h.startswith('q')]
    tables = [Counter() for _ in cols]
    for a, b in zip(ra, rb):
        for t, i in zip(tables, cols):
            t[a[i], b[i]] += 1
print(sum(sum(t.values()) for t in tables))
"""

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
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the database the outputs read (postgresql: a throwaway cluster)")
    args = parser.parse_args()
    with ExitStack() as stack:
        db = None
        if args.engine == "postgresql":
            from cli_pg import PostgresDatabases

            eng = stack.enter_context(PostgresDatabases.cluster())
            if eng is None:
                return 0
            db = eng.target("pristine")
        return run(args, db)


def run(args: argparse.Namespace, target: str | None) -> int:
    """Every step on ``target`` (a PostgreSQL database), or on a SQLite file when None."""
    reviewer = reviewer_cmd()
    figures: list[tuple[str, float, float, float, str]] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        set_path, csv_path = write_files(folder, args.records)
        db = target or str(folder / "bench.db")
        measure([*reviewer, "--db", db, "audit", "create", NAME, "--set", str(set_path)])
        figures.append(("import answers", *measure(
            [*reviewer, "--db", db, "answers", "import", NAME, str(csv_path)]), "set-up"))
        _, other_path = write_files(folder, args.records, seed=2013, name="other.csv")
        measure([*reviewer, "--db", db, "audit", "create", OTHER, "--set", str(set_path)])
        measure([*reviewer, "--db", db, "answers", "import", OTHER, str(other_path)])
        anchors = {
            "naive copy": measure([sys.executable, "-c", NAIVE_COPY, str(csv_path),
                                   str(folder / "copy.csv")]),
            "naive agree": measure([sys.executable, "-c", NAIVE_AGREE, str(csv_path),
                                    str(other_path)])}
        streamed = {
            "agreement": measure([*reviewer, "--db", db, "agreement", NAME, OTHER,
                                  "--format", "json"]),
            "agreement text": measure([*reviewer, "--db", db, "agreement", NAME, OTHER]),
            "export csv": measure([*reviewer, "--db", db, "answers", "export", NAME,
                                   str(folder / "s.csv")]),
            "export xlsx": measure([*reviewer, "--db", db, "answers", "export", NAME,
                                    str(folder / "s.xlsx")]),
            "feedback xlsx": measure([*reviewer, "--db", db, "feedback", NAME, "--by", "area",
                                      "--out", str(folder / "f.xlsx")])}
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
    print(f"{args.engine}: {args.records:,} records, 10 questions, 4 fields; whole processes; "
          "load average "
          f"{load:.1f} at the start on {os.cpu_count()} CPUs (wall time suffers when it is high)")
    print(f"{'step':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  goal")
    for label, seconds, cpu, mb, goal in figures:
        print(f"{label:<24} {seconds:8.2f} {cpu:8.2f} {mb:8.0f}  {goal}")
    load_now = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Streaming ({HEADER_NOTE}), load average {load_now}:")
    print(f"{'step':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'ratio':>7} {'CPU ratio':>9}"
          "  to           goal")
    for label, (seconds, cpu, mb) in anchors.items():
        print(f"{label:<24} {seconds:8.2f} {cpu:8.2f} {mb:8.0f}")
    verdicts = []
    for label, (seconds, cpu, mb) in streamed.items():
        anchor, to, goal = ((anchors["naive agree"], "naive agree", AGREEMENT_GOAL)
                            if label.startswith("agreement")
                            else (anchors["naive copy"], "naive copy",
                                  EXPORT_GOAL if label == "export csv" else None))
        ratio = seconds / anchor[0]
        verdicts.append(mb < MEMORY_GOAL_MB and (goal is None or ratio <= goal))
        shown = f"<= {goal:g}x, " if goal else ""
        print(f"{label:<24} {seconds:8.2f} {cpu:8.2f} {mb:8.0f} {ratio:7.2f} "
              f"{cpu / anchor[1]:9.2f}  {to:<12} {shown}< {MEMORY_GOAL_MB:g} MB")
    print("streaming goals met" if all(verdicts) else "streaming goals NOT met")
    memory = all(mb < MEMORY_GOAL_MB for _, _, mb in streamed.values())
    ok = results_s < RESULTS_GOAL_S and peak_ok and memory
    print("goals met" if ok else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
