"""Team agreement and trend benchmark: a calibration of N records by S scorers over Q questions
(Fleiss' kappa, AC1, alpha with its 1,000-resample bootstrap, per question and pooled), and a
trend over M monthly audits.

    .venv/bin/python benchmarks/bench_agreement.py [--records N] [--scorers S] [--questions Q]
                                                  [--months M]

Goal: agreement for 5 scorers x 200 records x 30 questions within 10 s, the trend of 24 audits
within 2 s (after the imports, on one core).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.ops.audits import create_audit  # noqa: E402
from reviewer.ops.calibrate import create_team_calibration  # noqa: E402
from reviewer.ops.importer import import_answers  # noqa: E402
from reviewer.workspace import Workspace  # noqa: E402


def question_set(folder: Path, q: int) -> Path:
    lines = ["id: bench-agreement", "title: Bench", "version: 1", "questions:"]
    lines += [f'  - {{id: "{i}", text: "Question {i}?", type: yes_no}}' for i in range(1, q + 1)]
    path = folder / "set.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def answers(path: Path, refs: list[str], q: int, seed: int, base: list[list[str]] | None):
    rng = random.Random(seed)
    rows = []
    for k in range(len(refs)):
        if base is None:
            row = [rng.choice("YYYN") for _ in range(q)]
        else:
            row = [a if rng.random() < 0.85 else rng.choice("YN") for a in base[k]]
        rows.append(row)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ref", *map(str, range(1, q + 1))])
        w.writerows([ref, *row] for ref, row in zip(refs, rows, strict=True))
    return rows


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=200)
    p.add_argument("--scorers", type=int, default=5)
    p.add_argument("--questions", type=int, default=30)
    p.add_argument("--months", type=int, default=24)
    a = p.parse_args()
    from reviewer.analysis.trend import trend
    from reviewer.figures import agreement

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = Workspace.open(str(folder / "bench.db"), "bench")
        qs = question_set(folder, a.questions)
        main_audit = create_audit(ws, "Main", qs).value
        refs = [f"R{i:05d}" for i in range(a.records)]
        base = answers(folder / "main.csv", refs, a.questions, 1, None)
        import_answers(ws, main_audit.id, folder / "main.csv")
        names = [f"s{i}" for i in range(a.scorers)]
        team = create_team_calibration(ws, "Cal", main_audit.id, names, a.records, 7).value
        for k, c in enumerate(team):
            order = list(c.refs)
            by_ref = dict(zip(refs, base, strict=True))
            answers(folder / f"{k}.csv", order, a.questions, 10 + k, [by_ref[r] for r in order])
            import_answers(ws, c.audit.id, folder / f"{k}.csv")
        audits = [ws.audit_by_id(c.audit.id) for c in team]
        agreement(ws.db, *audits[:2])                     # the imports, once
        start = time.perf_counter()
        result = agreement(ws.db, *audits)
        took = time.perf_counter() - start
        months = []
        for m in range(a.months):
            made = create_audit(ws, f"M{m:02d}", qs).value
            answers(folder / f"m{m}.csv", refs[:30], a.questions, 100 + m, None)
            import_answers(ws, made.id, folder / f"m{m}.csv")
            months.append(ws.audit_by_id(made.id))
        start = time.perf_counter()
        charted = trend([m.name for m in months], [ws.tally(m) for m in months])
        trend_took = time.perf_counter() - start
        ws.close()
    print(f"{a.scorers} scorers x {a.records} records x {a.questions} questions: "
          f"agreement {took:.2f} s (overall AC1 {result.overall_figures.ac1.value:.3f})")
    print(f"trend of {a.months} audits x {len(charted.questions)} questions: {trend_took:.2f} s")
    goals = took < 10 and trend_took < 2
    print("goals met" if goals else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
