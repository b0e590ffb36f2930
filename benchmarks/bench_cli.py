"""Command-line benchmark: import and tally 100,000 records, against a naive recount of the CSV.

    .venv/bin/python benchmarks/bench_cli.py [--rows N | --million] [--repeat K]

Writes a 10-question set (yes_no and choice questions, two of them follow-ups) and a CSV of
N records with four extra fields in a temporary folder, then times whole processes (wall clock,
best of K):

  import    reviewer --db X answers import NAME FILE   (into a fresh audit; create untimed)
  reimport  the same file again into that audit: every record an update, nothing changed
  changed   a file of the same refs with other answers (nearly all changed) into a copy of it
  verify    reviewer --db X verify NAME after the import and the changed re-import (once)
  tally by200  tally --by operator, a field of 200 values (and its naive count)
  tally     reviewer --db X tally NAME --format json
  tally by  reviewer --db X tally NAME --by area --format json
  naive     python -c "<csv + collections.Counter over the same file>" (and its --by variant)

and prints each with its peak memory (the process's maximum resident set) and the ratios to
the naive recount. Goals: import <= 6x naive, reimport and changed <= 2x import, tally <= 1x,
tally by <= 1.5x the naive count by the same field, every process under 300 MB; the database
after the import <= 4x the CSV, and what the changed re-import adds <= 4x (docs/performance.md).
It also checks that the tally JSON equals the naive counts; exit status 1 if it does not.

For scale it also times "sqlite only": SQLite alone writing the same record and answer rows
into the same schema from a temporary table (no Python per row, no file to read) — the part of
an import that no importer code can make faster.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
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
# The naive recount by a field (area): the same, one Counter per area and question.
NAIVE_BY = """\
import csv, json, sys
from collections import Counter, defaultdict
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = csv.reader(f)
    header = next(rows)
    cols = [(i, h) for i, h in enumerate(header) if h.startswith('q')]
    by = header.index(sys.argv[2] if len(sys.argv) > 2 else 'area')
    counts = defaultdict(Counter)
    for row in rows:
        g = row[by]
        for i, h in cols:
            counts[(g, h)][row[i]] += 1
print(len(counts))
"""


def write_files(folder: Path, rows: int, seed: int = 2012,
                name: str = "answers.csv") -> tuple[Path, Path]:
    set_path = folder / "bench-set.yaml"
    set_path.write_text(SET_YAML, encoding="utf-8")
    rnd = random.Random(seed)
    csv_path = folder / name
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


PEAKS: dict[str, float] = {}


def run(cmd: list[str], step: str = "") -> tuple[float, str]:
    """Wall seconds and stdout of a whole process; its peak memory (MB) kept under ``step``."""
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
    return elapsed, stdout


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


def stored_mb(db: Path) -> float:
    """The database's size on disk (its write-ahead log checkpointed into it), in MB."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")
               if not p.name.endswith("-writer")) / 1e6


