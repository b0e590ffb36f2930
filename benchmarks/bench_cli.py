"""Command-line benchmark: import and tally 100,000 records, against a naive recount of the CSV.

    .venv/bin/python benchmarks/bench_cli.py [--rows N] [--repeat K]

Writes a 10-question set (yes_no and choice questions, two of them follow-ups) and a CSV of
N records with four extra fields in a temporary folder, then times whole processes (wall clock,
best of K):

  import  reviewer --db X answers import NAME FILE   (into a fresh audit; audit create untimed)
  tally   reviewer --db X tally NAME --format json
  naive   python -c "<csv + collections.Counter over the same file>"

and prints the figures with the ratios tally/naive (goal <= 1.0) and import/naive (goal <= 6.0).
It also checks that the tally JSON equals the naive counts; exit status 1 if it does not.

For scale it also times "sqlite only": SQLite alone writing the same record and answer rows
into the same schema from a temporary table (no Python per row, no file to read) — the part of
an import that no importer code can make faster.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAME = "Bench"
CHOICES = {"q4": ["Response", "CID", "NPT", "None"], "q6": ["ASB E", "ASB N", "ASB P", "Other"],
           "q9": ["Phone", "Visit", "Letter", "Email", "None"]}
QUESTIONS = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"]
FOLLOW_UPS = {"q3": ("q2", {"Y"}), "q7": ("q6", {"ASB E", "ASB N"})}
FIELDS = ["date", "area", "operator", "channel"]
AREAS = ["London North", "London South", "Scotland", "Wales & Western", "Midlands", "Pennine"]

SET_YAML = """\
id: bench-set
title: Benchmark set
version: 1
sections:
  - id: a
    title: First
  - id: b
    title: Second
questions:
""" + "".join(
    f"  - id: \"{q}\"\n    section: {'a' if i < 5 else 'b'}\n    text: Question {q}?\n"
    + (f"    type: choice\n    choices: {json.dumps(CHOICES[q])}\n" if q in CHOICES
       else "    type: yes_no\n")
    + (f"    ask_if: {{\"{FOLLOW_UPS[q][0]}\": {json.dumps(sorted(FOLLOW_UPS[q][1]))}}}\n"
       if q in FOLLOW_UPS else "")
    for i, q in enumerate(QUESTIONS))

# The naive recount: read the CSV and count each question column's cells.
NAIVE = """\
import csv, json, sys
from collections import Counter
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = csv.reader(f)
    header = next(rows)
    cols = [(i, h) for i, h in enumerate(header) if h.startswith('q')]
    counts = {h: Counter() for _, h in cols}
    n = 0
    for row in rows:
        n += 1
        for i, h in cols:
            counts[h][row[i]] += 1
