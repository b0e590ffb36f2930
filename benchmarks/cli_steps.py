"""The steps of benchmarks/bench_cli.py on either engine, and the table of figures it prints.

An engine side (``bench_cli.SqliteFiles``, ``cli_pg.PostgresDatabases``) names its databases
and says how to copy one, how big one is, and how fast the engine alone writes the rows; the
steps are the same ``reviewer --db TARGET ...`` processes on both (docs/performance.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEAKS: dict[str, float] = {}
TIMED = ("import", "reimport", "changed", "verify", "tally", "tally by", "tally by200")


def reviewer_cmd() -> list[str]:
    script = Path(sys.executable).with_name("reviewer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reviewer"]


def run(cmd: list[str], step: str = "") -> tuple[float, str]:
    """Wall seconds and stdout of a whole process; its peak memory (MB) kept under ``step``."""
    elapsed, stdout, _ = run_both(cmd, step)
    return elapsed, stdout


def run_both(cmd: list[str], step: str = "") -> tuple[float, str, str]:
    """:func:`run`, with the process's stderr too (where ``answers import`` says what it did)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr}")
    if step:
        PEAKS[step] = max(PEAKS.get(step, 0.0), usage.ru_maxrss / 1024)
    return elapsed, stdout, stderr


def steps(eng, name: str, set_path: Path, csv_path: Path, changed_path: Path,
          repeat: int) -> dict:
    """Every step's seconds (one per run), the tally outputs, the sizes (MB) and breakdowns."""
    reviewer = reviewer_cmd()
    for step in TIMED:
        PEAKS.pop(step, None)                   # this engine's client processes, anew

    def cli(db: str, *argv: str, step: str = "") -> tuple[float, str]:
        return run([*reviewer, "--db", eng.target(db), *argv], step)

    cli("pristine", "audit", "create", name, "--set", str(set_path))
    out: dict = {step: [] for step in TIMED}
    out["outputs"] = set()
    for i in range(repeat):
        eng.copy("pristine", f"import_{i}")             # a fresh audit; creating it is untimed
        out["import"].append(cli(f"import_{i}", "answers", "import", name, str(csv_path),
                                 step="import")[0])
    out["first_mb"] = eng.size("import_0")
    for i in range(repeat):
        eng.copy(f"import_{i}", f"changed_{i}")         # untimed too
        out["changed"].append(cli(f"changed_{i}", "answers", "import", name, str(changed_path),
                                  step="changed")[0])
    out["changed_mb"] = eng.size("changed_0")
    out["parts"] = (eng.breakdown("import_0"), eng.breakdown("changed_0"))
    # the import's and the re-import's events
    out["verify"].append(cli("changed_0", "verify", name, step="verify")[0])
    for i in range(repeat):
        out["reimport"].append(cli(f"import_{i}", "answers", "import", name, str(csv_path),
                                   step="reimport")[0])
    last = f"import_{repeat - 1}"
    for _ in range(repeat):
        elapsed, text = cli(last, "tally", name, "--format", "json", step="tally")
        out["tally"].append(elapsed)
        out["outputs"].add(text)
        for step, field in (("tally by", "area"), ("tally by200", "operator")):
            out[step].append(cli(last, "tally", name, "--by", field, "--format", "json",
                                 step=step)[0])
    out["floor"] = [eng.floor(last, f"floor_{i}") for i in range(repeat)]
    return out


def report(eng, got: dict, naive: dict, title: str, size: int, same: bool) -> bool:
    """Print one engine's figures, ratios and goals (``same``: the tally equals the naive
    counts); whether every goal is met."""
    t = {step: min(got[step]) for step in TIMED}
    t.update({step: min(naive[step]) for step in ("naive", "naive by", "naive by200")})
    first_mb, added_mb = got["first_mb"], got["changed_mb"] - got["first_mb"]
    print(title)
    print(f"{'step':<12} {'seconds':>8} {'ratio':>7} {'to':<10} {'goal':>6} {'peak MB':>8}")
    table = [("import", "naive", 6.0), ("reimport", "import", 2.0), ("changed", "import", 2.0),
             ("verify", "import", None), ("tally", "naive", 1.0),
             ("tally by", "naive by", 1.5), ("tally by200", "naive by200", 1.5),
             ("naive", "", None), ("naive by", "", None)]
    met = same and max(PEAKS[s] for s in TIMED[:-1]) < 300
    for step, to, goal in table:
        ratio = t[step] / t[to] if to else 1.0
        met &= goal is None or ratio <= goal
        print(f"{step:<12} {t[step]:8.2f} {ratio:7.2f} {to.replace('by200', '200'):<10} "
              f"{'' if goal is None else f'<= {goal:g}':>6} {PEAKS.get(step, 0):8.0f}")
    t_floor = min(got["floor"])
    print(f"{eng.floor_label:<12} {t_floor:8.2f} {t_floor / t['naive']:7.2f} {'naive':<10} "
          f"  {eng.floor_note}")
    print(f"{eng.stored} after import {first_mb:.1f} MB = {first_mb * 1e6 / size:.2f}x the CSV "
          f"(goal <= 4); a re-import changing nearly every answer adds "
          f"{added_mb:.1f} MB = {added_mb * 1e6 / size:.2f}x (<= 4)")
    for line in eng.notes(size):
        print(line)
    print(f"  after the import (MB): {got['parts'][0]}")
    print(f"  after the changed re-import (MB): {got['parts'][1]}")
    print(f"tally JSON equals the naive counts: {'yes' if same else 'NO'}")
    met &= first_mb * 1e6 <= 4 * size and added_mb * 1e6 <= 4 * size
    print("goals met" if met else "goals NOT met")
    return met
