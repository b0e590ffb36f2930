"""Report speed: a 60-question set (10 sections, follow-ups, breakdowns) over 10,000 records.

    .venv/bin/python benchmarks/bench_report.py [--records N] [--repeat K] [--keep FOLDER]

Times the PDF (goal < 5 s) as the command line runs it (a fresh process: imports included) and
again in-process (first, then the best of K warm runs), plus the results workbook. ``--keep``
copies the PDF there to look at (``pdftoppm -png -r 60``).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECTIONS = 10
CHOICES = ["Response", "CID", "Neighbourhood team", "Other force", "Other agency", "None"]
GOAL_S = 5.0


def question_set() -> str:
    lines = ["id: bench-60", "title: Benchmark set (60 questions)", "version: 1", "sections:"]
    lines += [f"  - {{id: s{s}, title: Section {s} of the benchmark audit}}"
              for s in range(SECTIONS)]
    lines.append("questions:")
    for s in range(SECTIONS):
        for k in range(4):
            lines += [f'  - id: "{s}.{k}"', f"    section: s{s}",
                      "    text: " + json.dumps(
                          f"Question {k} of section {s}: does the record show that the operator "
                          "checked, recorded and passed on everything the guidance asks for, "
                          "including the caller's previous contacts?"),
                      f"    ref: LF {s}.{k}", "    type: yes_no"]
        lines += [f'  - id: "{s}.4"', f"    section: s{s}", "    text: If so, was it acted on?",
                  "    type: yes_no", f'    ask_if: {{"{s}.0": "Y"}}',
                  f'  - id: "{s}.5"', f"    section: s{s}",
                  "    text: Who was the incident allocated to?", "    type: choice",
                  "    label: Allocated to", f"    choices: [{', '.join(CHOICES)}]"]
    return "\n".join(lines) + "\n"


def answers_csv(path: Path, n: int) -> None:
    rng = random.Random(60)
    qids = [f"{s}.{k}" for s in range(SECTIONS) for k in range(6)]
    with path.open("w", encoding="utf-8") as f:
        f.write("ref,date,operator," + ",".join(qids) + "\n")
        for i in range(n):
            cells = []
            for s in range(SECTIONS):
                first = "Y" if rng.random() < 0.3 + 0.05 * s else "N"
                cells += [first] + ["Y" if rng.random() < 0.6 else "N" for _ in range(3)]
                cells.append(("Y" if rng.random() < 0.7 else "N") if first == "Y" else "")
                cells.append(rng.choice(CHOICES))
            f.write(f"INC-{i:06d},2024-{1 + i % 12:02d}-{1 + i % 28:02d},OP-{i % 40},"
                    + ",".join(cells) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="warm in-process runs")
    parser.add_argument("--keep", metavar="FOLDER", help="copy the report's PDF there")
    args = parser.parse_args()
    n = args.records
    from reviewer.ops.importer import import_answers
    from reviewer.store.audits import create_audit, get_audit
    from reviewer.store.db import Database

    tmp = Path(tempfile.mkdtemp())
    (tmp / "set.yaml").write_text(question_set(), encoding="utf-8")
    answers_csv(tmp / "answers.csv", n)
    db_path = str(tmp / "bench.db")
    db = Database(db_path)
    t = time.perf_counter()
    audit = create_audit(db, "Bench", tmp / "set.yaml")
    import_answers(db, audit, tmp / "answers.csv", "bench")
    audit = get_audit(db, "Bench")
    print(f"imported {audit.records:,} records x 60 questions in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", db_path, "report",
                           "Bench", "--out", str(tmp / "cli.pdf")], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    cli_s = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if done.returncode != 0:
        sys.exit(done.stderr)

    from reviewer.outputs.report_pdf import build_report

    t = time.perf_counter()
    build_report(db, audit, tmp / "first.pdf")
    first_s = time.perf_counter() - t
    runs = []
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        build_report(db, audit, tmp / "warm.pdf")
        runs.append(time.perf_counter() - t)
    from pypdf import PdfReader

    pages = len(PdfReader(tmp / "warm.pdf").pages)
    from reviewer.outputs.results_xlsx import results_xlsx

    t = time.perf_counter()
    results_xlsx(db, audit, tmp / "results.xlsx")
    xlsx_s = time.perf_counter() - t
    if args.keep:
        import shutil

        shutil.copy(tmp / "cli.pdf", Path(args.keep) / "bench-report.pdf")
    verdict = "met" if cli_s < GOAL_S else "NOT met"
    if cli_s >= GOAL_S > cli_cpu:
        verdict += " (but the CPU time is under it: a busy machine)"
    print(f"PDF report ({pages} pages): `reviewer report` {cli_s:.2f} s wall, {cli_cpu:.2f} s CPU "
          f"(new process, imports included); in-process first {first_s:.2f} s, warm best "
          f"{min(runs):.2f} s. Goal < {GOAL_S:.0f} s: {verdict}")
    print(f"results workbook (Results, Answers, Records): {xlsx_s:.2f} s")


if __name__ == "__main__":
    main()
