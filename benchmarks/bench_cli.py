"""Command-line benchmark: import and tally 100,000 records, against a naive recount of the CSV.

    .venv/bin/python benchmarks/bench_cli.py [--rows N | --million] [--repeat K]
                                             [--engine sqlite|postgresql|both]

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

``--engine postgresql`` (or ``both``): the same ``reviewer --db URL`` processes on a throwaway
cluster (skipped without the server binaries), databases copied by ``CREATE DATABASE ...
TEMPLATE`` where SQLite copies the file, sizes from the server, "pg only" for "sqlite only",
the client processes' peak memory (not the server's): benchmarks/cli_pg.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import closing, nullcontext
from pathlib import Path

from cli_steps import report, run, steps
from cli_steps import reviewer_cmd as reviewer_cmd  # bench_outputs.py, bench_startup.py

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
        # schema 10: a record's answers are one row, its pack (docs/performance.md)
        con.execute("CREATE TEMP TABLE a AS SELECT * FROM src.answer_pack ORDER BY record_id")
        con.execute("DETACH DATABASE src")
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO record SELECT * FROM temp.r")
        con.execute("INSERT INTO answer_pack SELECT * FROM temp.a")
        con.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        con.close()


class SqliteFiles:
    """The SQLite side of the steps: each database a file in ``folder``; a copy is a file copy."""

    floor_label, floor_note = "sqlite only", "(SQLite alone writing the rows: part of import)"
    stored = "database"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def target(self, name: str) -> str:
        return str(self.folder / f"{name}.db")

    def copy(self, source: str, name: str) -> None:
        shutil.copy(self.target(source), self.target(name))

    def size(self, name: str) -> float:
        """The database's size on disk (its write-ahead log checkpointed into it), in MB."""
        db = Path(self.target(name))
        with closing(sqlite3.connect(db)) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")
                   if not p.name.endswith("-writer")) / 1e6

    def breakdown(self, name: str) -> str:
        """The largest tables and indexes, in MB (SQLite's dbstat), if it has it."""
        with closing(sqlite3.connect(self.target(name))) as con:
            try:
                rows = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
                                   "ORDER BY 2 DESC LIMIT 6").fetchall()
            except sqlite3.Error:
                return "(no dbstat)"
        return ", ".join(f"{name} {size / 1e6:.1f}" for name, size in rows)

    def floor(self, imported: str, name: str) -> float:
        return sqlite_only(Path(self.target(imported)), Path(self.target("pristine")),
                           Path(self.target(name)))

    def notes(self, csv_size: int) -> list[str]:
        return []


def naive_counts(csv_path: Path, repeat: int) -> dict:
    """The naive recounts' seconds (one per run) and the counts they found."""
    out: dict = {"naive": [], "naive by": [], "naive by200": []}
    for _ in range(repeat):
        elapsed, text = run([sys.executable, "-c", NAIVE, str(csv_path)], "naive")
        out["naive"].append(elapsed)
        for step, by in (("naive by", []), ("naive by200", ["operator"])):
            out[step].append(run([sys.executable, "-c", NAIVE_BY, str(csv_path), *by], step)[0])
    out["counts"] = json.loads(text)
    return out


def tally_is_naive(got: dict, naive: dict, rows: int) -> bool:
    """Whether every tally JSON printed was the same, with the naive recount's counts."""
    doc = json.loads(next(iter(got["outputs"])))
    expected = expected_from_naive(naive["counts"])
    counted = {q["id"]: {k: q[k] for k in expected[q["id"]]} for q in doc["questions"]}
    return (doc["records"] == naive["counts"]["records"] == rows and counted == expected
            and len(got["outputs"]) == 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="1,000,000 records")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = parser.parse_args()
    if args.million:
        args.rows = 1_000_000
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        set_path, csv_path = write_files(folder, args.rows)
        _, changed_path = write_files(folder, args.rows, seed=2013, name="changed.csv")
        size = csv_path.stat().st_size
        naive = naive_counts(csv_path, args.repeat)   # the anchor, shared by both engines
        sides = []
        if args.engine in ("sqlite", "both"):
            sides.append(("", lambda: nullcontext(SqliteFiles(folder))))
        if args.engine in ("postgresql", "both"):
            from cli_pg import PostgresDatabases
            sides.append(("postgresql: ", PostgresDatabases.cluster))
        for prefix, side in sides:
            with side() as eng:
                if eng is None:
                    continue
                start = os.getloadavg()[0]
                got = steps(eng, NAME, set_path, csv_path, changed_path, args.repeat)
                ok = tally_is_naive(got, naive, args.rows)
                title = (f"{prefix}{args.rows:,} records, {len(QUESTIONS)} questions, "
                         f"{len(FIELDS)} fields; CSV {size / 1e6:.1f} MB; best of {args.repeat}, "
                         f"whole processes; load average {start:.1f} -> "
                         f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
                report(eng, got, naive, title, size, ok)
                same &= ok
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
