"""A team scoring at once: P processes answering one audit, against P processes doing the same
writes as raw transactions.

    .venv/bin/python benchmarks/bench_team.py [--processes 10,50] [--answers K] [--records N]
                                              [--engine sqlite|postgresql|both]

Each process opens its own connection and gives K answers (``reviewer.ops.scoring.score``) as
fast as it can, all starting together; then the same number of processes run K raw transactions
each (bench_answer.py's ``raw_answer``: the lock, the next history seq, answer, event, undo,
record, commit); ``--rounds`` times, alternating, so that both see the machine alike (a shared
machine's disk and load change from one second to the next). Printed per engine and process
count: throughput (answers per second over the wall time; the median round), p50 and p99
latency over all rounds, the ratios (throughput: the median of the rounds' ratios) and each
round's. Goals (docs/performance.md), for 10 processes:
throughput >= 0.5x raw on both engines; p99 <= 100 ms on SQLite and <= 3x raw on PostgreSQL.
Then the first count of scorers answer (at a person's pace, each completing one record after
another) while another process imports ``--import-rows`` new records into the same audit, and
again while it imports a file of as many rows updating records the scorers are not on
(``--import-updates``), and (``--import-overlap``) a file updating every record, the ones the
scorers are on too; ``--import-notes`` gives the files note columns for three questions and two
fields. Printed: each scorer's longest wait and p99, and the longest of all (goal: under 1 s;
docs/performance.md, "Imports and scorers"). ``--race-only`` skips the team runs.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scratch  # noqa: E402
from bench_answer import QUESTIONS, SET_YAML, fill, load, pg_targets, raw_answer  # noqa: E402


def prepare(target: str, n: int) -> int:
    from reviewer.ops.audits import create_audit
    from reviewer.workspace import Workspace

    set_file = scratch.folder("bench-team-") / "set.yaml"
    set_file.write_text(SET_YAML, encoding="utf-8")
    ws = Workspace.open(target, "lead")
    try:
        audit = create_audit(ws, "Team", set_file).value
        fill(ws.db, audit.id, n)
        return audit.id
    finally:
        ws.close()


def worker(target: str, audit_id: int, who: int, answers: int, raw: bool, start: float,
           out: mp.Queue, seed: int = 0) -> None:
    from reviewer.store.audits import get_audit_by_id, question_set
    from reviewer.workspace import Workspace

    ws = Workspace.open(target, f"scorer{who}")
    qs = question_set(ws.db, get_audit_by_id(ws.db, audit_id))
    ids = [r[0] for r in ws.db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY seq "
                                   "LIMIT 5000", (audit_id,))]
    if not raw:
        from reviewer.ops.scoring import score
    rng = random.Random(who + 1000 * seed)        # each round answers other questions
    times = []
    while time.time() < start:
        time.sleep(0.001)
    for i in range(answers):
        rid, qid = rng.choice(ids), QUESTIONS[i % 10]
        value = "Y" if (i // 10 + who + seed) % 2 else "N"
        t0 = time.perf_counter()
        if raw:
            raw_answer(ws.db, audit_id, rid, qid, value)
        else:
            score(ws, audit_id, qs, rid, qid, value)
        times.append(time.perf_counter() - t0)
    ws.close()
    out.put((time.time(), times))


def scorer_during(target: str, audit_id: int, who: int, done, out: mp.Queue) -> None:
    """Answer until the import is done, completing one record after another (questions 3 to
    10; the audit's records have 1 and 2); report every answer's latency."""
    from reviewer.ops.scoring import score
    from reviewer.store.audits import get_audit_by_id, question_set
    from reviewer.workspace import Workspace

    ws = Workspace.open(target, f"scorer{who}")
    qs = question_set(ws.db, get_audit_by_id(ws.db, audit_id))
    ids = [r[0] for r in ws.db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY seq "
                                   "LIMIT 5000", (audit_id,))]
    rng, times, i = random.Random(who), [], 0
    mine = ids[who::10]
    rng.shuffle(mine)
    while not done.is_set():
        t0 = time.perf_counter()
        score(ws, audit_id, qs, mine[(i // 8) % len(mine)], QUESTIONS[2 + i % 8],
              "YN"[(i // 80) % 2])
        times.append(time.perf_counter() - t0)
        i += 1
        time.sleep(0.05)                          # a person's pace, not a flood
    ws.close()
    out.put(times)


def importer(target: str, audit_id: int, path: str, done, out: mp.Queue) -> None:
    from reviewer.ops.importer import import_answers
    from reviewer.workspace import Workspace

    ws = Workspace.open(target, "importer")
    time.sleep(1.0)                               # the scorers are at work first
    t0 = time.perf_counter()
    import_answers(ws, audit_id, path)
    out.put(time.perf_counter() - t0)
    done.set()
    ws.close()


NOTES = ["", "", "called back", "caller upset", "checked the log", "said later"]


def import_file(rows: int, update: bool, records: int, notes: bool = False,
                flip: int = 0) -> Path:
    """``rows`` new records, or (``update``) rows changing every answer of the audit's last
    ``rows`` records (the scorers are on its first 5,000: all of them if ``rows`` is
    ``records``); ``notes``: with note columns for three questions (about two rows in three
    noted) and two fields; ``flip``: 1 gives every answer the other value (a second updating
    file that changes the first one's answers again)."""
    path = scratch.folder("bench-team-import-") / "import.csv"
    extra = ",note:q1,note:q2,note:q3,area,operator" if notes else ""
    with path.open("w", encoding="utf-8") as f:
        f.write("ref," + ",".join(QUESTIONS) + extra + "\n")
        for n in range(rows):
            ref = f"INC-{records - n}" if update else f"IMP-{n:07d}"
            more = ("," + ",".join(NOTES[(n * 7 + k) % 6] for k in range(3))
                    + f",Area {n % 7},OP-{n % 300}") if notes else ""
            f.write(ref + "," + ",".join("YN"[(n + k + flip) % 2] for k in range(10)) + more + "\n")
    return path


def race_import(engine: str, target: str, audit_id: int, processes: int, rows: int,
                update: bool = False, records: int = 0, notes: bool = False,
                overlap: bool = False) -> bool:
    """``processes`` scorers answering while ``rows`` new records (or ``update``: changes to
    as many existing ones, ``overlap``: to every record, the scorers' too) are imported into
    the same audit: each scorer's longest wait and p99, and the longest of all (goal: under
    1 s)."""
    path = import_file(records if overlap else min(rows, records - 5000) if update else rows,
                       update or overlap, records, notes, flip=int(overlap))
    ctx = mp.get_context("spawn")
    done, scores, took = ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=scorer_during, args=(target, audit_id, w, done, scores))
             for w in range(processes)]
    procs.append(ctx.Process(target=importer, args=(target, audit_id, str(path), done, took)))
    for p in procs:
        p.start()
    seconds = took.get()
    each = [sorted(scores.get()) for _ in range(processes)]
    for p in procs:
        p.join()
    times = sorted(t for t in itertools.chain.from_iterable(each))
    kind = ("updating" if update or overlap else "new-record") + (" noted" if notes else "")
    rows = records if overlap else rows
    kind += " (the scorers' records too)" if overlap else ""
    print(f"{engine:<11}{processes:>4}  scorers during a {rows:,}-row {kind} import "
          f"({seconds:.1f} s): {len(times)} answers, p50 {statistics.median(times) * 1000:.0f} "
          f"ms, p99 {times[int(len(times) * 0.99)] * 1000:.0f} ms, longest wait "
          f"{times[-1]:.2f} s (goal < 1 s)  load {load()}", flush=True)
    print("             each scorer's longest / p99 (s): " + "  ".join(
        f"{t[-1]:.2f}/{t[int(len(t) * 0.99)]:.2f}" for t in each), flush=True)
    return times[-1] < 1.0


