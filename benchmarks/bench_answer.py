"""One answer at any size: the scoring operation against a raw transaction doing the same writes.

    .venv/bin/python benchmarks/bench_answer.py [--records 10000,100000] [--answers K]
                                                [--engine sqlite|postgresql|both]

For each size it fills an audit of N records (10 questions, two answers each, straight into the
schema with SQL: the import is timed by bench_cli.py), then gives K answers through
``reviewer.ops.scoring.score`` (the write lock, the audit read under it, the sign-off rule, the
record read, the answer, the history event, the undo entry, the record's completeness, one
commit) and K "raw" transactions issuing the same writes by hand with the engine's own driver
(lock, the history chain's head, answer, event with its salt and hash, undo, record, commit),
and prints the median milliseconds of each and their ratio. Goal (docs/performance.md): op <= 3x
raw at every size, on SQLite and PostgreSQL (a throwaway cluster, as the tests start one; skipped
when the server binaries are missing).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402

QUESTIONS = [f"q{i}" for i in range(1, 11)]
SET_YAML = "id: bench-answer\ntitle: Benchmark\nversion: 1\nsections:\n  - id: a\n    " \
           "title: A\nquestions:\n" + "".join(
               f"  - id: \"{q}\"\n    section: a\n    text: Question {q}?\n    type: yes_no\n"
               for q in QUESTIONS)
GOAL = 3.0


def fill(db, audit_id: int, n: int) -> None:
    """N records with answers to q1 and q2, written by SQL in one transaction."""
    if db.dialect == "sqlite":
        numbers = ("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
                   f"WHERE i < {n}) ")
        source = "k"
    else:
        numbers, source = "", f"generate_series(1, {n}) AS k(i)"
    with db.transaction():
        # field "area" at slot 0 of the records' fields (schema 13: store.field_slots)
        db.execute("INSERT INTO field_slot (audit_id, slot, name) VALUES (?, 0, 'area')",
                   (audit_id,))
        db.execute(f"{numbers}INSERT INTO record (audit_id, seq, ref, fields, complete, "
                   f"assigned_to) SELECT ?, i, 'INC-' || i, '[\"North\"]', "
                   f"FALSE, NULL FROM {source}", (audit_id,))
        for q in ("q1", "q2"):
            db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, "
                       "note, reviewer, answered_at, event_seq) SELECT id, ?, audit_id, 1, 'Y', "
                       "'', 'import', '2026-01-01T00:00:00Z', NULL FROM record "
                       "WHERE audit_id = ?", (q, audit_id))
    if db.dialect == "postgresql":
        db.execute("ANALYZE")


def raw_answer(db, audit_id: int, rid: int, qid: str, value: str) -> None:
    """The same writes as the operation, issued by hand on the driver's connection."""
    from reviewer.store import chain

    conn, pg = db.conn, db.dialect == "postgresql"
    mark = "%s" if pg else "?"
    cur = conn.cursor()

    def run(sql: str, params: tuple = ()) -> None:
        cur.execute(sql.replace("?", mark), params)

    if pg:
        run("BEGIN")
        run("SELECT pg_advisory_xact_lock(1)")
    else:
        run("BEGIN IMMEDIATE")
    # planned afresh on PostgreSQL, as the operation does (a plan psycopg keeps once a
    # statement has run five times reads more of a growing history at every answer:
    # docs/performance.md, "A team of scorers at once")
    head_sql = "SELECT seq, hash FROM event WHERE audit_id = ? ORDER BY seq DESC LIMIT 1"
    if pg:
        cur.execute(head_sql.replace("?", mark), (audit_id,), prepare=False)
    else:
        run(head_sql, (audit_id,))
    head = cur.fetchone()
    seq = head[0] + 1 if head else 1
    prev = bytes(head[1]) if head and head[1] else None
    at = "2026-01-01T00:00:00Z"
    if not pg:      # SQLite keeps a record's answers in one pack, an item per question's
        # slot (docs/performance.md, "Answers packed by position"): read, set, written back
        run("SELECT slot FROM pack_slot WHERE audit_id = ? AND question_id = ?",
            (audit_id, qid))
        slot = cur.fetchone()[0]
        run("SELECT pack FROM answer_pack WHERE record_id = ?", (rid,))
        row = cur.fetchone()
        pack = json.loads(row[0]) if row else []
        pack += [None] * (slot + 1 - len(pack))
        pack[slot] = [1, value, "", "raw", at, seq, "raw"]
        text = json.dumps(pack, separators=(",", ":"))
        if row:
            run("UPDATE answer_pack SET pack = ? WHERE record_id = ?", (text, rid))
        else:
            run("INSERT INTO answer_pack (record_id, audit_id, pack) VALUES (?, ?, ?)",
                (rid, audit_id, text))
    else:
        run("UPDATE answer SET state = 1, value = ?, reviewer = 'raw', login = 'raw', "
            "answered_at = ?, event_seq = ? WHERE record_id = ? AND question_id = ?",
            (value, at, seq, rid, qid))
    if pg and cur.rowcount == 0:
        run("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
            "reviewer, login, answered_at, event_seq) "
            "VALUES (?, ?, ?, 1, ?, '', 'raw', 'raw', ?, ?)", (rid, qid, audit_id, value, at, seq))
    # the history event hash-chained as ops.core.Tx does (docs/evidence.md)
    ref, salt = f"INC-{rid}", chain.new_salt()
    body = chain.canonical(audit_id, seq, at, "raw", "raw", "answer", qid,
                           chain.commitments(salt, ref, None, value, "app"), None)
    run("INSERT INTO event (audit_id, seq, at, reviewer, action, ref, question, before, after, "
        "detail, login, salt, prev, hash) "
        "VALUES (?, ?, ?, 'raw', 'answer', ?, ?, NULL, ?, 'app', 'raw', ?, ?, ?)",
        (audit_id, seq, at, ref, qid, value, salt, prev, chain.event_hash(prev, body)))
    run("INSERT INTO undo (audit_id, record_id, question_id, before, reviewer, at, after) "
        "VALUES (?, ?, ?, '{}', 'raw', ?, '{}')", (audit_id, rid, qid, at))
    run("UPDATE record SET complete = FALSE WHERE id = ?", (rid,))
    conn.commit()


