"""The harness of the concurrency tests: racing processes, their logs, and the data they race on.

A :class:`Race` starts worker processes (``tests/unit/race_worker.py``) that wait at one barrier
file, releases them together (:meth:`Race.go`), and collects each one's exit status, stdout,
stderr and log of timed events. Any process still running when a test ends is killed (by its
own pid). Answer tables use a question set of 26 independent yes/no questions ``a`` .. ``z``,
so what an answer table should leave in the database is easy to work out by hand. ``replay``
is the oracle for racing undos: it replays a history and checks each undo against its own log.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
LIMIT = 120.0          # seconds any racer may take before the test gives up on it
WAITING = "another writer is at work; waiting"
Cells = dict[tuple[str, str], str]     # (ref, question) -> answer as written in the file


def write_set(directory: Path) -> Path:
    lines = ["id: race-set", "title: Race set", "version: 1", "description: For the races.",
             "questions:"]
    for q in QUESTIONS:
        lines += [f'  - id: "{q}"', f"    text: Question {q}?", "    type: yes_no"]
    path = directory / "race-set.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refs(prefix: str, n: int, start: int = 0) -> list[str]:
    return [f"{prefix}-{i:06d}" for i in range(start, start + n)]


def answer_for(salt: int, ref: str, question: str) -> str:
    """A Y or N that differs from cell to cell (and from salt to salt), the same every run."""
    return "Y" if (int(ref[-6:]) * 7 + ord(question) * 3 + salt) % 5 < 3 else "N"


def write_answers(path: Path, rows: Sequence[str], questions: Sequence[str], salt: int,
                  extra: dict[str, str] | None = None) -> Cells:
    """An answer table: ``ref``, the questions' columns, ``extra`` field columns; returns its
    cells."""
    cells: Cells = {}
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["ref", *questions, *(extra or {})])
        for ref in rows:
            values = [answer_for(salt, ref, q) for q in questions]
            cells.update({(ref, q): v for q, v in zip(questions, values, strict=True)})
            out.writerow([ref, *values, *(extra or {}).values()])
    return cells


def naive_tally(cells: Cells) -> dict[str, tuple[int, int]]:
    """(yes, no) per question, counted straight from the cells."""
    counts = {q: [0, 0] for q in QUESTIONS}
    for (_, q), value in cells.items():
        counts[q][value == "N"] += 1
    return {q: (y, n) for q, (y, n) in counts.items()}


# -- reading the database ---------------------------------------------------------------------
@contextmanager
def open_db(target: str) -> Iterator[Any]:
    from reviewer.store.db import Database

    db = Database(target)
    try:
        yield db
    finally:
        db.close()


def stored(db: Any, audit: str) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(ref, question) -> (answer as in a table, who answered), for every answer row."""
    from reviewer.questions.logic import history_label

    return {(ref, q): (history_label(state, value), who) for ref, q, state, value, who in db.all(
        "SELECT r.ref, n.question_id, n.state, n.value, n.reviewer FROM answer n "
        "JOIN record r ON r.id = n.record_id JOIN audit a ON a.id = r.audit_id "
        "WHERE a.name = ?", (audit,))}


def snapshot(target: str) -> dict[str, list[tuple]]:
    """Every row of every table: the database's whole content."""
    from reviewer.store.db import sqlite_path
    from tests.unit.helpers import snapshot as sqlite_snapshot

    if sqlite_path(target) is None:
        from tests.unit.pg import pg_snapshot

        return pg_snapshot(target)
    with open_db(target) as db:
        return sqlite_snapshot(db)


def wait_until(check: Callable[[], bool], what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


# -- the racers -------------------------------------------------------------------------------
@dataclass
class Racer:
    name: str
    proc: subprocess.Popen
    log: Path
    gated: bool = True
    code: int | None = None
    out: str = ""
    err: str = ""

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        found = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]
        return [e for e in found if kind is None or e["event"] == kind]

    def at(self, kind: str) -> float:
        """When this racer first logged ``kind``."""
        found = self.events(kind)
        assert found, f"{self.name} never logged {kind!r}: {self.err}"
        return found[0]["t"]

    def finish(self) -> Racer:
        if self.code is None:
            self.out, self.err = self.proc.communicate(timeout=LIMIT)
            self.code = self.proc.returncode
        return self

    def ok(self) -> Racer:
        self.finish()
        assert self.code == 0, f"{self.name} exited {self.code}: {self.err}"
        assert "Traceback" not in self.err, self.err
        return self


