"""A day of scoring in one app process: the real main window (offscreen) answers questions by
key presses, record after record, while the player loads each record's recording.

    .venv/bin/python benchmarks/bench_soak.py [--answers 5000] [--questions 10]

Prints the process's resident memory (RSS) as it goes, at 1,000 and at the last answer, and
the time of a scoring step (a key press answered and saved) at the end. Goals (docs/platform.md,
"Qt binding"): the process stays alive, its memory stays flat, and a step at the end takes
< 50 ms. Each record links one of a few generated WAV files (the ``wave`` module).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RECORDINGS = 8
STEP_GOAL_MS = 50.0
CHECKPOINTS = (100, 1000)


def rss_mb() -> float:
    """The process's resident memory now (Linux /proc; peak RSS elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def question_set(path: Path, questions: int) -> Path:
    lines = ["id: soak", "title: Soak test set", "version: 1", "questions:"]
    for k in range(1, questions + 1):
        lines += [f'  - id: "{k}"', f"    text: Question {k} of the soak test?",
                  "    type: yes_no"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def recordings(folder: Path) -> list[str]:
    """A few seconds of a quiet tone each, 8 kHz mono."""
    import math

    names = []
    for k in range(RECORDINGS):
        name = f"call-{k}.wav"
        with wave.open(str(folder / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            tone = 220 + 40 * k
            w.writeframes(b"".join(
                int(3000 * math.sin(2 * math.pi * tone * i / 8000)).to_bytes(2, "little",
                                                                             signed=True)
                for i in range(8000 * 2)))
        names.append(name)
    return names


def build(folder: Path, records: int, questions: int) -> Path:
    from reviewer.ops.audits import create_audit
    from reviewer.ops.importer import import_answers
    from reviewer.workspace import Workspace

    names = recordings(folder)
    table = folder / "records.csv"
    with table.open("w", encoding="utf-8") as f:
        f.write("ref,area,audio\n")
        for i in range(records):
            f.write(f"INC-{i:05d},Area {i % 5},{names[i % len(names)]}\n")
    db = folder / "soak.db"
    ws = Workspace.open(str(db), "soak")
    try:
        audit = create_audit(ws, "Soak", question_set(folder / "soak.yaml", questions)).value
        import_answers(ws, audit.id, table)
    finally:
        ws.close()
    return db


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--answers", type=int, default=5000)
    p.add_argument("--questions", type=int, default=10, help="yes/no questions per record")
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    try:
        return soak(folder, args.answers, args.questions)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def soak(folder: Path, answers: int, questions: int) -> int:
    records = -(-answers // questions)
    db = build(folder, records, questions)
    print(f"built an audit of {records:,} records x {questions} questions, "
          f"{RECORDINGS} recordings", flush=True)

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app.setOrganizationName("reviewer-soak")
    from ui.app import create_window

    window = create_window(str(db), "soak")
    window.show()
    app.processEvents()
    s = window.scoring
    view = s.questions_view
    view.setFocus()
    print(f"window shown: RSS {rss_mb():.0f} MB", flush=True)
    steps: list[float] = []
    loaded = 0
    start = time.perf_counter()
    for n in range(1, answers + 1):
        t = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_Y)
        app.processEvents()
        steps.append(time.perf_counter() - t)
        if n % questions == 0 and n < answers:
            QTest.keyClick(view, Qt.Key.Key_PageDown)     # the next record and its recording
            app.processEvents()
            loaded += s.player.path is not None
        if n in CHECKPOINTS or n == answers:
            print(f"{n:>6} answers: RSS {rss_mb():.0f} MB, "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
    saved = window.session.ws.db.scalar(
        "SELECT COUNT(*) FROM answer WHERE value = 'Y'")
    last = [1000 * x for x in steps[-100:]]
    print(f"answers saved: {saved:,} of {answers:,}; recordings loaded: {loaded:,}")
    print(f"scoring step at the end: median {statistics.median(last):.1f} ms, "
          f"max {max(last):.1f} ms  goal < {STEP_GOAL_MS:.0f} ms")
    ok = saved == answers and statistics.median(last) < STEP_GOAL_MS
    print("alive at the end: yes" + ("" if ok else "; goals missed"))
    window.close()
    sys.stdout.flush()
    os._exit(0 if saved == answers else 1)   # skip Qt's teardown (not what is measured)


if __name__ == "__main__":
    sys.exit(main())
