"""Worker processes for the concurrency tests (``tests/unit/test_concurrency.py``).

Run from the repository root as ``python -m tests.unit.race_worker SPEC``, SPEC being one JSON
object. Every worker has done its imports and opened nothing yet when it waits at its barrier
(``gate``: a file the test creates), so processes racing each other start their real work
together. What a worker did is appended, with wall-clock times, as JSON lines to its ``log``
file — never to stdout or stderr, which the tests check.

Kinds:

- ``cli``: ``reviewer ARGS`` run exactly as ``python -m reviewer`` runs it (``runpy``), with the
  times the write lock was asked for (``request``), taken (``locked``) and let go
  (``released``); an import on PostgreSQL asks first for the imports' own lock and logs
  ``locked`` when it takes the write lock itself, late (docs/performance.md). With
  ``pause: [READY, GO]`` it stops before asking for the lock the first time (after an import
  has staged its file), creates READY and waits for GO: a test uses it to let other writers
  work in that window, which is where lost updates come from. With ``hold: [POINT, READY,
  GO]`` an import stops the same way inside its transaction on PostgreSQL: at ``insert``, just
  before it writes its new records (before the write lock), or at ``lock``, just before it
  takes the write lock late (its new records written, not yet committed). An import on
  SQLite that updates records logs ``merge`` with ``before_lock``: whether the merge it made
  before the write lock was written (none of its records changed meanwhile) or made again.
- ``hold``: open the database, take the write lock (``Database.transaction``), create
  ``locked``, keep the lock until ``release`` exists (at most ``max`` seconds), write nothing.
- ``score``: answer ``question`` on ``records`` ([record id, answer] pairs), one operation each
  (``reviewer.ops.scoring.score``), going over them ``passes`` times with Y and N swapped on
  every other pass, until the ``stop`` file exists and ``after_stop`` more are done, or the
  passes run out.
- ``ops``: a list of ``["score", record id, question, answer]`` and ``["undo"]`` steps
  (``score``, ``undo_last``) as one reviewer; ``["touch", FILE]`` and ``["wait", FILE]`` steps
  put two workers' steps in a set order; ``think`` (seconds) is the most a worker waits
  before each step, as a person would (without it, one process looping on the write lock can
  take it again and again before another that waits for it wakes up).
- ``sample``: draw a sample of ``size`` (``seed``) from the audit's incident list
  (``reviewer.ops.sampling.draw_sample``), with the write lock's times logged as for ``cli``;
  a failure is one line on stderr and exit status 1, as the command line reports one. With
  ``after: [LOG, DELAY]`` it starts DELAY seconds after another racer's LOG shows it asked for
  the lock (an import: once its file is staged), not at the barrier. With ``write_lock_only``
  it takes the write lock alone, as a sample did before it took the imports' lock first (a
  program of an earlier version on the same database).
"""

from __future__ import annotations

import json
import os
import random
import runpy
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GATE_WAIT = 120.0     # seconds a worker waits for its barrier or a release before giving up
Log = Callable[..., None]


def _logger(path: str) -> Log:
    def log(event: str, **data: Any) -> None:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "t": time.time(), **data}) + "\n")
    return log


def _barrier(spec: dict[str, Any], log: Log) -> None:
    """Say this worker is ready, wait for the gate, say it started."""
    if spec.get("gate"):
        log("ready")
        _wait_for(spec["gate"])
    log("start")


def _wait_for(path: str | None, limit: float = GATE_WAIT) -> None:
    if not path:
        return
    deadline = time.monotonic() + limit
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit(f"race_worker: {path} never appeared")
        time.sleep(0.002)


def _touch(path: str) -> None:
    Path(path).touch()


def _hold_at(log: Log, hold: list[str] | None) -> None:
    """Stop an import once at ``hold[0]`` (``insert`` or ``lock``) until ``hold[2]`` exists."""
    if not hold:
        return
    from reviewer.store import staging
    from reviewer.store.db import Database

    point, ready, go = hold
    held: list[bool] = []
    staging.SCORER_CELLS = 0    # a small file held as a large import runs, not as a scorer's

    def stop() -> None:
        if not held:
            held.append(True)
            log("held", point=point)
            _touch(ready)
            _wait_for(go)

    if point == "insert":
        insert_new = staging.insert_new

        def held_insert(db: Database, audit_id: int, *args: Any) -> Any:
            if not db.writers_locked:
                stop()
            return insert_new(db, audit_id, *args)

        staging.insert_new = held_insert        # type: ignore[assignment]
    else:
        lock_writers = Database.lock_writers

        def held_lock(self: Database) -> None:
            if not self.writers_locked:
                stop()
            lock_writers(self)

        Database.lock_writers = held_lock      # type: ignore[method-assign]