@dataclass
class Race:
    """Racing processes on one database, released together by a barrier file."""

    dir: Path
    target: str
    racers: list[Racer] = field(default_factory=list)

    @property
    def gate(self) -> Path:
        return self.dir / "gate"

    def spawn(self, name: str, spec: dict[str, Any], gated: bool = True,
              env: dict[str, str] | None = None) -> Racer:
        log = self.dir / f"{name}.log"
        spec = {"log": str(log), **spec}
        if gated:
            spec["gate"] = str(self.gate)
        environment = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
        environment.update(env or {})
        proc = subprocess.Popen([sys.executable, "-m", "tests.unit.race_worker",
                                 json.dumps(spec)], cwd=ROOT, env=environment, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        racer = Racer(name, proc, log, gated)
        self.racers.append(racer)
        return racer

    def cli(self, name: str, *args: str, pause: bool = False, **kw: Any) -> Racer:
        """``reviewer --db TARGET --reviewer NAME ARGS``. With ``pause`` it stops before it
        first asks for the write lock (an import: once its file is staged) until
        :meth:`resume`."""
        spec: dict[str, Any] = {"kind": "cli", "args": ["--db", self.target, "--reviewer", name,
                                                        *args]}
        if pause:
            spec["pause"] = [str(self.paused(name)), str(self.dir / "resume")]
        return self.spawn(name, spec, **kw)

    def held_import(self, point: str, audit: str, file: Path) -> Racer:
        """``reviewer answers import AUDIT FILE`` as ``importer`` (PostgreSQL), stopped inside
        its transaction at ``point`` (``insert`` or ``lock``, see ``race_worker``) until
        ``dir/go`` exists; returns once it has stopped there (``dir/held``)."""
        ready = self.dir / "held"
        importer = self.spawn("importer", {
            "kind": "cli", "hold": [point, str(ready), str(self.dir / "go")],
            "args": ["--db", self.target, "--reviewer", "importer", "answers", "import", audit,
                     str(file)]}, gated=False)
        self.wait(ready.exists, f"the import to stop at {point}")
        return importer

    def paused(self, name: str) -> Path:
        """The file a paused racer creates when it has stopped before the lock."""
        return self.dir / f"{name}.paused"

    def resume(self) -> None:
        """Let every paused racer go on (they all ask for the write lock at once)."""
        (self.dir / "resume").touch()

    def worker(self, kind: str, name: str, audit: str, **spec: Any) -> Racer:
        """A ``score``, ``ops`` or ``hold`` worker acting as reviewer ``name``."""
        gated = spec.pop("gated", True)
        return self.spawn(name, {"kind": kind, "db": self.target, "reviewer": name,
                                 "audit": audit, **spec}, gated=gated)

    def wait(self, check: Callable[[], bool], what: str) -> None:
        """Wait until ``check()`` holds; fail at once if a racer has failed meanwhile (one
        whose end the test has already collected is not watched)."""
        def done() -> bool:
            for r in self.racers:
                if r.code is None and r.proc.poll() not in (None, 0):
                    raise AssertionError(f"{r.name} exited {r.proc.returncode} while waiting "
                                         f"for {what}: {r.finish().err}")
            return check()

        wait_until(done, what)

    def go(self) -> None:
        """Release the racers at the barrier together, once every one is waiting there."""
        self.wait(lambda: all(r.events("ready") for r in self.racers if r.gated),
                  "the racers to be ready")
        self.gate.touch()

    def finish(self) -> list[Racer]:
        return [r.finish() for r in self.racers]

    def kill(self) -> None:
        for r in self.racers:
            if r.proc.poll() is None:
                r.proc.kill()
                r.proc.communicate()


def overlap(a: Racer, b: Racer) -> float:
    """Seconds during which both racers were at work (from the barrier to their exit)."""
    return min(a.at("end"), b.at("end")) - max(a.at("start"), b.at("start"))


def lock_order(*racers: Racer) -> list[Racer]:
    """The racers in the order they took the write lock."""
    return sorted(racers, key=lambda r: r.at("locked"))


# -- the undo oracle --------------------------------------------------------------------------
def replay(events: list, logs: dict[str, list[dict]]) -> dict[tuple[str, str], tuple]:
    """Replay the answers and undos of the history, checking that every undo took back its own
    reviewer's answer; return each cell's (answer, who answered) at the end.

    Each reviewer's log gives the order of its own operations, so each of its undos is linked to
    the answer it takes back (undo entries are a stack per reviewer; an undo that was refused
    used one up too)."""
    takes_back: dict[int, int] = {}      # undo event seq -> the answer event it takes back
    for who, log in logs.items():
        answers = iter(e.seq for e in events if e.reviewer == who and e.action == "answer")
        undos = iter(e.seq for e in events if e.reviewer == who and e.action == "undo")
        stack: list[int] = []
        for entry in log:
            if entry["event"] == "scored" and entry["history"]:
                stack.append(next(answers))
            elif entry["event"] == "undo":
                taken = stack.pop() if stack else None
                if entry["undone"]:
                    assert taken is not None
                    takes_back[next(undos)] = taken
        assert next(answers, None) is None and next(undos, None) is None
    cell: dict[tuple[str, str], tuple] = {}
    replaced: dict[int, tuple] = {}
    after: dict[int, str | None] = {}
    for e in events:
        key = (e.ref, e.question)
        if e.action == "answer":
            replaced[e.seq], after[e.seq] = cell.get(key, (None, "")), e.after
            cell[key] = (e.after, e.reviewer)
        elif e.action == "undo":
            value, owner = cell.get(key, (None, ""))
            assert owner == e.reviewer, f"{e.reviewer}'s undo (event {e.seq}) took back " \
                                        f"{owner}'s answer"
            assert value == after[takes_back[e.seq]] == e.before
            cell[key] = replaced[takes_back[e.seq]]
    return {k: v for k, v in cell.items() if v[0] is not None}