def run(target: str, audit_id: int, processes: int, answers: int, raw: bool,
        seed: int = 0) -> tuple[float, list[float]]:
    """(answers per second, every answer's seconds) of ``processes`` scorers at once."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 2.0 + processes * 0.15     # every process ready before the start
    procs = [ctx.Process(target=worker, args=(target, audit_id, w, answers, raw, start, out,
                                                   seed))
             for w in range(processes)]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    end = max(r[0] for r in results)
    times = [t for r in results for t in r[1]]
    return len(times) / (end - start), times


def percentiles(times: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    times = sorted(times)
    return (statistics.median(times) * 1000,
            times[min(len(times) - 1, int(len(times) * 0.99))] * 1000)


def report(engine: str, target: str, audit_id: int, processes: int, answers: int,
           rounds: int) -> bool:
    """``rounds`` runs of the operation, each followed by one of raw transactions (so both see
    the machine as it is then); the throughput ratio is the median of the rounds' ratios."""
    ratios, op_rates, raw_rates, op_times, raw_times = [], [], [], [], []
    for n in range(rounds):
        op_rate, times = run(target, audit_id, processes, answers, False, seed=n)
        op_times += times
        raw_rate, times = run(target, audit_id, processes, answers, True, seed=n)
        raw_times += times
        op_rates.append(op_rate)
        raw_rates.append(raw_rate)
        ratios.append(op_rate / raw_rate)
    op, raw = percentiles(op_times), percentiles(raw_times)
    ratio = statistics.median(ratios)
    print(f"{engine:<11}{processes:>4}  op {statistics.median(op_rates):>7.0f}/s p50 "
          f"{op[0]:>7.1f} p99 {op[1]:>7.1f}  raw {statistics.median(raw_rates):>7.0f}/s p50 "
          f"{raw[0]:>7.1f} p99 {raw[1]:>7.1f}  throughput {ratio:.2f}x  p99 "
          f"{op[1] / raw[1]:.2f}x  load {load()}", flush=True)
    if rounds > 1:
        print("             each round's throughput: " + "  ".join(
            f"{o:.0f}/{r:.0f} = {o / r:.2f}x" for o, r in zip(op_rates, raw_rates, strict=True)),
            flush=True)
    if processes > 10:
        return True
    p99_ok = op[1] <= 100 if engine == "sqlite" else op[1] <= 3 * raw[1]
    return ratio >= 0.5 and p99_ok


