"""Every benchmark runs, at a tiny size, as the command a person would type: it exits 0 and prints
its figures. (The speed goals are judged at full size, one command each: see benchmarks/.)
bench_ui.py, bench_results_view.py and bench_soak.py need Qt and are smoke-tested in tests/ui."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECONDS = r"\d+\.\d+ s"


def bench(script: str, *args: str) -> str:
    """The benchmark's output; it ran with a temporary folder of its own, and left it empty
    (its databases and files are removed when it ends)."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-smoke-"))
    scratch.chmod(0o755)              # a PostgreSQL cluster's user may read the files in it
    try:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=300,
                              check=False, env={**os.environ, "TMPDIR": str(scratch)})
        assert done.returncode == 0, done.stdout + done.stderr
        # (pulse-*: the PulseAudio client's own runtime folder, made by the audio library)
        left = sorted(p.name for p in scratch.iterdir() if not p.name.startswith("pulse-"))
        assert not left, f"{script} left {left} in the temporary folder"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return done.stdout


CASES = {
    "bench_agreement.py": (["--records", "12", "--scorers", "3", "--questions", "3",
                            "--months", "3"],
                           [rf"3 scorers x 12 records x 3 questions: agreement {SECONDS}",
                            rf"trend of 3 audits x 3 questions: {SECONDS}", r"goals met"]),
    "bench_answer.py": (["--records", "50", "--answers", "5"],
                        [r"sqlite\s+50\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+",
                         r"postgresql(\s+50\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+|: skipped)",
                         r"goals (NOT )?met"]),
    "bench_team.py": (["--processes", "2", "--answers", "3", "--records", "50",
                       "--engine", "sqlite", "--import-rows", "300", "--import-notes",
                       "--import-overlap"],
                      [r"sqlite\s+2\s+op\s+\d+/s p50\s+\d+\.\d+ p99\s+\d+\.\d+\s+raw",
                       r"throughput \d+\.\d+x",
                       r"scorers during a 300-row new-record noted import .* "
                       r"longest wait \d+\.\d+ s",
                       r"scorers during a 50-row updating noted \(the scorers' records too\) "
                       r"import .* longest wait \d+\.\d+ s",
                       r"goals (NOT )?met"]),
    "bench_import_race.py": (["--records", "200", "--scorers", "2"],
                             [r"sqlite\s+import of 180 rows \d+\.\d+ s; a scorer's command "
                              r"\d+\.\d+ s before, during: \d+ commands, median \d+\.\d+ s, "
                              r"longest \d+\.\d+ s \(waited -?\d+\.\d+ s\)",
                              r"postgresql\s+import of 180 rows|postgresql: skipped",
                              r"goals (NOT )?met"]),
    "bench_team_check.py": (["--records", "30"],
                            [r"statement\s+new(\s+\d+\.\d+){3}|postgresql: skipped",
                             r"row\s+changed(\s+\d+\.\d+){3}|postgresql: skipped",
                             r"goals (NOT )?met|postgresql: skipped"]),
    "bench_cli.py": (["--rows", "200", "--repeat", "1"],
                     [r"200 records, 10 questions", r"import\s+\d+\.\d+\s+\d+\.\d+",
                      r"verify\s+\d+\.\d+\s+\d+\.\d+ import\s+\d+",
                      r"tally\s+\d+\.\d+", r"tally JSON equals the naive counts: yes"]),
    "bench_cli.py (postgresql)": (
        ["--rows", "200", "--repeat", "1", "--engine", "postgresql"],
        [rf"{p}|postgresql: skipped" for p in (
            r"postgresql: 200 records, 10 questions", r"changed\s+\d+\.\d+\s+\d+\.\d+ import",
            r"tally by200\s+\d+\.\d+\s+\d+\.\d+ naive 200", r"pg only\s+\d+\.\d+",
            r"tables \(pg_total_relation_size\) after import \d+\.\d+ MB = \d+\.\d+x the CSV",
            r"pg_database_size.*: \d+\.\d+ MB with the empty audit",
            r"history \(event tables\): \d+\.\d+ MB after the import",
            r"tally JSON equals the naive counts: yes", r"goals (NOT )?met")]),
    "bench_reimport.py": (["--rows", "60", "--repeat", "1"],
                          [r"re-import of 60 records",
                           *(rf"{shape}\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+x\s+[1-9][\d,]*\s+\d+"
                             r"\s+\d+\.\d+x"
                             for shape in ("ten", "notes", "thirty", "text", "shuffled",
                                           "textnotes", "thin")),
                           r"goals (NOT )?met"]),
    "bench_startup.py": (["--records", "5", "--repeat", "1"],
                         [r"reviewer --help\s+\d+\.\d+ ms\s+\d+\.\d+x",
                          r"reviewer tally\s+\d+\.\d+ ms", r"goals (NOT )?met"]),
    "bench_sampling.py": (["--rows", "200", "--size", "20"],
                          [rf"import 200 incidents\s+{SECONDS}",
                           rf"draw 20 stratified by Area\s+{SECONDS}",
                           r"population 200; sample 20"]),
    "bench_report.py": (["--records", "10", "--sections", "1", "--repeat", "0"],
                        [r"imported 10 records x 6 questions",
                         rf"PDF report \(\d+ pages, 10 records\): `reviewer report` {SECONDS} wall",
                         rf"results workbook .*: {SECONDS}"]),
    "bench_evidence.py": (["--events", "2000", "--views", "10"],
                          [rf"verify 2,000 events\s+{SECONDS}\s+verified 2000 events; head",
                           r"broken at event 1000: changed \(exit 1\)",
                           r"with the record's view logged \d+\.\d+ ms", r"goals met"]),
    "bench_plans.py": (["--items", "4", "8"],
                       [r"\s8\s+status\s+\d+\.\d+\s+\d+", r"\s8\s+report XLSX\s+\d+\.\d+\s+\d+",
                        r"\s8\s+report PDF\s+\d+\.\d+\s+\d+",
                        r"report PDF: 2x the items took \d+\.\d+x the time"]),
    "bench_outputs.py": (["--records", "200"],
                         [r"200 records, 10 questions", r"results xlsx\s+\d+\.\d+\s+\d+\.\d+\s+\d+",
                          r"incident import\s+\d+\.\d+",
                          r"agreement(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive agree",
                          r"export csv(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive copy",
                          r"export xlsx(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive copy",
                          r"feedback xlsx(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive copy",
                          r"streaming goals (NOT )?met", r"goals met"]),
    "bench_outputs.py (postgresql)": (
        ["--records", "200", "--engine", "postgresql", "--skip-incidents"],
        [rf"{p}|postgresql: skipped" for p in (
            r"postgresql: 200 records, 10 questions",
            r"agreement(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive agree",
            r"export csv(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+naive copy",
            r"streaming goals (NOT )?met")]),
    "bench_listening.py": (["--minutes", "0.3", "--calls", "3", "--generated", "1",
                            "--generated-minutes", "0.3", "--no-draw"],
                           [r"waveform .* second open \d+\.\d ms from the cache",
                            r"search\s+3 calls .* hits in \d+\.\d ms",
                            r"skip\s+5 demo calls", r"voiced frames skipped: 0 of \d+",
                            r"vad .* precision \d\.\d+, recall \d\.\d+"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_benchmark_runs_at_a_tiny_size(case):
    args, patterns = CASES[case]
    script = case.split(" ")[0]                 # "bench_cli.py (postgresql)": its second case
    out = bench(script, *args)
    for pattern in patterns:
        assert re.search(pattern, out), f"{script}: no match for {pattern!r} in\n{out}"


def test_every_benchmark_is_smoke_tested():
    scripts = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert scripts == ({case.split(" ")[0] for case in CASES}
                       | {"bench_ui.py", "bench_results_view.py", "bench_soak.py"})
    assert (ROOT / "tests" / "ui" / "test_bench_ui_smoke.py").exists()
    assert (ROOT / "tests" / "ui" / "test_bench_results_view_smoke.py").exists()
    assert (ROOT / "tests" / "ui" / "test_bench_soak_smoke.py").exists()