print(json.dumps({'records': n, 'counts': counts}))
"""


def write_files(folder: Path, rows: int, seed: int = 2012) -> tuple[Path, Path]:
    set_path = folder / "bench-set.yaml"
    set_path.write_text(SET_YAML, encoding="utf-8")
    rnd = random.Random(seed)
    csv_path = folder / "answers.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["ref", *QUESTIONS, *FIELDS])
        for n in range(rows):
            answers: dict[str, str] = {}
            for q in QUESTIONS:
                if q in FOLLOW_UPS:
                    parent, wanted = FOLLOW_UPS[q]
                    if answers[parent] == "":
                        answers[q] = ""          # pending: unanswered too
                        continue
                    if answers[parent] not in wanted:
                        answers[q] = "n/a"       # not asked
                        continue
                r = rnd.random()
                if r < 0.02:
                    answers[q] = ""
                elif r < 0.07:
                    answers[q] = "n/a"
                elif q in CHOICES:
                    answers[q] = rnd.choice(CHOICES[q])
                else:
                    answers[q] = "Y" if r < 0.6 else "N"
            writer.writerow([f"INC-{n:07d}", *answers.values(),
                             f"2024-05-{n % 30 + 1:02d}", rnd.choice(AREAS),
                             f"OP-{rnd.randrange(200):03d}", rnd.choice(["999", "101", "web"])])
    return set_path, csv_path


def reviewer_cmd() -> list[str]:
    script = Path(sys.executable).with_name("reviewer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reviewer"]


def run(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
    return elapsed, done.stdout


def expected_from_naive(naive: dict) -> dict[str, dict]:
    out = {}
    for q in QUESTIONS:
        c = naive["counts"][q]
        d = {"na": c.get("n/a", 0), "unanswered": c.get("", 0)}
        if q in CHOICES:
            d["counts"] = {label: c.get(label, 0) for label in CHOICES[q]}
            d["total"] = sum(d["counts"].values())
        else:
            d.update(yes=c.get("Y", 0), no=c.get("N", 0))
            d["total"] = d["yes"] + d["no"]
        out[q] = d
    return out


def sqlite_only(imported: Path, pristine: Path, target: Path) -> float:
    """Seconds for SQLite to insert ``imported``'s records and answers into a copy of
    ``pristine`` in one transaction (with the settings the importer uses)."""
    shutil.copy(pristine, target)
    con = sqlite3.connect(target, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA cache_size=-65536")
        con.execute("ATTACH DATABASE ? AS src", (str(imported),))
        con.execute("CREATE TEMP TABLE r AS SELECT * FROM src.record ORDER BY id")
        con.execute("CREATE TEMP TABLE a AS SELECT * FROM src.answer "
                    "ORDER BY record_id, question_id")
        con.execute("DETACH DATABASE src")
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO record SELECT * FROM temp.r")
        con.execute("INSERT INTO answer SELECT * FROM temp.a")
        con.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    reviewer = reviewer_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        set_path, csv_path = write_files(folder, args.rows)
        size = csv_path.stat().st_size

        pristine = folder / "pristine.db"
        run([*reviewer, "--db", str(pristine), "audit", "create", NAME, "--set", str(set_path)])
        imports = []
        for i in range(args.repeat):
            db = folder / f"import-{i}.db"
            shutil.copy(pristine, db)                   # a fresh audit; creating it is untimed
            elapsed, _ = run([*reviewer, "--db", str(db), "answers", "import", NAME,
                              str(csv_path)])
            imports.append(elapsed)
        tallies, outputs = [], set()
        for _ in range(args.repeat):
            elapsed, out = run([*reviewer, "--db", str(db), "tally", NAME, "--format", "json"])
            tallies.append(elapsed)
            outputs.add(out)
        naives = []
        for _ in range(args.repeat):
            elapsed, out = run([sys.executable, "-c", NAIVE, str(csv_path)])
            naives.append(elapsed)
        naive = json.loads(out)
        floors = [sqlite_only(db, pristine, folder / f"floor-{i}.db")
                  for i in range(args.repeat)]

        doc = json.loads(outputs.pop())
        expected = expected_from_naive(naive)
        got = {q["id"]: {k: q[k] for k in expected[q["id"]]} for q in doc["questions"]}
        same = doc["records"] == naive["records"] == args.rows and got == expected and not outputs

    t_import, t_tally, t_naive = min(imports), min(tallies), min(naives)
    print(f"{args.rows:,} records, {len(QUESTIONS)} questions, {len(FIELDS)} fields; "
          f"CSV {size / 1e6:.1f} MB; best of {args.repeat}, whole processes")
    print(f"{'step':<10} {'seconds':>8} {'ratio to naive':>15} {'goal':>6}")
    print(f"{'import':<10} {t_import:8.2f} {t_import / t_naive:15.2f} {'<= 6':>6}")
    print(f"{'tally':<10} {t_tally:8.2f} {t_tally / t_naive:15.2f} {'<= 1':>6}")
    print(f"{'naive':<10} {t_naive:8.2f} {1:15.2f}")
    t_floor = min(floors)
    print(f"{'sqlite only':<10} {t_floor:7.2f} {t_floor / t_naive:15.2f}   (part of import)")
    print(f"tally JSON equals the naive counts: {'yes' if same else 'NO'}")
    ok = same and t_tally <= t_naive and t_import <= 6 * t_naive
    print("goals met" if ok else "goals NOT met")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
