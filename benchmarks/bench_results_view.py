"""The first Results view: time from switching to the Results tab on a freshly started app (the
demo audit, 100 records) until the table is painted, and until the chart is too. Each run is a
new process, so imports (matplotlib!) count as they do for a user.
Run: .venv/bin/python benchmarks/bench_results_view.py [--runs N]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402

ONE_RUN = r"""
import sys, time
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
app.setOrganizationName("reviewer-bench"); app.setApplicationName("reviewer-bench")
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from ui.app.start import create_window
from ui.app.main_window import RESULTS
w = create_window(sys.argv[1], "bench", demo_audit=True)
w.show()
app.processEvents()
t0 = time.perf_counter()
w.show_tab(RESULTS)
w.results.table.viewport().repaint()     # the table is painted
table = time.perf_counter() - t0
loop = QEventLoop()
ready = getattr(w.results, "chart_ready", lambda: True)   # older versions: drawn at once
def poll():
    if ready():
        w.results.chart.repaint()
        loop.quit()
timer = QTimer(); timer.timeout.connect(poll); timer.start(5)
QTimer.singleShot(20000, loop.quit)
loop.exec()
print(table, time.perf_counter() - t0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes (default 5)")
    runs = parser.parse_args().runs
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    tables, charts = [], []
    for _ in range(runs):
        tmp = str(scratch.folder("bench-results-view-"))
        out = subprocess.run([sys.executable, "-c", ONE_RUN, os.path.join(tmp, "demo.db"), tmp],
                             capture_output=True, text=True, cwd=ROOT, env=env)
        if out.returncode:
            sys.exit(f"a run failed:\n{out.stderr}")
        table, chart = map(float, out.stdout.split())
        tables.append(table)
        charts.append(chart)
    print(f"first Results view, demo audit (100 records), {runs} fresh processes:")
    print(f"  table shown: median {1000 * statistics.median(tables):.0f} ms "
          f"(best {1000 * min(tables):.0f} ms)  goal < 300 ms")
    print(f"  chart drawn: median {1000 * statistics.median(charts):.0f} ms "
          f"(best {1000 * min(charts):.0f} ms)")


if __name__ == "__main__":
    main()
