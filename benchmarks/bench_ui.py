"""Desktop-app speed: start-up to a usable window, and next-record / answer latency on an audit
of 100,000 records (offscreen Qt).

    .venv/bin/python benchmarks/bench_ui.py [--records N] [--repeat K] [--steps S]

Start-up is the best of K new processes; latency is measured over S next-record and answer
steps."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ASB = ROOT / "question_sets" / "hmic-asb-call-listening-2012.yaml"

STARTUP = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.app.start import create_window
w = create_window(sys.argv[1], "bench")
w.show()
app.processEvents()
print(time.perf_counter() - t0)
"""


def build_db(path: str, n: int) -> None:
    from reviewer.ops.audits import create_audit
    from reviewer.ops.importer import import_answers
    from reviewer.workspace import Workspace

    csv = Path(path).with_suffix(".csv")
    with csv.open("w") as f:
        f.write("ref,area,operator,1,3\n")
        for i in range(n):
            f.write(f"INC-{i:06d},Area {i % 7},OP-{i % 40},{'YN'[i % 2]},\n")
    ws = Workspace.open(path, "bench")
    try:
        audit = create_audit(ws, "Big audit", ASB).value
        import_answers(ws, audit.id, csv)
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="start-ups timed")
    parser.add_argument("--steps", type=int, default=60, help="next-record / answer steps")
    args = parser.parse_args()
    n = args.records
    tmp = tempfile.mkdtemp()
    try:
        measure(args, n, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)   # skip interpreter teardown of Qt objects (not what is measured)


def measure(args: argparse.Namespace, n: int, tmp: str) -> None:
    path = os.path.join(tmp, "big.db")
    t = time.perf_counter()
    build_db(path, n)
    print(f"built an audit of {n:,} records in {time.perf_counter() - t:.1f} s")

    starts = []
    for _ in range(max(1, args.repeat)):
        wall = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", STARTUP, path], capture_output=True,
                             text=True, cwd=ROOT, check=True)
        starts.append((time.perf_counter() - wall, float(out.stdout.strip().splitlines()[-1])))
    best = min(starts)
    print(f"start-up to a shown window (whole process): {best[0]:.2f} s "
          f"(in-process {best[1]:.2f} s)  goal < 2 s")

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from ui.app.start import create_window

    window = create_window(path, "bench")
    window.show()
    app.processEvents()
    s = window.scoring
    nxt, ans = [], []
    for _ in range(max(2, args.steps)):
        t = time.perf_counter()
        s.move_record(1)
        app.processEvents()
        nxt.append(time.perf_counter() - t)
        t = time.perf_counter()
        s.answer("Y")
        app.processEvents()
        ans.append(time.perf_counter() - t)
    for label, xs in (("next record", nxt), ("answer (saved)", ans)):
        ms = [1000 * x for x in xs]
        print(f"{label:>15}: median {statistics.median(ms):.1f} ms, "
              f"p95 {sorted(ms)[int(0.95 * len(ms))]:.1f} ms, max {max(ms):.1f} ms  goal < 50 ms")
    t = time.perf_counter()
    s.open_row(n - 1)
    app.processEvents()
    print(f"jump to the last record: {1000 * (time.perf_counter() - t):.1f} ms")
    window.close()


if __name__ == "__main__":
    main()
