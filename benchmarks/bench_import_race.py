"""Scorers through the command line racing a large re-import: each scorer answers by
``reviewer answers import`` of a one-row file while another ``reviewer answers import`` updates
the audit (docs/performance.md, "An import a scorer makes").

    .venv/bin/python benchmarks/bench_import_race.py [--records 100000] [--scorers 2]
                                                     [--engine sqlite|postgresql|both]
                                                     [--overlap]

An audit of ``--records`` records (bench_cli.py's ten questions and four fields) is imported
first; then a file of the same refs with other answers re-imports every record but the first
5,000 (a tenth of them at a small size), while ``--scorers`` processes each import one-row
files of those first records, one after another, until it ends (``--overlap``: rows of records
the large file updates too). Printed per engine: each scorer's command before the race (the
command's own time: Python's start-up, the file, the write), its longest and median during the
race, and how much longer the longest took than the median before (the wait behind the
import; goal: under 1 s).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402
from bench_answer import load, pg_targets  # noqa: E402
from bench_cli import write_files  # noqa: E402
from cli_steps import reviewer_cmd  # noqa: E402

GOAL = 1.0           # seconds a scorer may wait behind the import


def cli(target: str, *argv: str) -> float:
    """Wall seconds of ``reviewer --db TARGET ARGV``, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run([*reviewer_cmd(), "--db", target, *argv], capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"failed: {' '.join(argv)}\n{done.stderr}")
    return time.perf_counter() - start


def one_row(folder: Path, header: list[str], row: list[str], name: str) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerow(row)
    return path


def scorer(target: str, folder: Path, header: list[str], rows: list[list[str]], who: int,
           stop: Path, out: mp.Queue) -> None:
    """One-row imports of ``rows`` (each answer flipped), one after another, until ``stop``."""
    rnd = random.Random(who)
    took, n = [], 0
    while not stop.exists():
        row = list(rnd.choice(rows))
        row[1] = "N" if row[1] == "Y" else "Y"
        took.append(cli(target, "answers", "import", "Race",
                        str(one_row(folder, header, row, f"s{who}-{n}"))))
        n += 1
    out.put(took)


def race(target: str, folder: Path, records: int, scorers: int, overlap: bool) -> dict:
    set_path, first = write_files(folder, records, name="first.csv")
    _, second = write_files(folder, records, seed=7, name="second.csv")
    cli(target, "audit", "create", "Race", "--set", str(set_path))
    cli(target, "answers", "import", "Race", str(first))
    with first.open(newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    apart = min(5000, max(1, records // 10))
    with second.open(newline="", encoding="utf-8") as f:
        changed = list(csv.reader(f))[1:]
    large = folder / "large.csv"
    with large.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(changed if overlap else changed[apart:])
    theirs = body[apart:] if overlap else body[:apart]
    before = [cli(target, "answers", "import", "Race",
                  str(one_row(folder, header, theirs[i % len(theirs)], f"b{i}")))
              for i in range(5)]
    stop, queue = folder / "stop", mp.Queue()
    procs = [mp.Process(target=scorer, args=(target, folder, header, theirs, w, stop, queue))
             for w in range(scorers)]
    for p in procs:
        p.start()
    time.sleep(1.0)
    start = time.perf_counter()
    cli(target, "answers", "import", "Race", str(large))
    took = time.perf_counter() - start
    stop.touch()
    during = [t for _ in procs for t in queue.get()]
    for p in procs:
        p.join()
    return {"before": statistics.median(before), "import": took, "during": during,
            "rows": len(changed if overlap else changed[apart:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--scorers", type=int, default=2)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--overlap", action="store_true",
                        help="the scorers' records are in the large file too")
    args = parser.parse_args()
    where = "the records it updates" if args.overlap else "records it does not update"
    print(f"{args.scorers} scorers answering by one-row imports ({where}) during a re-import "
          f"of an audit of {args.records} records; goal: longest - median before < {GOAL:g} s")
    met = True

    def report(engine: str, target: str) -> None:
        nonlocal met
        got = race(target, scratch.folder("bench-import-race-"), args.records, args.scorers,
                   args.overlap)
        during = got["during"] or [0.0]
        waited = max(during) - got["before"]
        met &= waited < GOAL
        print(f"{engine:<11} import of {got['rows']} rows {got['import']:.2f} s; a scorer's "
              f"command {got['before']:.2f} s before, during: {len(got['during'])} commands, "
              f"median {statistics.median(during):.2f} s, longest {max(during):.2f} s "
              f"(waited {waited:.2f} s)  load {load()}", flush=True)

    if args.engine in ("sqlite", "both"):
        report("sqlite", str(scratch.folder("bench-import-race-db-") / "race.db"))
    if args.engine in ("postgresql", "both"):
        for _, url in pg_targets([args.records]):
            report("postgresql", url)
    print(f"goals {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    os.environ.pop("REVIEWER_DB", None)
    sys.exit(main())
