"""Dip-sampling benchmark: import a 100,000-row incident list, draw a 1,000 stratified sample.

    .venv/bin/python benchmarks/bench_sampling.py [--rows N] [--size n] [--xlsx] [--db URL]

Writes the list (CSV, or XLSX with --xlsx) and a SQLite database in a temporary folder (or uses
--db, e.g. a PostgreSQL URL), then prints how long each step took.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.files.incidents import preview_incident_list  # noqa: E402
from reviewer.ops.audits import create_audit  # noqa: E402
from reviewer.ops.sampling import draw_sample, import_incident_list  # noqa: E402
from reviewer.workspace import Workspace  # noqa: E402

ASB_SET = ROOT / "question_sets" / "hmic-asb-call-listening-2012.yaml"
AREAS = [f"Area {chr(65 + i)}" for i in range(12)]
HEADER = ["Incident No", "Opened", "Area", "Type", "Closure code", "Operator", "Summary"]


def rows(n: int):
    for i in range(1, n + 1):
        yield [f"INC-{i:07d}", f"2024-05-{i % 30 + 1:02d} {i % 24:02d}:{i % 60:02d}",
               AREAS[(i * 7919) % 97 % len(AREAS)], f"ASB {i % 3 + 1}", f"C{i % 9}",
               f"op{i % 40:03d}", f"Caller reports nuisance youths, log {i}"]


def write_list(path: Path, n: int) -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("incidents")
        ws.append(HEADER)
        for row in rows(n):
            ws.append(row)
        wb.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(n))


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=1_000)
    parser.add_argument("--xlsx", action="store_true", help="an XLSX list instead of CSV")
    parser.add_argument("--db", help="database path or URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("incidents.xlsx" if args.xlsx else "incidents.csv")
        timed(f"write {args.rows:,}-row {path.suffix[1:]} list",
              lambda: write_list(path, args.rows))
        ws = Workspace.open(args.db or str(Path(tmp) / "bench.db"), "bench")
        try:
            name = f"bench {time.time():.0f}"
            audit = create_audit(ws, name, ASB_SET).value
            timed("preview (20 rows)", lambda: preview_incident_list(path))
            count = timed(f"import {args.rows:,} incidents",
                          lambda: import_incident_list(ws, audit.id, path, "Incident No").value)
            result = timed(f"draw {args.size:,} stratified by Area",
                           lambda: draw_sample(ws, audit.id, size=args.size, seed=2024,
                                               stratify_by="Area").value)
            again = timed(f"draw {args.size:,} simple random (same audit)",
                          lambda: draw_sample(ws, audit.id, size=args.size, seed=2024).value)
            print(f"population {count:,}; sample {result.size:,} ({result.added:,} records), "
                  f"seed {result.seed}; strata {result.strata}; second draw added "
                  f"{again.added:,}, skipped {len(again.skipped):,} already drawn")
        finally:
            ws.close()


if __name__ == "__main__":
    main()
