"""Re-import benchmark on files of other shapes than bench_cli.py's (issue goal: a re-import of
a 100k file whose answers have nearly all changed <= 2x the first import; docs/performance.md,
"Re-import on other files").

    .venv/bin/python benchmarks/bench_reimport.py [--rows N] [--repeat K] [--shape NAME ...]

For each shape it writes a question set and two CSV files of the same N refs whose answers are
drawn apart (nearly every answer changes), then times whole processes (wall clock, best of K):
the first import into a fresh audit, and the second file imported into that audit (the
changed re-import), each with its peak memory; the ratio of the two; and how many stored
answers or notes the re-import changed (from the program's own summary); "goals met" if
every ratio is within the goal. Shapes:

  ten        bench_cli.py's ten questions (yes_no and choice, two follow-ups) and four fields
  notes      the same, with note columns for q1 and q5 (about half the rows noted, changing)
  thirty     thirty yes/no questions with n/a and blanks, one field
  text       ten free-text questions of a few words each, one field
  shuffled   notes, the changed file's rows in another order than the first's (a file sorted
             otherwise, or exported from another system)
  textnotes  text, with note columns for five of its questions (a few words each, nearly every
             one changing), the changed file's rows in another order
  thin       a ref and ten yes/no answers (Y, N, n/a, blank), no other column: the dearest file
             to store for its size (goal 5)

Beside each ratio it prints the database's size after the first import against the first file's
(its write-ahead log checkpointed into it; goal 5: <= 4x the CSV).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from bench_cli import write_files
from cli_steps import PEAKS, reviewer_cmd, run, run_both

GOAL = 2.0
STORE_GOAL = 4.0      # the database after the first import, against the CSV
NOTES = ["", "", "called back", "caller upset", "checked the log", 'said "later"']
WORDS = ["caller", "asked", "for", "an", "update", "officer", "attended", "no", "reply", "café"]


def _set(folder: Path, name: str, qids: list[str], kind: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"id: {name}\ntitle: {name}\nversion: 1\nsections:\n  - id: a\n"
                    "    title: A\nquestions:\n" + "".join(
                        f'  - id: "{q}"\n    section: a\n    text: Question {q}?\n'
                        f"    type: {kind}\n" for q in qids), encoding="utf-8")
    return path


def _rows(path: Path, header: list[str], rows: int, cell, seed: int) -> Path:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        for n in range(rows):
            out.writerow([f"R-{n:07d}", *(cell(rnd, h) for h in header[1:])])
    return path


def _noted(src: Path, dst: Path, seed: int) -> Path:
    """bench_cli.py's file with note columns for q1 and q5."""
    rnd = random.Random(seed)
    with src.open(newline="", encoding="utf-8") as f, dst.open("w", newline="",
                                                               encoding="utf-8") as g:
        rows, out = csv.reader(f), csv.writer(g)
        out.writerow([*next(rows), "note:q1", "note:q5"])
        for row in rows:
            out.writerow([*row, rnd.choice(NOTES), rnd.choice(NOTES)])
    return dst


