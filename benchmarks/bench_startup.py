"""Start-up: `reviewer --help` and `reviewer tally` on a small audit, against `python -c pass`.

    .venv/bin/python benchmarks/bench_startup.py [--records 12] [--repeat 15]

Each command runs as a whole process, once untimed (Python caches the compiled modules) and
then ``--repeat`` times in turn; the best time of each is
printed with its ratio to ``python -c pass`` (the interpreter alone). Goal (docs/performance.md):
each at most 3x. The audit (``--records`` records of bench_cli.py's question set) is imported
first, untimed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import NAME, reviewer_cmd, write_files  # noqa: E402

GOAL = 3.0


# As installed: compiled modules cached (a shell with PYTHONDONTWRITEBYTECODE would time the
# compiler instead); the first, untimed round writes the cache.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    reviewer = reviewer_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        set_path, csv_path = write_files(folder, args.records)
        db = str(folder / "small.db")
        subprocess.run([*reviewer, "--db", db, "audit", "create", NAME, "--set", str(set_path)],
                       check=True, capture_output=True)
        subprocess.run([*reviewer, "--db", db, "answers", "import", NAME, str(csv_path)],
                       check=True, capture_output=True)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "reviewer --help": [*reviewer, "--help"],
            "reviewer tally": [*reviewer, "--db", db, "tally", NAME],
            "reviewer tally --format json": [*reviewer, "--db", db, "tally", NAME,
                                             "--format", "json"],
        }
        best = {name: float("inf") for name in commands}
        for cmd in commands.values():
            timed(cmd)
        for _ in range(max(1, args.repeat)):
            for name, cmd in commands.items():
                best[name] = min(best[name], timed(cmd))
    anchor = best["python -c pass"]
    print(f"start-up, best of {args.repeat} (audit of {args.records} records); goal <= {GOAL:g}x "
          f"python -c pass  load {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    met = True
    for name, seconds in best.items():
        ratio = seconds / anchor
        print(f"{name:<30} {seconds * 1000:7.1f} ms {ratio:6.2f}x")
        met &= ratio <= GOAL
    print("goals met" if met else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
