"""Improvement plans at scale: `plan status`, and `plan report` as PDF and XLSX, for plans of
many items (each linked to questions of two audits of the demo set).

    .venv/bin/python benchmarks/bench_plans.py [--items 1000 10000] [--skip-pdf-over N]

Each command runs as a person would type it (a fresh process); its wall time and peak memory
(RSS of that process) and CPU time are printed (on a shared machine the CPU time is the
steadier figure). Goals (docs/plans.md): a 10,000-item plan's PDF in < 60 s
and < 300 MB, its status in < 5 s; every figure should grow in line with the items.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = "hmic-asb-call-listening-2012"
QUESTIONS = ["1", "2", "2a", "3", "4", "5", "6", "7"]
GOALS = {"status": (5.0, None), "report PDF": (60.0, 300.0)}
GOAL_ITEMS = 10_000
# Runs the command as the child of a small process that reports the child's peak RSS.
MEASURE = """\
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "err": done.stderr, "s": time.perf_counter() - t,
                  "cpu": use.ru_utime + use.ru_stime, "mb": use.ru_maxrss / 1024}))
"""


def run(db: Path, *args: str) -> dict:
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "reviewer", "--db", str(db),
           *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"reviewer {' '.join(args)} failed:\n{result['err']}")
    return result


def plan_csv(path: Path, items: int) -> None:
    rng = random.Random(9)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["ref", "area", "due", "owner", "progress", "updated", "complete",
                      "questions"])
        for k in range(items):
            linked = ";".join(rng.sample(QUESTIONS, rng.randint(1, 2)))
            out.writerow([f"AFI {k + 1}",
                          f"Area for improvement {k + 1}: repeat and vulnerable callers are "
                          "not always identified at the first point of contact.",
                          f"20{12 + k % 3}-{1 + k % 12:02d}-28", f"Owner {k % 40}",
                          "Training was given to call handlers and supervisors; a proforma "
                          "now asks the questions, and the force checks a sample each month.",
                          "2012-09-13", rng.choice(["Yes", "No", ""]), linked])


def build(folder: Path, items: int) -> Path:
    db = folder / "plans.db"
    for name, data in (("ASB 2012", "demo-asb-2012.csv"), ("ASB 2013", "demo-asb-2013.csv")):
        run(db, "audit", "create", name, "--set", SET)
        run(db, "answers", "import", name, str(ROOT / "data" / data))
    plan = folder / f"plan-{items}.csv"
    plan_csv(plan, items)
    run(db, "plan", "import", "P", str(plan))
    return db


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, nargs="+", default=[1000, 10_000])
    p.add_argument("--skip-pdf-over", type=int, default=None, metavar="N",
                   help="leave out the PDF for plans of more than N items")
    args = p.parse_args(argv)
    audits = ["--audits", "ASB 2012", "ASB 2013"]
    print(f"{'items':>7}  {'command':<12} {'seconds':>8} {'peak MB':>8} {'CPU s':>8}")
    figures: dict[tuple[int, str], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for items in args.items:
            folder = Path(tmp) / str(items)
            folder.mkdir()
            t = time.perf_counter()
            db = build(folder, items)
            print(f"{items:>7}  {'(set-up)':<12} {time.perf_counter() - t:8.2f}", flush=True)
            steps = [("status", ["plan", "status", "P", *audits]),
                     ("status JSON", ["plan", "status", "P", *audits, "--format", "json"]),
                     ("report XLSX", ["plan", "report", "P", *audits,
                                      "--out", str(folder / "plan.xlsx")])]
            if args.skip_pdf_over is None or items <= args.skip_pdf_over:
                steps.append(("report PDF", ["plan", "report", "P", *audits,
                                             "--out", str(folder / "plan.pdf")]))
            for label, cmd in steps:
                r = figures[items, label] = run(db, *cmd)
                print(f"{items:>7}  {label:<12} {r['s']:8.2f} {r['mb']:8.0f} {r['cpu']:8.2f}",
                      flush=True)
    sizes = sorted(args.items)
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        for label in ("status", "report XLSX", "report PDF"):
            if (small, label) in figures and (big, label) in figures:
                ratio = figures[big, label]["s"] / max(figures[small, label]["s"], 1e-9)
                print(f"{label}: {big // small}x the items took {ratio:.1f}x the time")
    missed = [f"{label} {figures[GOAL_ITEMS, label][key]:.1f} {unit} (goal {goal})"
              for label, limits in GOALS.items() if (GOAL_ITEMS, label) in figures
              for key, unit, goal in (("s", "s", limits[0]), ("mb", "MB", limits[1]))
              if goal is not None and figures[GOAL_ITEMS, label][key] > goal]
    if (GOAL_ITEMS, "status") in figures:
        print("goals met" if not missed else "goals missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