def races(engine: str, target: str, audit_id: int, processes: int,
          args: argparse.Namespace) -> bool:
    """The scorers racing a new-record import, then (``--import-updates``) an updating one:
    each a goal (docs/performance.md, "Imports and scorers")."""
    if not args.import_rows:
        return True
    met = race_import(engine, target, audit_id, processes, args.import_rows,
                      notes=args.import_notes)
    if args.import_updates and args.records > 5000:
        met &= race_import(engine, target, audit_id, processes, args.import_rows, update=True,
                           records=args.records, notes=args.import_notes)
    if args.import_overlap:
        met &= race_import(engine, target, audit_id, processes, args.import_rows,
                           records=args.records, notes=args.import_notes, overlap=True)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", default="10,50")
    parser.add_argument("--answers", type=int, default=100, help="answers per process")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--import-rows", type=int, default=100_000,
                        help="records of the import the scorers race (0: none)")
    parser.add_argument("--import-updates", action=argparse.BooleanOptionalAction,
                        default=True, help="also race an import updating existing records")
    parser.add_argument("--import-overlap", action="store_true",
                        help="also race an import updating every record, the scorers' too")
    parser.add_argument("--import-notes", action="store_true",
                        help="the imports' files with note columns and fields")
    parser.add_argument("--rounds", type=int, default=3,
                        help="team runs of the operation, each followed by a raw one")
    parser.add_argument("--race-only", action="store_true",
                        help="only the scorers racing imports, not the team runs")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    print(f"team scoring: {args.answers} answers per process, audit of {args.records} records; "
          "goals at 10: throughput >= 0.5x raw, p99 <= 100 ms (SQLite) / <= 3x raw (PostgreSQL)")
    met = True
    if args.engine in ("sqlite", "both"):
        target = str(scratch.folder("bench-team-db-") / "team.db")
        audit_id = prepare(target, args.records)
        for p in counts if not args.race_only else []:
            met &= report("sqlite", target, audit_id, p, args.answers, args.rounds)
        met &= races("sqlite", target, audit_id, counts[0], args)
    if args.engine in ("postgresql", "both"):
        for _, url in pg_targets([args.records]):
            audit_id = prepare(url, args.records)
            for p in counts if not args.race_only else []:
                met &= report("postgresql", url, audit_id, p, args.answers, args.rounds)
            met &= races("postgresql", url, audit_id, counts[0], args)
    print("goals met" if met else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