def _instrument(log: Log, pause: list[str] | None) -> None:
    """Log the write lock's request, taking and release; optionally pause before the first
    request."""
    from reviewer.store.db import Database

    begin, transaction = Database._begin, Database.transaction
    lock_writers = Database.lock_writers
    paused: list[bool] = []

    def timed_begin(self: Database) -> None:
        if pause and not paused:
            paused.append(True)
            log("paused")
            _touch(pause[0])
            _wait_for(pause[1])
            log("resumed")
        log("request")
        begin(self)
        if self.writers_locked:        # not yet for an import on PostgreSQL (lock_writers)
            self._race_locked = True   # type: ignore[attr-defined]
            log("locked")

    def timed_lock_writers(self: Database) -> None:
        pending = not self.writers_locked
        lock_writers(self)
        if pending:
            self._race_locked = True   # type: ignore[attr-defined]
            log("locked")

    @contextmanager
    def timed_transaction(self: Database) -> Iterator[Database]:
        outer = not self.in_transaction
        try:
            with transaction(self) as db:
                yield db
        finally:
            if outer and getattr(self, "_race_locked", False):
                self._race_locked = False  # type: ignore[attr-defined]
                log("released")

    Database._begin = timed_begin            # type: ignore[method-assign]
    Database.lock_writers = timed_lock_writers  # type: ignore[method-assign]
    Database.transaction = timed_transaction  # type: ignore[method-assign]

    from reviewer.ops.import_merge import Merge

    write_prepared = Merge.write_prepared

    def logged_write_prepared(self: Merge, *args: Any) -> bool:
        done = write_prepared(self, *args)
        log("merge", before_lock=done)
        return done

    Merge.write_prepared = logged_write_prepared    # type: ignore[method-assign]


def run_cli(spec: dict[str, Any], log: Log) -> int:
    import reviewer.cli.main  # noqa: F401 - imported before the barrier, as a warm start
    import reviewer.ops.importer  # noqa: F401

    if any("://" in arg for arg in spec["args"]):
        import sqlalchemy  # noqa: F401 - what opening a server database imports

    _hold_at(log, spec.get("hold"))
    _instrument(log, spec.get("pause"))
    _barrier(spec, log)
    sys.argv = ["reviewer", *spec["args"]]
    code: Any = 0
    try:
        runpy.run_module("reviewer", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    log("end", code=code)
    return code if isinstance(code, int) else 1


def run_hold(spec: dict[str, Any], log: Log) -> int:
    from reviewer.store.db import Database

    db = Database(spec["db"])
    try:
        with db.transaction():
            log("locked")
            _touch(spec["locked"])
            deadline = time.monotonic() + float(spec.get("max", GATE_WAIT))
            while not os.path.exists(spec["release"]) and time.monotonic() < deadline:
                time.sleep(0.005)
        log("released")
    finally:
        db.close()
    return 0


def _workspace(spec: dict[str, Any]):
    from reviewer.workspace import Workspace

    ws = Workspace.open(spec["db"], spec["reviewer"])
    audit = ws.audit(spec["audit"])
    return ws, audit.id, ws.question_set(audit)


def run_score(spec: dict[str, Any], log: Log) -> int:
    from reviewer.ops.scoring import score

    ws, audit_id, qs = _workspace(spec)
    stop, extra = spec.get("stop"), int(spec.get("after_stop", 0))
    flip = {"Y": "N", "N": "Y"}
    steps = [(rid, answer if p % 2 == 0 else flip[answer])
             for p in range(int(spec.get("passes", 1))) for rid, answer in spec["records"]]
    _barrier(spec, log)
    try:
        for rid, answer in steps:
            score(ws, audit_id, qs, rid, spec["question"], answer)
            log("scored", rid=rid, answer=answer)
            if stop and os.path.exists(stop):
                if extra <= 0:
                    break
                extra -= 1
        else:
            log("exhausted")
    finally:
        ws.close()
    log("end")
    return 0


def run_ops(spec: dict[str, Any], log: Log) -> int:
    from reviewer.ops.scoring import score, undo_last

    ws, audit_id, qs = _workspace(spec)
    think = random.Random(spec["reviewer"]).uniform
    _barrier(spec, log)
    try:
        for step in spec["ops"]:
            time.sleep(think(0, float(spec.get("think", 0))))
            if step[0] == "wait":
                _wait_for(step[1])
            elif step[0] == "touch":
                _touch(step[1])
            elif step[0] == "score":
                _, rid, qid, answer = step
                done = score(ws, audit_id, qs, rid, qid, answer)
                log("scored", rid=rid, question=qid, answer=answer,
                    history=done.changes.history)
            else:
                done = undo_last(ws, audit_id, qs)
                log("undo", undone=done.value, message=done.message)
    finally:
        ws.close()
    log("end")
    return 0


def run_sample(spec: dict[str, Any], log: Log) -> int:
    from reviewer.errors import describe_error
    from reviewer.ops.sampling import draw_sample

    if spec.get("write_lock_only"):
        from reviewer.ops import sampling

        write = sampling.write
        sampling.write = lambda *a, late=False, **kw: write(*a, imports=False, **kw)  # type: ignore[assignment]
    ws, audit_id, _ = _workspace(spec)
    _instrument(log, None)
    _barrier(spec, log)
    if spec.get("after"):
        other, delay = spec["after"]
        deadline = time.monotonic() + GATE_WAIT
        while not (os.path.exists(other) and '"request"' in Path(other).read_text("utf-8")):
            if time.monotonic() > deadline:
                raise SystemExit(f"race_worker: {other} never asked for the lock")
            time.sleep(0.0005)
        time.sleep(float(delay))
    try:
        done = draw_sample(ws, audit_id, size=int(spec["size"]), seed=int(spec["seed"]))
        log("sampled", added=done.value.added, skipped=len(done.value.skipped))
    except Exception as exc:  # noqa: BLE001 - reported as the command line would
        print(describe_error(exc), file=sys.stderr)
        log("end", code=1)
        return 1
    finally:
        ws.close()
    log("end", code=0)
    return 0


KINDS = {"cli": run_cli, "hold": run_hold, "score": run_score, "ops": run_ops,
         "sample": run_sample}


def main() -> int:
    spec = json.loads(sys.argv[1])
    return KINDS[spec["kind"]](spec, _logger(spec["log"]))


if __name__ == "__main__":
    sys.exit(main())