def _shuffled(src: Path, dst: Path, seed: int) -> Path:
    """``src`` with its rows (not its header) in a random order, made in a process of its own:
    it holds every row at once, and a process the benchmark starts after it would otherwise
    count that memory in its own peak (a child forked from a large process starts as large)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
            "from bench_reimport import shuffle_rows; "
            "shuffle_rows(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))")
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(src), str(dst),
                    str(seed)], check=True)
    return dst


def shuffle_rows(src: Path, dst: Path, seed: int) -> None:
    """What :func:`_shuffled` runs."""
    with src.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    random.Random(seed).shuffle(rows)
    with dst.open("w", newline="", encoding="utf-8") as g:
        out = csv.writer(g)
        out.writerow(header)
        out.writerows(rows)


def _yes_no(rnd: random.Random, column: str) -> str:
    if column == "team":
        return rnd.choice("ABCD")
    r = rnd.random()
    return "" if r < 0.1 else "n/a" if r < 0.2 else rnd.choice("YN")


def _text(rnd: random.Random, column: str) -> str:
    if column == "team":
        return rnd.choice("ABCD")
    return "" if rnd.random() < 0.05 else " ".join(rnd.choices(WORDS, k=rnd.randint(1, 4)))


def files(folder: Path, shape: str, rows: int) -> tuple[Path, Path, Path]:
    """(question set, first file, changed file) of ``shape``."""
    if shape in ("ten", "notes", "shuffled"):
        set_path, first = write_files(folder, rows)
        _, second = write_files(folder, rows, seed=2013, name="changed.csv")
        if shape == "ten":
            return set_path, first, second
        noted = _noted(second, folder / "n2.csv", 2)
        return (set_path, _noted(first, folder / "n1.csv", 1),
                noted if shape == "notes" else _shuffled(noted, folder / "n3.csv", 3))
    qids = [f"question_{i + 1}" for i in range(30 if shape == "thirty" else 10)]
    kind, cell = ("yes_no", _yes_no) if shape in ("thirty", "thin") else ("text", _text)
    set_path = _set(folder, shape, qids, kind)
    notes = [f"note:{q}" for q in qids[::2]] if shape == "textnotes" else []
    header = ["ref", *qids, *notes, *([] if shape == "thin" else ["team"])]
    second = _rows(folder / "b.csv", header, rows, cell, 2)
    return (set_path, _rows(folder / "a.csv", header, rows, cell, 1),
            _shuffled(second, folder / "b3.csv", 3) if notes else second)


def stored(db: str) -> int:
    """The database's bytes on disk, its write-ahead log checkpointed into it."""
    with closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(db)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")
               if not p.name.endswith("-writer"))


def measure(folder: Path, shape: str, rows: int,
            repeat: int) -> tuple[float, float, int, float]:
    """Best first import and best changed re-import (seconds), the answers changed, and the
    database after the first import against the first file (bytes)."""
    set_path, first, second = files(folder, shape, rows)
    cli = reviewer_cmd()
    firsts, changes, changed = [], [], 0
    for i in range(repeat):
        db = str(folder / f"{shape}-{i}.db")
        run([*cli, "--db", db, "audit", "create", "Bench", "--set", str(set_path)])
        firsts.append(run([*cli, "--db", db, "answers", "import", "Bench", str(first)],
                          f"{shape} import")[0])
        size = stored(db) / first.stat().st_size
        elapsed, _, out = run_both([*cli, "--db", db, "answers", "import", "Bench",
                                    str(second)], f"{shape} changed")
        changes.append(elapsed)
        found = re.search(r"\((\d+) stored answers or notes changed\)", out)
        changed = int(found.group(1)) if found else 0
    return min(firsts), min(changes), changed, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    shapes = ["ten", "notes", "thirty", "text", "shuffled", "textnotes", "thin"]
    parser.add_argument("--shape", nargs="+", default=shapes, choices=shapes)
    args = parser.parse_args()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"re-import of {args.rows:,} records, nearly every answer changed; best of "
          f"{args.repeat}, whole processes; goal <= {GOAL:g}x the first import, the database "
          f"<= {STORE_GOAL:g}x the first file  load {load}")
    print(f"{'shape':9} {'import s':>9} {'changed s':>10} {'ratio':>7} {'changed':>10} "
          f"{'peak MB':>8} {'db/csv':>7}")
    met = True
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shape:
            folder = Path(tmp) / shape
            folder.mkdir()
            first, changed, count, size = measure(folder, shape, args.rows, args.repeat)
            ratio = changed / first
            met &= ratio <= GOAL and size <= STORE_GOAL
            peak = max(PEAKS[f"{shape} import"], PEAKS[f"{shape} changed"])
            print(f"{shape:9} {first:9.2f} {changed:10.2f} {ratio:6.2f}x {count:10,} "
                  f"{peak:8.0f} {size:6.2f}x", flush=True)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"goals {'met' if met else 'NOT met'}  load {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