def measure(target: str, n: int, answers: int) -> tuple[float, float]:
    """(median ms of an answer through the operation, median ms of the raw transaction)."""
    from reviewer.ops.audits import create_audit
    from reviewer.ops.scoring import score
    from reviewer.store.audits import question_set
    from reviewer.workspace import Workspace

    tmp = scratch.folder("bench-answer-")
    set_file = tmp / "set.yaml"
    set_file.write_text(SET_YAML, encoding="utf-8")
    ws = Workspace.open(target, "scorer")
    try:
        audit = create_audit(ws, "Bench", set_file).value
        fill(ws.db, audit.id, n)
        qs = question_set(ws.db, audit)
        ids = [r[0] for r in ws.db.all("SELECT id FROM record WHERE audit_id = ? "
                                       "ORDER BY seq LIMIT 2000", (audit.id,))]
        rng = random.Random(1)
        op_ms, raw_ms = [], []
        for i in range(answers):
            rid, qid = rng.choice(ids), QUESTIONS[i % 10]
            value = "Y" if (i // 10) % 2 else "N"
            t0 = time.perf_counter()
            score(ws, audit.id, qs, rid, qid, value)
            t1 = time.perf_counter()
            raw_answer(ws.db, audit.id, rid := rng.choice(ids), qid, value)
            t2 = time.perf_counter()
            op_ms.append((t1 - t0) * 1000)
            raw_ms.append((t2 - t1) * 1000)
        if answers:        # the raw transaction stored what it was given, as the operation does
            stored = ws.db.one("SELECT value, reviewer FROM answer WHERE record_id = ? AND "
                               "question_id = ?", (rid, qid))
            assert stored == (value, "raw"), f"the raw answer was not stored: {stored}"
        return statistics.median(op_ms), statistics.median(raw_ms)
    finally:
        ws.close()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def pg_targets(sizes: list[int]):
    """A throwaway PostgreSQL cluster and a fresh database per size (None when unavailable)."""
    from tests.unit.pg import _admin, _bin_dir, cluster

    bindir = _bin_dir()
    if bindir is None:
        print("postgresql: skipped (no server binaries under /usr/lib/postgresql)")
        return
    with cluster(bindir) as port:
        for n in sizes:
            name = f"bench_{n}"
            with _admin(port) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            yield n, f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", default="10000,100000",
                        help="comma-separated audit sizes (e.g. 10000,100000,1000000)")
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    sizes = [int(s) for s in args.records.split(",")]
    print(f"one answer against a raw transaction doing the same writes ({args.answers} each, "
          f"median); goal op <= {GOAL:g}x raw")
    print(f"{'engine':<11}{'records':>10}{'op ms':>9}{'raw ms':>9}{'ratio':>7}  load")
    met = True
    runs = []
    if args.engine in ("sqlite", "both"):
        tmp = scratch.folder("bench-answer-db-")
        runs += [("sqlite", n, str(tmp / f"a{n}.db")) for n in sizes]
    for engine, n, target in runs:
        op, raw = measure(target, n, args.answers)
        met &= op <= GOAL * raw
        print(f"{engine:<11}{n:>10}{op:>9.2f}{raw:>9.2f}{op / raw:>7.2f}  {load()}", flush=True)
    if args.engine in ("postgresql", "both"):
        for n, url in pg_targets(sizes):
            op, raw = measure(url, n, args.answers)
            met &= op <= GOAL * raw
            print(f"{'postgresql':<11}{n:>10}{op:>9.2f}{raw:>9.2f}{op / raw:>7.2f}  {load()}",
                  flush=True)
    print("goals met" if met else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