def breakdown(db: Path) -> str:
    """The largest tables and indexes of the database, in MB (SQLite's dbstat), if it has it."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
                           "ORDER BY 2 DESC LIMIT 6").fetchall()
    except sqlite3.Error:
        return "(no dbstat)"
    finally:
        con.close()
    return ", ".join(f"{name} {size / 1e6:.1f}" for name, size in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="1,000,000 records")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.million:
        args.rows = 1_000_000
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
                              str(csv_path)], "import")
            imports.append(elapsed)
        first_mb = stored_mb(folder / "import-0.db")
        _, changed_path = write_files(folder, args.rows, seed=2013, name="changed.csv")
        for i in range(args.repeat):
            shutil.copy(folder / f"import-{i}.db", folder / f"changed-{i}.db")
        changes = [run([*reviewer, "--db", str(folder / f"changed-{i}.db"), "answers",
                        "import", NAME, str(changed_path)], "changed")[0]
                   for i in range(args.repeat)]
        changed_mb = stored_mb(folder / "changed-0.db")
        parts = (breakdown(folder / "import-0.db"), breakdown(folder / "changed-0.db"))
        t_verify = run([*reviewer, "--db", str(folder / "changed-0.db"), "verify", NAME],
                       "verify")[0]                 # the import's and the re-import's events
        reimports = [run([*reviewer, "--db", str(folder / f"import-{i}.db"), "answers",
                          "import", NAME, str(csv_path)], "reimport")[0]
                     for i in range(args.repeat)]
        tallies, outputs, bys, by200 = [], set(), [], []
        for _ in range(args.repeat):
            elapsed, out = run([*reviewer, "--db", str(db), "tally", NAME, "--format", "json"],
                               "tally")
            tallies.append(elapsed)
            outputs.add(out)
            bys.append(run([*reviewer, "--db", str(db), "tally", NAME, "--by", "area",
                            "--format", "json"], "tally by")[0])
            by200.append(run([*reviewer, "--db", str(db), "tally", NAME, "--by", "operator",
                              "--format", "json"], "tally by200")[0])
        naives, naive_bys, naive_200 = [], [], []
        for _ in range(args.repeat):
            elapsed, out = run([sys.executable, "-c", NAIVE, str(csv_path)], "naive")
            naives.append(elapsed)
            naive_bys.append(run([sys.executable, "-c", NAIVE_BY, str(csv_path)],
                                 "naive by")[0])
            naive_200.append(run([sys.executable, "-c", NAIVE_BY, str(csv_path), "operator"],
                                 "naive by200")[0])
        naive = json.loads(out)
        floors = [sqlite_only(db, pristine, folder / f"floor-{i}.db")
                  for i in range(args.repeat)]

        doc = json.loads(outputs.pop())
        expected = expected_from_naive(naive)
        got = {q["id"]: {k: q[k] for k in expected[q["id"]]} for q in doc["questions"]}
        same = doc["records"] == naive["records"] == args.rows and got == expected and not outputs

    t_import, t_tally, t_naive = min(imports), min(tallies), min(naives)
    t_reimport, t_by, t_naive_by = min(reimports), min(bys), min(naive_bys)
    t_changed, t_by200, t_naive_200 = min(changes), min(by200), min(naive_200)
    print(f"{args.rows:,} records, {len(QUESTIONS)} questions, {len(FIELDS)} fields; "
          f"CSV {size / 1e6:.1f} MB; best of {args.repeat}, whole processes; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'step':<12} {'seconds':>8} {'ratio':>7} {'to':<10} {'goal':>6} {'peak MB':>8}")
    rows = [("import", t_import, t_import / t_naive, "naive", 6.0),
            ("reimport", t_reimport, t_reimport / t_import, "import", 2.0),
            ("changed", t_changed, t_changed / t_import, "import", 2.0),
            ("verify", t_verify, t_verify / t_import, "import", None),
            ("tally", t_tally, t_tally / t_naive, "naive", 1.0),
            ("tally by", t_by, t_by / t_naive_by, "naive by", 1.5),
            ("tally by200", t_by200, t_by200 / t_naive_200, "naive 200", 1.5),
            ("naive", t_naive, 1.0, "", None), ("naive by", t_naive_by, 1.0, "", None)]
    for step, seconds, ratio, to, goal in rows:
        print(f"{step:<12} {seconds:8.2f} {ratio:7.2f} {to:<10} "
              f"{'' if goal is None else f'<= {goal:g}':>6} {PEAKS.get(step, 0):8.0f}")
    t_floor = min(floors)
    print(f"{'sqlite only':<12} {t_floor:8.2f} {t_floor / t_naive:7.2f} {'naive':<10} "
          "  (SQLite alone writing the rows: part of import)")
    print(f"database after import {first_mb:.1f} MB = {first_mb * 1e6 / size:.2f}x the CSV "
          f"(goal <= 4); a re-import changing nearly every answer adds "
          f"{changed_mb - first_mb:.1f} MB = {(changed_mb - first_mb) * 1e6 / size:.2f}x (<= 4)")
    print(f"  after the import (MB): {parts[0]}")
    print(f"  after the changed re-import (MB): {parts[1]}")
    print(f"tally JSON equals the naive counts: {'yes' if same else 'NO'}")
    memory = max(PEAKS[s] for s in ("import", "reimport", "changed", "verify", "tally",
                                    "tally by")) < 300
    ok = (same and memory and t_tally <= t_naive and t_import <= 6 * t_naive
          and t_reimport <= 2 * t_import and t_by <= 1.5 * t_naive_by
          and t_changed <= 2 * t_import and t_by200 <= 1.5 * t_naive_200
          and first_mb * 1e6 <= 4 * size and (changed_mb - first_mb) * 1e6 <= 4 * size)
    print("goals met" if ok else "goals NOT met")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
