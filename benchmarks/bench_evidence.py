"""Accountable-evidence benchmark: ``reviewer verify`` over a long history, and what logging a
view adds to a scoring step.

    .venv/bin/python benchmarks/bench_evidence.py [--events N] [--views K]

Builds, in a temporary folder, an audit of 1,000 records (10 questions, imported) whose history
then grows to N events (default 100,000: views, notes and answers, appended through the
operations layer in large transactions), and times whole processes (wall clock):

  verify          reviewer --db X verify NAME            (goal: < 5 s at 100,000 events)
  verify broken   the same after an event in the middle was edited behind the program's back
                  (must exit 1 with "broken at event SEQ: changed")

Then, on the same database, K scoring steps (``ops.scoring.score``) are timed with and without
logging the record's view first (``ops.evidence.log_view``: a new record, so an event is
written), and K repeated views (within the hour: one read, no write). Goal: logging adds
< 2 ms to a scoring step. Exit status 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NAME = "Bench"
QUESTIONS = 10
SET = "id: bench-evidence\ntitle: Bench\nversion: 1\nsections:\n  - id: s\n    title: S\n" \
      "questions:\n" + "".join(f'  - id: "{i}"\n    section: s\n    text: Q{i}\n    type: '
                               "yes_no\n" for i in range(1, QUESTIONS + 1))


def build(folder: Path, events: int, records: int = 1000) -> Path:
    from reviewer.ops.audits import create_audit
    from reviewer.ops.core import META, write
    from reviewer.ops.importer import import_answers
    from reviewer.workspace import Workspace

    db = folder / "bench.db"
    (folder / "set.yaml").write_text(SET, encoding="utf-8")
    rows = [",".join(["ref", *map(str, range(1, QUESTIONS + 1))])]
    rows += [",".join([f"INC-{i:06d}", *("Y" if (i + q) % 3 else "N"
                                         for q in range(QUESTIONS))]) for i in range(records)]
    (folder / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ws = Workspace.open(str(db), "bench")
    audit = create_audit(ws, NAME, folder / "set.yaml").value
    import_answers(ws, audit.id, folder / "a.csv")
    left = events - 2
    while left > 0:
        batch = min(left, 50_000)
        with write(ws, audit.id, META) as tx:
            for k in range(batch):
                ref = f"INC-{k % records:06d}"
                if k % 10 == 0:
                    tx.event("note", ref, "1", None, f"note {k}", "app")
                else:
                    tx.event("view", ref, detail="record")
        left -= batch
    ws.close()
    return db


def run(db: Path, *argv: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db), *argv],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    return time.perf_counter() - start, done


def scoring_cost(db: Path, k: int) -> tuple[float, float, float]:
    """(ms per scoring step, ms per step with a first view logged, ms per repeated view)."""
    from reviewer.ops.evidence import log_view
    from reviewer.ops.scoring import score
    from reviewer.workspace import Workspace

    ws = Workspace.open(str(db), "bench")
    audit = ws.audit(NAME)
    qs = ws.question_set(audit)
    ids = [r[0] for r in ws.db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY seq",
                                   (audit.id,))]
    refs = dict(ws.db.all("SELECT id, ref FROM record WHERE audit_id = ?", (audit.id,)))

    def steps(offset: int, view: bool) -> float:
        start = time.perf_counter()
        for i in range(k):
            rid = ids[offset + i]
            if view:
                log_view(ws, audit.id, refs[rid])
            score(ws, audit.id, qs, rid, "1", "N" if i % 2 else "Y")
        return (time.perf_counter() - start) * 1000 / k

    plain = steps(0, False)
    viewed = steps(k, True)
    start = time.perf_counter()
    for i in range(k):
        log_view(ws, audit.id, refs[ids[k + i]])          # the same records again: no write
    again = (time.perf_counter() - start) * 1000 / k
    ws.close()
    return plain, viewed, again


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--views", type=int, default=200)
    p.add_argument("--dir", help="where the temporary database goes (a real disk: commits "
                                 "wait for it)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        db = build(folder, args.events)
        print(f"built {args.events:,} events in {time.perf_counter() - start:.1f} s")
        seconds, done = run(db, "verify", NAME)
        print(f"verify {args.events:,} events          {seconds:.2f} s  {done.stdout.strip()}")
        ok = done.returncode == 0 and seconds < 5
        middle = args.events // 2
        conn = sqlite3.connect(db)
        conn.execute("DROP TRIGGER event_no_update")
        conn.execute("UPDATE event SET detail = 'edited' WHERE seq = ?", (middle,))
        conn.commit()
        conn.close()
        seconds, done = run(db, "verify", NAME)
        print(f"verify broken at {middle:,}         {seconds:.2f} s  {done.stdout.strip()} "
              f"(exit {done.returncode})")
        ok = ok and done.returncode == 1 and f"broken at event {middle}: changed" in done.stdout
        k = min(args.views, 400)
        plain, viewed, again = scoring_cost(db, k)
        added = viewed - plain
        print(f"scoring step {plain:.2f} ms; with the record's view logged {viewed:.2f} ms "
              f"(+{added:.2f} ms); a repeated view {again:.3f} ms  ({k} steps each)")
        ok = ok and added < 2
        print("goals met" if ok else "GOAL MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
